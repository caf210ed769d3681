"""Helpers for the rules a record must keep, whichever door the write comes through.

Each app keeps its model's rules in one place, ``<app>/rules.py`` (backed where possible by a
database constraint on the model), and both its forms and its API serializers call them, so a
rule refuses in the same words on a page and in the API. A rule returns *problems*, a
``{field: message}`` mapping (empty when all is well):

- a form adds them with :func:`add_to_form` (or raises the one for its field in ``clean_<field>``
  with :func:`raise_for`);
- a serializer adds them to the errors it raises (``errors.update(problems)``).

:func:`current` is the one way a serializer reads "the value this write will leave": the
submitted value, else the edited record's, else ``None``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet

Problems = dict[str, str]


def current(data: Mapping[str, Any], instance: Model | None, name: str) -> Any:
    """The value of ``name`` after this write: from the data, else from the instance.

    A many-to-many value is read as a list; with neither data nor instance, ``None``.
    """
    if name in data:
        return data[name]
    if instance is None:
        return None
    value: Any = getattr(instance, name, None)
    return list(value.all()) if hasattr(value, "all") else value


def unique(clash: QuerySet[Any], instance: Model | None, field: str, message: str) -> Problems:
    """``{field: message}`` when a record other than ``instance`` matches ``clash``."""
    if instance is not None and instance.pk:
        clash = clash.exclude(pk=instance.pk)
    return {field: message} if clash.exists() else {}


def add_to_form(form: Any, problems: Problems) -> None:
    """Add problems to a bound form: to their field if the form shows it, else to the form."""
    for field, message in problems.items():
        form.add_error(field if field in form.fields else None, message)


def raise_for(problems: Problems, field: str) -> None:
    """In a form's ``clean_<field>``: raise the problem with ``field``, if there is one."""
    if field in problems:
        raise ValidationError(problems[field])
