"""Every field of every Jointly model is classified as public, personal or sensitive."""

from __future__ import annotations

import pytest
from django.apps import apps

from jointly.core.models import Sensitivity, classified_fields


def jointly_models():
    for config in apps.get_app_configs():
        if not config.name.startswith("jointly"):
            continue
        for model in config.get_models(include_auto_created=False):
            if model.__name__.startswith("Historical") or model._meta.auto_created:
                continue
            yield model


def concrete_field_names(model) -> list[str]:
    names = []
    for f in model._meta.get_fields(include_parents=True, include_hidden=False):
        if f.auto_created and not f.concrete:
            continue  # reverse relations
        if f.is_relation and (f.one_to_many or (f.auto_created and not f.concrete)):
            continue
        if f.concrete or f.many_to_many:
            names.append(f.name)
    return names


MODELS = list(jointly_models())


def test_models_found():
    names = {m.__name__ for m in MODELS}
    assert {"User", "Intention", "Partnership", "Outcome", "Board"} <= names


@pytest.mark.parametrize("model", MODELS, ids=lambda m: f"{m._meta.app_label}.{m.__name__}")
def test_every_field_is_classified(model):
    classified = classified_fields(model)
    missing = [name for name in concrete_field_names(model) if name not in classified]
    assert not missing, (
        f"{model._meta.label}: fields not classified (add to public_fields/personal_fields/"
        f"sensitive_fields): {', '.join(missing)}"
    )


@pytest.mark.parametrize("model", MODELS, ids=lambda m: f"{m._meta.app_label}.{m.__name__}")
def test_classification_names_real_fields(model):
    """A classification naming a field that does not exist is a typo, not a classification."""
    real = set(concrete_field_names(model))
    declared = set()
    for attr in ("public_fields", "personal_fields", "sensitive_fields"):
        declared |= set(getattr(model, attr, ()))
    assert not (declared - real), f"{model._meta.label}: unknown fields {sorted(declared - real)}"


@pytest.mark.parametrize("model", MODELS, ids=lambda m: f"{m._meta.app_label}.{m.__name__}")
def test_no_field_has_two_classifications(model):
    seen: dict[str, str] = {}
    for attr in ("public_fields", "personal_fields", "sensitive_fields"):
        for name in getattr(model, attr, ()):
            assert name not in seen, f"{model._meta.label}.{name} is in both {seen[name]} and {attr}"
            seen[name] = attr


def test_people_fields_are_personal():
    from jointly.accounts.models import User

    c = classified_fields(User)
    for name in ("email", "first_name", "last_name"):
        assert c[name] == Sensitivity.PERSONAL
