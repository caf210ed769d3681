"""One partnership's records as JSON, re-importable into an empty instance (issue 16 item 6).

``jointly export partnership --partnership SLUG --output F.json`` and
``jointly import partnership --input F.json``.

**What is exported.** Every record of the domain apps that belongs to the partnership: each model
with a chain of foreign keys to ``Partnership`` (intentions, progress, contracts, variations, KPIs,
returns, boards, meetings, decisions, needs assessments, import logs and the values they loaded…),
found from the models themselves, so a new app's models are included without editing this file;
then the reference records those point at (organisations, areas with their parents, indicators,
commissioning functions), and the catalogue records linked to the partnership's own through a
many-to-many field (the indicators linked to its themes and outcomes). A link to another
partnership's record is left out (a nullable key is emptied, a link row dropped, a many-to-many
list filtered), so the file never carries another partnership's data.

**What is not.** People: accounts, memberships and tokens belong to the instance, and every
reference to a person (``created_by``, ``proposed_by``…) is emptied. Audit history stays with the
instance it describes. Records keep their primary keys, which is why the import needs an instance
that holds none of them (a fresh ``jointly migrate``): it refuses, changing nothing, when any
record of the file is already there.

No domain app is imported here: models are found through the app registry.
"""

from __future__ import annotations

import json
from collections import defaultdict, deque
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, models, transaction

FORMAT = "jointly-partnership-export"
VERSION = 1
NOT_EXPORTED_APPS = {"accounts", "jobs", "core", "demo", "stats", "charts"}
MAX_DEPTH = 4
CHUNK = 500


class PortabilityError(Exception):
    pass


def _domain_models() -> list[type[models.Model]]:
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("jointly.") or config.label in NOT_EXPORTED_APPS:
            continue
        for model in config.get_models():
            if model.__name__.startswith("Historical") or model._meta.auto_created:
                continue
            found.append(model)
    return sorted(found, key=lambda m: m._meta.label)


def _is_user(model: type[models.Model]) -> bool:
    return model._meta.app_label == "accounts"


def _paths_to_partnership(model: type[models.Model]) -> list[str]:
    """Lookups from ``model`` to its partnership through foreign keys, shortest first."""
    partnership = apps.get_model("partnerships", "Partnership")
    if model is partnership:
        return ["pk"]
    found: list[str] = []
    todo: deque[tuple[type[models.Model], str, int]] = deque([(model, "", 0)])
    while todo:
        current, prefix, depth = todo.popleft()
        if depth >= MAX_DEPTH:
            continue
        for f in current._meta.concrete_fields:
            if not f.is_relation or f.related_model is None or _is_user(f.related_model):
                continue
            path = f"{prefix}{f.name}"
            if f.related_model is partnership:
                found.append(path)
            elif f.related_model is not current:
                todo.append((f.related_model, f"{path}__", depth + 1))
        if found:  # the shortest chains only
            break
    return found


def _pk_chunks(pks: Iterable[Any]) -> Iterable[list[Any]]:
    items = sorted(pks)
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def collect(slug: str) -> dict[type[models.Model], set[Any]]:
    """The primary keys of every record the export holds, by model."""
    partnership = apps.get_model("partnerships", "Partnership").objects.filter(slug=slug).first()
    if partnership is None:
        raise PortabilityError(f"No partnership with slug {slug!r}.")
    chosen: dict[type[models.Model], set[Any]] = defaultdict(set)
    owned: set[type[models.Model]] = set()
    for model in _domain_models():
        paths = _paths_to_partnership(model)
        if not paths:
            continue
        owned.add(model)
        condition = models.Q()
        for path in paths:
            condition |= models.Q(**{path: partnership.pk})
        chosen[model].update(model._default_manager.filter(condition).values_list("pk", flat=True))
    # catalogue records linked to the partnership's own (indicators on its themes or outcomes)
    for model in _domain_models():
        if model in owned:
            continue
        for f in model._meta.many_to_many:
            if f.related_model in owned and chosen[f.related_model]:
                for part in _pk_chunks(chosen[f.related_model]):
                    chosen[model].update(
                        model._default_manager.filter(**{f"{f.name}__in": part}).values_list("pk", flat=True)
                    )
    # the reference records they point at (areas' parents, organisations' parents…), to a fixpoint
    queue = [m for m in list(chosen) if chosen[m]]
    while queue:
        model = queue.pop()
        relations: list[Any] = [
            f
            for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
            if f.is_relation and f.related_model is not None and not _is_user(f.related_model)
            and f.related_model not in owned
        ]  # fmt: skip
        for f in relations:
            target = f.related_model
            before = len(chosen[target])
            for part in _pk_chunks(chosen[model]):
                rows = model._default_manager.filter(pk__in=part)
                key = f.name if f.many_to_many else f.attname
                chosen[target].update(v for v in rows.values_list(key, flat=True) if v is not None)
            if len(chosen[target]) != before:
                queue.append(target)
    # records that only describe exported ones (an indicator's values for an exported area)
    for model in _domain_models():
        keys: list[Any] = [
            f
            for f in model._meta.concrete_fields
            if f.is_relation and not f.null and f.related_model is not None and not _is_user(f.related_model)
        ]
        if keys and all(chosen.get(f.related_model) for f in keys):
            lookups = {f"{f.attname}__in": sorted(chosen[f.related_model]) for f in keys}
            chosen[model].update(model._default_manager.filter(**lookups).values_list("pk", flat=True))
    return {m: pks for m, pks in chosen.items() if pks}


def export(slug: str) -> dict[str, Any]:
    chosen = collect(slug)
    records: list[dict[str, Any]] = []
    for model in sorted(chosen, key=lambda m: m._meta.label):
        for part in _pk_chunks(chosen[model]):
            rows = model._default_manager.filter(pk__in=part).order_by("pk")
            for row in serializers.serialize("python", rows):
                kept = _clean(model, row, chosen)
                if kept is not None:
                    records.append(kept)
    counts: dict[str, int] = defaultdict(int)
    for r in records:
        counts[r["model"]] += 1
    return {
        "format": FORMAT,
        "version": VERSION,
        "partnership": slug,
        "counts": dict(counts),
        "records": records,
    }


def _clean(
    model: type[models.Model], row: dict[str, Any], chosen: dict[type[models.Model], set[Any]]
) -> dict[str, Any] | None:
    """No people, and no link to a record outside the export."""
    fields = row["fields"]
    field: Any
    for field in model._meta.concrete_fields:
        value = fields.get(field.name)
        if not field.is_relation or value is None:
            continue
        if _is_user(field.related_model) or value not in chosen.get(field.related_model, ()):
            if not field.null:
                return None  # a link row to another partnership's record
            fields[field.name] = None
    for field in model._meta.many_to_many:
        if field.name in fields:
            wanted = chosen.get(field.related_model, set())
            fields[field.name] = sorted(v for v in fields[field.name] if v in wanted)
    return row


def write(slug: str, path: Path) -> dict[str, int]:
    data = export(slug)
    path.write_text(json.dumps(data, indent=1, default=str, ensure_ascii=False), encoding="utf-8")
    return data["counts"]


def load(path: Path) -> dict[str, int]:
    """Import a file :func:`write` made, into an instance holding none of its records."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PortabilityError(f"Cannot read {path}: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
        raise PortabilityError(
            f"{path} is not a Jointly partnership export (format {FORMAT}, version {VERSION})."
        )
    by_model: dict[str, list[Any]] = defaultdict(list)
    for r in data["records"]:
        by_model[r["model"]].append(r["pk"])
    for label, pks in by_model.items():
        try:
            model = apps.get_model(label)
        except LookupError as exc:
            raise PortabilityError(
                f"Unknown kind of record {label!r}: is this a newer version's file?"
            ) from exc
        for part in _pk_chunks(pks):
            if model._default_manager.filter(pk__in=part).exists():
                raise PortabilityError(
                    f"This instance already holds {model._meta.verbose_name_plural} of the file: import into "
                    "an empty instance (a fresh `jointly migrate`). Nothing was imported."
                )
    touched = set()
    with transaction.atomic():
        with connection.constraint_checks_disabled():
            for obj in serializers.deserialize("python", data["records"]):
                obj.save()
                touched.add(type(obj.object))
        connection.check_constraints(table_names=[m._meta.db_table for m in touched])
        sql = connection.ops.sequence_reset_sql(no_style(), list(touched))
        if sql:
            with connection.cursor() as cursor:
                for statement in sql:
                    cursor.execute(statement)
    return {label: len(pks) for label, pks in by_model.items()}
