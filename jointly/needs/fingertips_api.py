"""Fetch indicator data from the Fingertips API and load it through the same importer as a download.

``jointly needs fetch --indicator 93356 [--area-type 502] [--parent-area-type 15] [--profile ID]``
asks the API for its "all data" CSV (``/api/all_data/csv/by_indicator_id`` or, with a profile,
``/api/all_data/csv/by_profile_id``), saves it to a temporary file (capped at the needs upload
limit, never held in memory) and loads it with :func:`jointly.needs.importer.import_file` in the
Fingertips layout: the same checks, the same report, whole or nothing.

The address comes from ``settings.JOINTLY_FINGERTIPS_API`` (default the public API). Tests replace
:data:`OPEN` with a function that answers from recorded responses: they never use the network.
"""

from __future__ import annotations

import tempfile
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlencode

from django.conf import settings

from jointly.needs import importer
from jointly.needs.models import ImportLayout, ImportLog

DEFAULT_BASE = "https://fingertips.phe.org.uk/api"
#: Fingertips area type 502: upper-tier local authorities (counties and unitary authorities, from
#: April 2023); parent area type 15: England.
DEFAULT_AREA_TYPE = 502
DEFAULT_PARENT_AREA_TYPE = 15
TIMEOUT_SECONDS = 120

Opener = Callable[[str, float], IO[bytes]]


def _open(url: str, timeout: float) -> IO[bytes]:  # pragma: no cover - the network is never used in tests
    request = urllib.request.Request(
        url, headers={"User-Agent": "Jointly (needs fetch)", "Accept": "text/csv"}
    )
    return urllib.request.urlopen(request, timeout=timeout)


OPEN: Opener = _open


class FetchError(Exception):
    """The API could not be read (network, HTTP error, or an answer over the size cap)."""


def data_url(
    indicator: int | None = None,
    *,
    area_type: int = DEFAULT_AREA_TYPE,
    parent_area_type: int = DEFAULT_PARENT_AREA_TYPE,
    profile: int | None = None,
    base: str | None = None,
) -> str:
    """The API address of the "all data" CSV for an indicator (or every indicator of a profile)."""
    root = (base or getattr(settings, "JOINTLY_FINGERTIPS_API", DEFAULT_BASE)).rstrip("/")
    query: dict[str, Any] = {"child_area_type_id": area_type, "parent_area_type_id": parent_area_type}
    if profile is not None:
        return f"{root}/all_data/csv/by_profile_id?{urlencode({'profile_id': profile, **query})}"
    if indicator is None:
        raise ValueError("give an indicator ID or a profile ID")
    return f"{root}/all_data/csv/by_indicator_id?{urlencode({'indicator_ids': indicator, **query})}"


def download(url: str, target: IO[bytes], *, max_bytes: int) -> int:
    """Copy the API's answer into ``target`` in 1 MB blocks; refuse one over ``max_bytes``."""
    try:
        with OPEN(url, TIMEOUT_SECONDS) as answer:
            size = 0
            for block in iter(lambda: answer.read(1 << 20), b""):
                size += len(block)
                if size > max_bytes:
                    raise FetchError(f"the API's answer is larger than {max_bytes:,} bytes")
                target.write(block)
    except FetchError:
        raise
    except OSError as exc:  # URLError and HTTPError are OSErrors
        raise FetchError(f"the Fingertips API could not be read: {exc}") from exc
    return size


def fetch(
    indicator: int | None = None,
    *,
    area_type: int = DEFAULT_AREA_TYPE,
    parent_area_type: int = DEFAULT_PARENT_AREA_TYPE,
    profile: int | None = None,
    strict: bool = False,
    by: Any = None,
    partnership: Any = None,
    progress: importer.ProgressFn | None = None,
) -> ImportLog:
    """Download the data and load it (see the module docstring); raises :class:`FetchError`."""
    from jointly.core.uploads import max_upload_bytes

    url = data_url(indicator, area_type=area_type, parent_area_type=parent_area_type, profile=profile)
    name = f"fingertips-api-{'profile-' + str(profile) if profile is not None else indicator}-{area_type}.csv"
    with tempfile.TemporaryDirectory(prefix="jointly-fetch-") as folder:
        path = Path(folder) / name
        with path.open("wb") as target:
            download(url, target, max_bytes=max_upload_bytes("needs"))
        return importer.import_file(
            path, ImportLayout.FINGERTIPS, file_name=name, by=by, partnership=partnership,
            progress=progress, strict=strict,
        )  # fmt: skip
