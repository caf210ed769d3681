"""Run jobs: enqueue a row and its message, claim and execute it in a worker, retry, recover the dead.

Progress lives in the job's row (never in a process's memory), so every web process sees it. A job
whose worker died is found by :func:`recover` (run when a worker starts, by ``jointly jobs recover``
and whenever a page or the API reads a running job): on the same machine by its process id, on
another machine by a heartbeat older than ``JOINTLY_JOB_STALE_SECONDS``. It is marked failed and
retryable; the work itself wrote in one transaction, so nothing was half-written.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F
from django.utils import timezone

from jointly.jobs import registry
from jointly.jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)

INTERRUPTED = (
    "The worker running this job stopped before it finished. Nothing was half-written: you can run it again."
)
UNEXPECTED = "The job stopped with an unexpected error ({name}). Nothing was saved: you can run it again."


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def enqueue(kind: str, arguments: dict[str, Any], *, by: Any = None, partnership: Any = None) -> Job:
    """Record a queued job and send its id to the queue (after the surrounding transaction commits)."""
    registry.get(kind)
    job = Job.objects.create(
        kind=kind,
        arguments=arguments,
        created_by=by if getattr(by, "pk", None) else None,
        partnership=partnership,
        message="Waiting for a worker",
    )
    _send(job.pk)
    job.refresh_from_db()
    return job


def _send(job_id: int) -> None:
    from jointly.jobs.tasks import run_job

    def send() -> None:
        run_job.delay(job_id)

    # Eagerly run jobs (tests) see the uncommitted row on the same connection: no need to wait.
    if settings.CELERY_TASK_ALWAYS_EAGER or not connections[DEFAULT_DB_ALIAS].in_atomic_block:
        send()
    else:
        transaction.on_commit(send)


def retry(job: Job) -> bool:
    """Queue a failed, retryable job again. False when the job is not (or no longer) retryable."""
    changed = Job.objects.filter(pk=job.pk, status=JobStatus.FAILED, retryable=True).update(
        status=JobStatus.QUEUED,
        retryable=False,
        error="",
        done=0,
        message="Waiting for a worker (retry)",
        finished_on=None,
    )
    if changed:
        _send(job.pk)
    job.refresh_from_db()
    return bool(changed)


class Progress:
    """``progress(done, total, message)``: writes the job row, at most every ``interval`` seconds,
    but always when the message (the stage) changes, so that a stage entered just before a long
    transaction is what readers see while it runs.

    Inside a transaction (a job writing its results) the row is written through a second
    connection, so readers see it at once; SQLite allows one writer at a time, so there the row
    keeps the last stage written before the transaction began.
    """

    def __init__(self, job: Job, interval: float = 0.5) -> None:
        self.job = job
        self.interval = interval
        self.last = 0.0
        self.written = ""
        # Transactions the job was started in (a test's, or none in a worker): writes deeper than
        # this are the job's own, not yet committed.
        self.depth = len(connections[DEFAULT_DB_ALIAS].atomic_blocks)

    def __call__(self, done: int, total: int, message: str = "") -> None:
        now = time.monotonic()
        message = message[:255]
        if now - self.last < self.interval and done < total and message == self.written:
            return
        self.last, self.written = now, message
        fields = {"done": max(0, done), "total": max(0, total), "message": message}
        fields["heartbeat_on"] = timezone.now()
        self.job.done, self.job.total, self.job.message = fields["done"], fields["total"], fields["message"]
        conn = connections[DEFAULT_DB_ALIAS]
        if len(conn.atomic_blocks) <= self.depth:
            Job.objects.filter(pk=self.job.pk).update(**fields)
        elif conn.vendor != "sqlite":
            _update_outside_transaction(self.job.pk, fields)


def _update_outside_transaction(pk: int, fields: dict[str, Any]) -> None:
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        q = side.ops.quote_name
        sets = ", ".join(f"{q(name)} = %s" for name in fields)
        with side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {q(Job._meta.db_table)} SET {sets} WHERE {q('id')} = %s", [*fields.values(), pk]
            )
    finally:
        side.close()


class Heartbeat:
    """A thread that stamps ``heartbeat_on`` while a job runs (for workers on other machines)."""

    def __init__(self, job_id: int, every: float) -> None:
        self.job_id = job_id
        self.every = every
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"job-{job_id}-heartbeat", daemon=True)
        self.thread.start()

    def _beat(self) -> None:
        from django.db import DatabaseError

        try:
            while not self.stopped.wait(self.every):
                try:
                    Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(
                        heartbeat_on=timezone.now()
                    )
                except DatabaseError:  # SQLite busy with the job's own write: try again next beat
                    logger.info("job %s: heartbeat skipped (database busy)", self.job_id)
        finally:
            connections.close_all()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=self.every + 30)


def execute(job_id: int, *, heartbeat: bool = False) -> Job | None:
    """Claim a queued job and run it to the end. Returns None when the job was not queued."""
    me = worker_id()
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING,
        started_on=now,
        heartbeat_on=now,
        finished_on=None,
        attempts=F("attempts") + 1,
        worker=me,
        done=0,
        error="",
        message="Starting",
    )
    if not claimed:
        logger.info("job %s: not queued any more, skipped", job_id)
        return None
    job = Job.objects.get(pk=job_id)
    kind = registry.get(job.kind)
    beat = Heartbeat(job.pk, settings.JOINTLY_JOB_HEARTBEAT_SECONDS) if heartbeat else None
    try:
        message = kind.run(job, Progress(job))
    except registry.JobFailed as exc:
        _end(job, JobStatus.FAILED, message="Failed", error=str(exc), retryable=False)
        _cleanup(kind, job)
    except Exception as exc:  # noqa: BLE001 - recorded on the job (class name only: no data in logs)
        logger.error("job %s (%s) failed: %s", job.pk, job.kind, exc.__class__.__name__)
        _end(job, JobStatus.FAILED, message="Failed", error=UNEXPECTED.format(name=exc.__class__.__name__))
    else:
        _end(job, JobStatus.SUCCEEDED, message=message)
        _cleanup(kind, job)
    finally:
        if beat:
            beat.stop()
    job.refresh_from_db()
    return job


def _end(job: Job, status: str, *, message: str, error: str = "", retryable: bool = True) -> None:
    # Only this attempt may end the job (a retry may have started meanwhile).
    Job.objects.filter(pk=job.pk, attempts=job.attempts).update(
        status=status,
        message=message[:255],
        error=error,
        retryable=status == JobStatus.FAILED and retryable,
        finished_on=timezone.now(),
        done=F("total") if status == JobStatus.SUCCEEDED else F("done"),
    )


def _cleanup(kind: registry.Kind, job: Job) -> None:
    if kind.cleanup:
        try:
            kind.cleanup(job)
        except OSError:
            logger.warning("job %s: cleanup failed", job.pk)


# --- Finding jobs whose worker died ----------------------------------------------------------------


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie is dead
    except (OSError, IndexError):
        return True


def is_dead(job: Job, now: Any = None) -> bool:
    """A running job whose worker is gone: by process id on this machine, else by heartbeat age."""
    if job.status != JobStatus.RUNNING:
        return False
    host, _, pid = job.worker.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        return not _process_alive(int(pid))
    now = now or timezone.now()
    stale = timedelta(seconds=settings.JOINTLY_JOB_STALE_SECONDS)
    return job.heartbeat_on is None or now - job.heartbeat_on > stale


def mark_interrupted(job: Job) -> bool:
    changed = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts).update(
        status=JobStatus.FAILED,
        retryable=True,
        error=INTERRUPTED,
        message="Stopped",
        finished_on=timezone.now(),
    )
    if changed:
        logger.warning("job %s (%s): its worker stopped; marked failed (retryable)", job.pk, job.kind)
        kind = registry.KINDS.get(job.kind)
        if kind and kind.interrupted:
            kind.interrupted(job)
    job.refresh_from_db()
    return bool(changed)


def check(job: Job) -> Job:
    """The job as it really is: a running job whose worker died is marked failed first."""
    if is_dead(job):
        mark_interrupted(job)
    return job


def recover() -> int:
    """Mark every running job whose worker died as failed (retryable). Returns how many."""
    now = timezone.now()
    return sum(
        mark_interrupted(job) for job in Job.objects.filter(status=JobStatus.RUNNING) if is_dead(job, now)
    )
