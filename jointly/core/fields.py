"""A model field holding a reporting period of one kind, always stored in its canonical text.

``PeriodField(kind=Kind.FINANCIAL_QUARTER)`` accepts the spellings :func:`periods.parse` reads
(``2013/14-Q2``, ``Q2 2013/14``) and stores ``2013/14 Q2``; anything else, the old calendar form
``2013-Q3`` included, is refused with a message naming the expected form (and, for that old form,
the financial quarter it means). Canonical texts sort in time order within one kind, so
``order_by("period")`` and ``period__lte`` work.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible

from jointly.core import periods


def canonical(value: Any, kind: periods.Kind | str) -> Any:
    """``value`` in canonical text when it reads as a period of ``kind``; unchanged otherwise."""
    if not isinstance(value, str) or not value.strip():
        return value
    try:
        return periods.parse(value, kind).text
    except periods.PeriodError:
        return value


@deconstructible
class PeriodValidator:
    def __init__(self, kind: str) -> None:
        self.kind = str(kind)

    def __call__(self, value: Any) -> None:
        try:
            periods.parse(str(value), self.kind)
        except periods.PeriodError as exc:
            raise ValidationError(str(exc), code="period") from exc

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PeriodValidator) and other.kind == self.kind


class PeriodFormField(forms.CharField):
    def __init__(self, *, kind: str, **kwargs: Any) -> None:
        self.kind = kind
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        return canonical(super().to_python(value), self.kind)


class PeriodField(models.CharField):
    """A period of one :class:`periods.Kind`, stored as its canonical text."""

    def __init__(self, *args: Any, kind: str = periods.Kind.FINANCIAL_QUARTER, **kwargs: Any) -> None:
        self.kind = str(kind)
        kwargs.setdefault("max_length", 16)
        super().__init__(*args, **kwargs)
        self.validators.append(PeriodValidator(self.kind))

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        kwargs.pop("validators", None)
        return name, path, args, kwargs

    def to_python(self, value: Any) -> Any:
        return canonical(super().to_python(value), self.kind)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = canonical(getattr(model_instance, self.attname), self.kind)
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{"form_class": PeriodFormField, "kind": self.kind, **kwargs})
