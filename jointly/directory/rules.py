"""The directory's rules, in the words the page and the import use (``{field: message}``)."""

from __future__ import annotations


def entry_problems(
    *, confidential: bool, contact_instructions: str, cost_free: bool, cost_description: str
) -> dict[str, str]:
    problems: dict[str, str] = {}
    if confidential and not contact_instructions.strip():
        problems["contact_instructions"] = (
            "Say how families can make contact: a confidential service publishes no address."
        )
    if not cost_free and not cost_description.strip():
        problems["cost_description"] = "Say what it costs: the service is not free."
    return problems
