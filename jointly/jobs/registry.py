"""Job kinds: each app registers what its jobs do, from its own ``jobs.py``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jointly.jobs.models import Job
    from jointly.jobs.runner import Progress


class JobFailed(Exception):
    """Raised by a job when its input is at fault: the job fails and is not retryable."""


@dataclass(frozen=True)
class Kind:
    name: str
    #: ``run(job, progress) -> message`` does the work (raise JobFailed for bad input).
    run: Callable[[Job, Progress], str]
    #: The permission that lets a partnership member (not only its starter) read the job.
    view_perm: Any = None
    #: The permission that lets a partnership member (not only its starter) run the job again.
    retry_perm: Any = None
    #: Called when a job is found dead (its worker stopped): tidy the kind's own records.
    interrupted: Callable[[Job], None] | None = None
    #: Called once a job has ended for good (succeeded, or failed for a reason retry cannot fix).
    cleanup: Callable[[Job], None] | None = None


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


def get(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise LookupError(f"no job kind {name!r} (known: {', '.join(sorted(KINDS))})") from None
