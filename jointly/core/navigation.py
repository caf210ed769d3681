"""The navigation every page shows: the service level (home, the partnership) and, inside a
partnership, its sections grouped in a sub-navigation, with the section's own pages below it.

Which section a page belongs to comes from its URL name (``namespace:name``), so a record's page
(an intention, a contract) marks its section as current without each view saying so. The exact page
is marked ``aria-current="page"``; its section, when the page is deeper, ``aria-current="true"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest
from django.urls import reverse

# Partnership pages in the "partnerships" namespace that belong to the Governance section.
GOVERNANCE_PAGES = ("governance", "board", "member", "meeting", "action", "agreement")


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    current: str = ""  # "", "page" (this page) or "true" (a page inside it)


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    url: str
    current: str = ""
    pages: list[Link] = field(default_factory=list)


# (key, label, URL name, permissions any of which shows it, its own pages as (label, URL name)).
SECTIONS: list[tuple[str, str, str, tuple[str, ...], tuple[tuple[str, str], ...]]] = [
    ("overview", "Overview", "partnerships:detail", (), ()),
    ("outcomes", "Outcomes", "outcomes:index", (), ()),
    (
        "intentions",
        "Intentions",
        "intentions:register",
        ("view_planning",),
        (("Register", "intentions:register"), ("Progress report", "intentions:progress_report")),
    ),
    ("governance", "Governance", "partnerships:governance", ("view_planning",), ()),
    (
        "services",
        "Services",
        "services:list",
        ("view_contracts",),
        (("All services", "services:list"), ("Service map", "services:map")),
    ),
    ("contracts", "Contracts", "contracts:register", ("view_contracts", "view_own_contracts"), ()),
    ("performance", "Performance", "performance:index", ("view_contracts", "view_own_contracts"), ()),
    ("needs", "Needs", "needs:index", ("view_needs",), ()),
    ("directory", "Local Offer", "directory:index", ("view_contracts", "view_own_contracts"), ()),
    ("engagement", "Engagement", "engagement:index", ("view_planning",), ()),
    (
        "risks",
        "Risks",
        "risks:register",
        ("view_planning", "view_own_contracts"),
        (("Register", "risks:register"), ("Heat map", "risks:heat_map"), ("Matrix", "risks:matrix")),
    ),
    (
        "finance",
        "Finance",
        "finance:index",
        ("view_finance",),
        (("Funds, savings and budget models", "finance:index"), ("Reconciliation", "finance:reconciliation")),
    ),
]


def section_of(namespace: str, url_name: str) -> str:
    """The key of the section a page (its URL namespace and name) belongs to; "" outside them."""
    if namespace == "partnerships":
        if url_name.split("_")[0] in GOVERNANCE_PAGES:
            return "governance"
        return "overview"
    return namespace if namespace in {key for key, *_ in SECTIONS} else ""


def partnership_sections(request: HttpRequest, slug: str, can: dict[str, bool]) -> list[Section]:
    """The sections of one partnership this person may see, the current one marked."""
    match = getattr(request, "resolver_match", None)
    here = section_of(match.namespace, match.url_name or "") if match else ""
    sections = []
    for key, label, url_name, perms, pages in SECTIONS:
        if perms and not any(can.get(p) for p in perms):
            continue
        url = reverse(url_name, args=[slug])
        links = []
        if key == here:
            links = [
                Link(text, page_url, "page" if page_url == request.path else "")
                for text, page_url in ((t, reverse(n, args=[slug])) for t, n in pages)
            ]
        current = ("page" if url == request.path else "true") if key == here else ""
        sections.append(Section(key, label, url, current, links))
    return sections
