"""The rules of frameworks, outcomes and links, used by both their forms and the API.

Each uniqueness rule is backed by a constraint on the model (``framework_unique_slug``,
``outcome_unique_code``, ``outcome_link_unique``).
"""

from __future__ import annotations

from jointly.core.rules import Problems, unique
from jointly.outcomes.models import Framework, Outcome, OutcomeLink
from jointly.partnerships.models import Partnership

FRAMEWORK_SLUG_TAKEN = "Another framework in this partnership uses this slug."
OUTCOME_CODE_TAKEN = "Another outcome in this framework already has this code."
LINK_EXISTS = "That link already exists."


def framework_slug(partnership: Partnership | None, slug: str | None, instance: Framework | None) -> Problems:
    """A framework's slug is unique within its partnership."""
    clash = Framework.objects.filter(partnership=partnership, slug=slug)
    return unique(clash, instance, "slug", FRAMEWORK_SLUG_TAKEN)


def outcome_code(framework: Framework | None, code: str | None, instance: Outcome | None) -> Problems:
    """An outcome's code is unique within its framework."""
    return unique(
        Outcome.objects.filter(framework=framework, code=code), instance, "code", OUTCOME_CODE_TAKEN
    )


def link_target(source: Outcome, target: Outcome) -> Problems:
    """An outcome contributes to another at most once."""
    return unique(OutcomeLink.objects.filter(source=source, target=target), None, "target", LINK_EXISTS)
