"""Fixtures for the job tests: the needs world (an indicator, areas, people) and a test job kind."""

from __future__ import annotations

import pytest

from jointly.jobs import registry
from tests.needs.conftest import NeedsWorld


@pytest.fixture
def needs(world) -> NeedsWorld:
    return NeedsWorld.build(world)


@pytest.fixture
def kind():
    """Register ``tests.kind``, whose behaviour a test sets with ``kind.behave = fn(job, progress)``."""

    class Holder:
        behave = staticmethod(lambda job, progress: "done")
        interrupted: list[int] = []
        cleaned: list[int] = []

    holder = Holder()
    registry.register(
        registry.Kind(
            name="tests.kind",
            run=lambda job, progress: holder.behave(job, progress),
            interrupted=lambda job: holder.interrupted.append(job.pk),
            cleanup=lambda job: holder.cleaned.append(job.pk),
        )
    )
    yield holder
    registry.KINDS.pop("tests.kind", None)
