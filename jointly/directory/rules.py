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


ALLOWED_SCHEMES = ("http", "https")
MAX_LINKS = 20


def link_problems(links: object) -> str:
    """ "" when ``links`` is a list of ``{"label", "url"}`` with a label and an http(s) address."""
    from urllib.parse import urlsplit

    if not isinstance(links, list):
        return "Give the links as a list of labels and addresses."
    if len(links) > MAX_LINKS:
        return f"Give at most {MAX_LINKS} links."
    for i, link in enumerate(links, start=1):
        if not isinstance(link, dict) or set(link) != {"label", "url"}:
            return f"Link {i}: give a label and an address, nothing else."
        label, url = link["label"], link["url"]
        if not isinstance(label, str) or not label.strip() or len(label) > 200:
            return f"Link {i}: give a label of at most 200 characters."
        if not isinstance(url, str) or len(url) > 500 or any(c.isspace() for c in url):
            return f"Link {i}: the address must be a web address without spaces."
        parts = urlsplit(url)
        if parts.scheme.lower() not in ALLOWED_SCHEMES or not parts.netloc:
            return f"Link {i}: the address must start with https:// or http:// (not {url[:40]!r})."
    return ""


def page_problems(*, title: str, slug: str, links: object, duplicate_slug: bool) -> dict[str, str]:
    """The information page's rules, ``{field: message}``; ``duplicate_slug``: another page of the
    same Local Offer already has this address."""
    problems: dict[str, str] = {}
    if not (title or "").strip():
        problems["title"] = "Enter a title."
    if not (slug or "").strip():
        problems["slug"] = "Enter the last part of the web address, like ehc-needs-assessment."
    elif duplicate_slug:
        problems["slug"] = (
            f"Another page of this Local Offer already has the address {slug!r}: choose another."
        )
    message = link_problems(links)
    if message:
        problems["links"] = message
    return problems
