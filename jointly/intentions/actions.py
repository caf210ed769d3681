"""Multi-record writes for intentions: each in one transaction, with its audit entry."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from jointly.intentions.models import Intention, ProgressUpdate


def refresh_rag(intention: Intention) -> str:
    """Set the intention's RAG from its latest quarterly update (derived, so not versioned)."""
    latest = ProgressUpdate.objects.filter(intention=intention).order_by("-period", "-date").first()
    rag = latest.rag if latest else ""
    if intention.current_rag != rag:
        Intention.objects.filter(pk=intention.pk).update(current_rag=rag)
        intention.current_rag = rag
    return rag


def save_progress(form: Any, *, by: Any) -> ProgressUpdate:
    with transaction.atomic():
        update = form.save_as(by=by)
        refresh_rag(update.intention)
    return update


def set_stage(intention: Intention, stage: str, *, reason: str, by: Any) -> Intention:
    """Move ``intention`` to ``stage`` (a board's decision, say), naming ``by`` and ``reason`` in its
    audit history. Refuses (``ValueError``) a stage that is not a commissioning stage; raises
    :class:`~jointly.core.models.StaleEdit` if the intention changed meanwhile."""
    from jointly.core.models import save_versioned
    from jointly.partnerships.models import CommissioningStage

    if stage not in CommissioningStage.values:
        raise ValueError(f"{stage!r} is not a commissioning stage.")
    with transaction.atomic():
        fresh = Intention.objects.select_for_update().get(pk=intention.pk)
        if fresh.stage == stage:
            return fresh
        fresh.stage = stage
        fresh._change_reason = reason[:100]  # type: ignore[attr-defined]
        if getattr(by, "pk", None):
            fresh._history_user = by  # type: ignore[attr-defined]
        save_versioned(fresh, expected_version=fresh.version, by=by)
    return fresh
