"""``jointly jobs list|show|retry|recover``: background jobs from the command line."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jointly.jobs import runner
from jointly.jobs.models import Job, JobStatus


class Command(BaseCommand):
    help = (
        "Background jobs: list, show ID, retry ID (a failed or killed job), recover (mark dead jobs failed)."
    )

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        listing = sub.add_parser("list", help="The latest jobs")
        listing.add_argument("--status", choices=JobStatus.values)
        listing.add_argument("--limit", type=int, default=20)
        sub.add_parser("show", help="One job").add_argument("id", type=int)
        sub.add_parser("retry", help="Queue a failed, retryable job again").add_argument("id", type=int)
        sub.add_parser("recover", help="Mark running jobs whose worker died as failed (retryable)")

    def handle(self, *args: Any, **options: Any) -> None:
        verb = options["verb"]
        if verb == "list":
            jobs = Job.objects.all()
            if options["status"]:
                jobs = jobs.filter(status=options["status"])
            for job in jobs[: options["limit"]]:
                self.stdout.write(self._line(runner.check(job)))
        elif verb == "recover":
            self.stdout.write(f"{runner.recover()} job(s) marked failed (their worker had stopped).")
        else:
            job = Job.objects.filter(pk=options["id"]).first()
            if job is None:
                raise CommandError(f"no job {options['id']}")
            job = runner.check(job)
            if verb == "retry":
                if not runner.retry(job):
                    raise CommandError(
                        f"job {job.pk} is {job.get_status_display().lower()}: only a failed job that "
                        "may succeed on a second run can be retried"
                    )
                self.stdout.write(f"job {job.pk} queued again")
            else:
                self.stdout.write(self._line(job))
                if job.error:
                    self.stdout.write(job.error)

    @staticmethod
    def _line(job: Job) -> str:
        retry = " (retryable)" if job.can_retry else ""
        return f"{job.pk}\t{job.kind}\t{job.status}{retry}\t{job.percent}%\t{job.message}"
