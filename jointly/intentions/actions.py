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
