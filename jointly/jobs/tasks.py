"""The one Celery task: run a job by id (everything else about the job is in its row)."""

from __future__ import annotations

from typing import Any

from jointly.celery import app


@app.task(name="jointly.jobs.run", bind=True, ignore_result=True)
def run_job(self: Any, job_id: int) -> None:
    from jointly.jobs import runner

    runner.execute(job_id, heartbeat=not self.request.is_eager)
