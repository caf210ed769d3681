"""Building blocks shared by every domain app."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import F


class Sensitivity(models.TextChoices):
    """How a field may be used. Every model field is classified (see tests/core/test_data_classification.py)."""

    PUBLIC = "public", "Public or organisational data"
    PERSONAL = "personal", "Identifies a member of staff (name, email)"
    SENSITIVE = "sensitive", "Could identify a child, young person or family member"


class TimeStampedModel(models.Model):
    """Created/modified on and by, kept by the database row itself."""

    created_on = models.DateTimeField(auto_now_add=True)
    modified_on = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True


class StaleEdit(Exception):
    """Raised when a record was changed by someone else after the editor loaded it."""

    def __init__(self, instance: models.Model):
        self.instance = instance
        super().__init__(
            "This record was changed by someone else after you opened it. "
            "Your changes have not been saved: reload it, check their changes and make yours again."
        )


class VersionedModel(TimeStampedModel):
    """Optimistic concurrency: every save through :func:`save_versioned` bumps ``version``.

    An edit submitted with an older version than the stored one is refused
    (:class:`StaleEdit`) instead of silently overwriting the other person's change.
    """

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


def save_versioned(
    instance: VersionedModel, *, expected_version: int | None, by: Any = None
) -> VersionedModel:
    """Save ``instance`` if nobody else saved it since ``expected_version`` was read.

    The check and the version bump are a single conditional UPDATE, so two
    concurrent editors cannot both pass it, on SQLite or PostgreSQL.
    """
    model = type(instance)
    with transaction.atomic():
        if instance.pk is not None and model._default_manager.filter(pk=instance.pk).exists():
            if expected_version is None:
                raise StaleEdit(instance)
            bumped = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
                version=F("version") + 1
            )
            if bumped != 1:
                raise StaleEdit(instance)
            instance.version = expected_version + 1
        elif by is not None and getattr(by, "pk", None):
            instance.created_by = by
        if by is not None and getattr(by, "pk", None):
            instance.modified_by = by
        instance.save()
    return instance


BASE_FIELDS = frozenset({"id", "created_on", "modified_on", "created_by", "modified_by", "version"})


def classified_fields(model: type[models.Model]) -> dict[str, str]:
    """Return ``{field name: sensitivity}`` for a model's declared classification.

    Models declare ``public_fields``, ``personal_fields`` and optionally
    ``sensitive_fields`` (tuples of field names). Base bookkeeping fields are public,
    except created_by/modified_by which point at people (personal).
    """
    result: dict[str, str] = {}
    for name in BASE_FIELDS:
        result[name] = Sensitivity.PERSONAL if name.endswith("_by") else Sensitivity.PUBLIC
    for attr, level in (
        ("public_fields", Sensitivity.PUBLIC),
        ("personal_fields", Sensitivity.PERSONAL),
        ("sensitive_fields", Sensitivity.SENSITIVE),
    ):
        for name in getattr(model, attr, ()):
            result[name] = level
    return result


def recorded_person(help_text: str = "") -> Any:
    """A link to the person who did something (proposed, decided, agreed), kept when they leave.

    Not editable in forms: set by the action that records it. Empty means "not recorded".
    """
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text=help_text,
    )


ILLUSTRATIVE_SOURCE = "illustrative"


class Provenance(models.Model):
    """Where a record's values came from: a source paper, or invented for the demo.

    ``illustrative`` is true when the record carries values that no source gives
    (invented but plausible, to fill a paper's silence, never to contradict it);
    ``source`` says truthfully where the record came from, e.g. "seed 001, table
    'Risk log'" or "illustrative". Pages show both with ``includes/illustrative.html``.
    """

    illustrative = models.BooleanField(
        default=False, help_text="Some values are invented for the demo: no source paper gives them"
    )
    source = models.CharField(
        max_length=300, blank=True, help_text='Where this record came from, e.g. "seed 004, §2.3"'
    )

    provenance_fields = ("illustrative", "source")

    class Meta:
        abstract = True

    @property
    def provenance_label(self) -> str:
        """One line for exports: 'illustrative (seed 002)', 'seed 004, §2.3' or ''."""
        if self.illustrative:
            if self.source and self.source != ILLUSTRATIVE_SOURCE:
                return f"illustrative ({self.source})"
            return ILLUSTRATIVE_SOURCE
        return self.source
