"""The needs import as a background job (kind ``needs.import``), for files too big to load in a request.

The page or the API stores the upload in ``var/needs-imports/`` and enqueues a job whose arguments
are the import log's id, the stored file's name and the options (nothing personal). The worker runs
:func:`jointly.needs.importer.run`, which writes the whole file in one transaction: a worker killed
mid-way leaves nothing half-written, and the job can be retried while the stored file is kept. The
file is deleted once the job has ended for good.
"""

from __future__ import annotations

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


def upload_dir() -> Path:
    path = Path(settings.VAR_DIR) / "needs-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _stored(job: Job) -> Path:
    return upload_dir() / Path(str(job.arguments.get("file", ""))).name  # a name, never a path


def enqueue_import(
    log: ImportLog, stored: Path, *, strict: bool = False, by: Any = None, create_areas: bool | None = None
) -> Job:
    """Queue the load of ``stored`` (a file in :func:`upload_dir`) into ``log``.

    ``strict`` refuses unknown indicators and areas; ``create_areas`` is ignored (old callers)."""
    arguments = {"import_log": log.pk, "file": stored.name, "strict": bool(strict)}
    return runner.enqueue(KIND, arguments, by=by, partnership=log.partnership)


def job_for(log: ImportLog) -> Job | None:
    """The latest job loading this log (checked: a job whose worker died reads as failed)."""
    job = Job.objects.filter(kind=KIND, arguments__import_log=log.pk).order_by("-pk").first()
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
    importer.run(
        log,
        path,
        progress=lambda fraction, stage: progress(int(fraction * 100), 100, stage),
        strict=bool(job.arguments.get("strict")),
    )
    if log.status != ImportStatus.DONE:
        raise registry.JobFailed(log.message)
    return log.message


def _interrupted(job: Job) -> None:
    ImportLog.objects.filter(
        pk=job.arguments.get("import_log"), status__in=[ImportStatus.PENDING, ImportStatus.RUNNING]
    ).update(
        status=ImportStatus.FAILED,
        finished_on=timezone.now(),
        stage="Not loaded",
        message="The load stopped before it finished and nothing was saved. Run it again from this page.",
    )


def _cleanup(job: Job) -> None:
    _stored(job).unlink(missing_ok=True)


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
