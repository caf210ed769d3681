"""The needs import as a background job (kind ``needs.import``), for files too big to load in a request.

The page or the API stores the upload in ``var/needs-imports/`` and enqueues a job whose arguments
are the import log's id, the stored file's name and the options (nothing personal). The worker runs
:func:`jointly.needs.importer.run`, which writes the whole file in one transaction: a worker killed
mid-way leaves nothing half-written, and the job can be retried while the stored file is kept. The
file is deleted once the job has ended for good.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from jointly.accounts.permissions import Perm
from jointly.jobs import registry, runner
from jointly.jobs.models import Job
from jointly.needs import importer
from jointly.needs.models import ImportLog, ImportStatus

KIND = "needs.import"
#: Fetch from the Fingertips API into the upload folder, then check it like an upload.
FETCH_KIND = "needs.fetch"


def upload_dir() -> Path:
    path = Path(settings.VAR_DIR) / "needs-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _stored(job: Job) -> Path:
    return upload_dir() / Path(str(job.arguments.get("file", ""))).name  # a name, never a path


def stored_for(log: ImportLog) -> Path | None:
    """The stored upload of a log (named ``<log id>-<random>.csv``), if it is still kept."""
    return next(iter(sorted(upload_dir().glob(f"{int(log.pk)}-*.csv"))), None)


#: A checked file nobody loaded is deleted after this long.
KEEP_UNLOADED_SECONDS = 2 * 24 * 3600


def sweep_uploads(now: float | None = None) -> int:
    """Delete stored uploads older than :data:`KEEP_UNLOADED_SECONDS` (checked, never loaded)."""
    limit = (now if now is not None else time.time()) - KEEP_UNLOADED_SECONDS
    gone = 0
    for path in upload_dir().glob("*.csv"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            gone += 1
    return gone


def enqueue_import(
    log: ImportLog,
    stored: Path,
    *,
    strict: bool = False,
    by: Any = None,
    create_areas: bool | None = None,
    check_only: bool = False,
) -> Job:
    """Queue the load of ``stored`` (a file in :func:`upload_dir`) into ``log``.

    ``strict`` refuses unknown indicators and areas; ``check_only`` checks the file and writes
    nothing (the file is kept for the load that follows); ``create_areas`` is ignored (old callers)."""
    arguments = {"import_log": log.pk, "file": stored.name, "strict": bool(strict)}
    if check_only:
        arguments["check_only"] = True
    return runner.enqueue(KIND, arguments, by=by, partnership=log.partnership)


def job_for(log: ImportLog) -> Job | None:
    """The latest job loading this log (checked: a job whose worker died reads as failed)."""
    job = (
        Job.objects.filter(kind__in=[KIND, FETCH_KIND], arguments__import_log=log.pk).order_by("-pk").first()
    )
    return runner.check(job) if job else None


def _run(job: Job, progress: runner.Progress) -> str:
    log = ImportLog.objects.get(pk=job.arguments["import_log"])
    path = _stored(job)
    if not path.is_file():
        raise registry.JobFailed("The uploaded file is no longer available: load it again.")
    if job.attempts > 1:  # a retry starts the log afresh
        ImportLog.objects.filter(pk=log.pk).update(
            status=ImportStatus.PENDING, finished_on=None, progress=0, stage="", problems=[],
            problem_count=0, message="", created=0, updated=0, report={},
        )  # fmt: skip
        log.refresh_from_db()
    check_only = bool(job.arguments.get("check_only"))
    importer.run(
        log,
        path,
        progress=lambda fraction, stage: progress(int(fraction * 100), 100, stage),
        strict=bool(job.arguments.get("strict")),
        check_only=check_only,
    )
    if log.status != (ImportStatus.CHECKED if check_only else ImportStatus.DONE):
        raise registry.JobFailed(log.message)
    return log.message


def _interrupted(job: Job, message: str = "") -> None:
    ImportLog.objects.filter(
        pk=job.arguments.get("import_log"), status__in=[ImportStatus.PENDING, ImportStatus.RUNNING]
    ).update(
        status=ImportStatus.FAILED,
        finished_on=timezone.now(),
        stage="Not loaded",
        message=message
        or "The load stopped before it finished and nothing was saved. Run it again from this page.",
    )


def _cleanup(job: Job) -> None:
    """The stored file goes once the job has ended for good, unless it was checked and waits to be loaded."""
    if (
        job.arguments.get("check_only")
        and ImportLog.objects.filter(pk=job.arguments.get("import_log"), status=ImportStatus.CHECKED).exists()
    ):
        return
    _stored(job).unlink(missing_ok=True)


def enqueue_fetch(
    log: ImportLog,
    *,
    indicator: int | None,
    area_type: int,
    parent_area_type: int,
    profile: int | None = None,
    strict: bool = False,
    by: Any = None,
) -> Job:
    """Queue a fetch from the Fingertips API into ``log``: the download is stored like an upload and
    checked (nothing written); the import page then offers to load it."""
    arguments = {
        "import_log": log.pk, "file": f"{log.pk}-{uuid.uuid4().hex}.csv", "strict": bool(strict),
        "check_only": True, "indicator": indicator, "area_type": area_type,
        "parent_area_type": parent_area_type, "profile": profile,
    }  # fmt: skip
    return runner.enqueue(FETCH_KIND, arguments, by=by, partnership=log.partnership)


def _fetch(job: Job, progress: runner.Progress) -> str:
    from jointly.core.uploads import max_upload_bytes
    from jointly.needs import fingertips_api

    args = job.arguments
    url = fingertips_api.data_url(
        args.get("indicator"), area_type=int(args["area_type"]), parent_area_type=int(args["parent_area_type"]),
        profile=args.get("profile"),
    )  # fmt: skip
    path = _stored(job)
    progress(0, 100, "Downloading from the Fingertips API")
    partial = path.with_suffix(".part")
    try:
        with partial.open("wb") as target:
            fingertips_api.download(url, target, max_bytes=max_upload_bytes("needs"))
    except fingertips_api.FetchError as exc:
        partial.unlink(missing_ok=True)
        _interrupted(job, message=f"Nothing was fetched: {exc}")
        raise registry.JobFailed(str(exc)) from exc
    partial.replace(path)
    return _run(job, lambda done, total, stage: progress(10 + done * 90 // max(total, 1), 100, stage))


registry.register(
    registry.Kind(
        name=FETCH_KIND,
        run=_fetch,
        view_perm=Perm.VIEW_NEEDS,
        retry_perm=Perm.IMPORT_NEEDS,
        interrupted=lambda job: _interrupted(job),
        cleanup=lambda job: _cleanup(job),
    )
)

registry.register(
    registry.Kind(
        name=KIND,
        run=_run,
        view_perm=Perm.VIEW_NEEDS,
        retry_perm=Perm.IMPORT_NEEDS,
        interrupted=_interrupted,
        cleanup=_cleanup,
    )
)
