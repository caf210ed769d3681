"""The golden thread around one outcome, assembled in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from jointly.intentions.models import Intention
from jointly.outcomes.models import Outcome, OutcomeLink


@dataclass
class TreeNode:
    outcome: Outcome
    children: list[TreeNode] = field(default_factory=list)


def build_tree(outcomes: list[Outcome]) -> list[TreeNode]:
    nodes = {o.pk: TreeNode(o) for o in outcomes}
    roots: list[TreeNode] = []
    for o in outcomes:
        if o.parent_id and o.parent_id in nodes:
            nodes[o.parent_id].children.append(nodes[o.pk])
        else:
            roots.append(nodes[o.pk])
    return roots


def golden_thread(outcome: Outcome) -> dict[str, Any]:
    siblings = list(outcome.framework.outcomes.only("id", "code", "title", "parent_id", "framework_id"))
    by_id = {o.pk: o for o in siblings}
    ancestors = []
    node = by_id.get(outcome.parent_id) if outcome.parent_id else None
    while node is not None and node not in ancestors:
        ancestors.insert(0, node)
        node = by_id.get(node.parent_id) if node.parent_id else None
    children = [o for o in siblings if o.parent_id == outcome.pk]
    serves = [
        link.target
        for link in OutcomeLink.objects.filter(source=outcome).select_related(
            "target__framework__partnership"
        )
    ]
    served_by = [
        link.source
        for link in OutcomeLink.objects.filter(target=outcome).select_related(
            "source__framework__partnership"
        )
    ]
    contributing_ids = [o.pk for o in children] + [o.pk for o in served_by]
    intentions = (
        Intention.objects.filter(outcomes__in=[outcome.pk, *contributing_ids])
        .select_related("lead_commissioner", "partnership")
        .distinct()
        .order_by("reference")
    )
    direct_ids = set(Intention.objects.filter(outcomes=outcome).values_list("pk", flat=True))
    return {
        "ancestors": ancestors,
        "children": children,
        "serves": serves,
        "served_by": served_by,
        "intentions": [(i, i.pk in direct_ids) for i in intentions],
    }


@dataclass
class Section:
    """A later app's part of an outcome's golden thread (contracts, KPIs, indicators...)."""

    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


def extra_sections(outcome: Outcome, partnership: Any, user: Any) -> list[Section]:
    """Ask each app in JOINTLY_THREAD_SECTIONS for its section (a broken module fails loudly)."""
    sections = []
    for path in getattr(settings, "JOINTLY_THREAD_SECTIONS", []):
        section = import_string(path)(outcome, partnership, user)
        if section is not None:
            sections.append(section)
    return sections
