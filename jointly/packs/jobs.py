"""The background job that builds a board pack (``packs.build``): progress in the job's row."""

from __future__ import annotations

from jointly.accounts.permissions import Perm
from jointly.jobs import registry, runner
from jointly.jobs.models import Job
from jointly.packs.models import Pack, PackStatus

KIND = "packs.build"


def _run(job: Job, progress: runner.Progress) -> str:
    from jointly.packs import actions, build

    pack = (
        Pack.objects.select_related("meeting__board__partnership")
        .filter(pk=job.arguments.get("pack"))
        .first()
    )
    if pack is None:
        raise registry.JobFailed("The pack no longer exists (a newer build replaced it).")
    if pack.status == PackStatus.ISSUED:
        return "Already issued: nothing to do."
    try:
        pack = actions.render(pack, progress)
    except build.PackError as exc:
        Pack.objects.filter(pk=pack.pk).update(status=PackStatus.FAILED, message=str(exc)[:300])
        raise registry.JobFailed(str(exc)) from exc
    return pack.message


def _interrupted(job: Job) -> None:
    Pack.objects.filter(pk=job.arguments.get("pack"), status=PackStatus.BUILDING).update(
        status=PackStatus.FAILED, message="The build stopped before it finished: build it again."
    )


registry.register(
    registry.Kind(
        name=KIND,
        run=_run,
        view_perm=Perm.VIEW_PLANNING,
        retry_perm=Perm.EDIT_GOVERNANCE,
        interrupted=_interrupted,
    )  # fmt: skip
)
