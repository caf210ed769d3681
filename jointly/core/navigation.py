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


# (key, label, URL name, permissions any of which shows it, its own pages as (label, URL name[, the
# permissions any of which shows that page; the section's own when not given])). A section with pages
# from other apps (the Local Offer under Services, Engagement under Governance) keeps the top row short
# enough to sit on one line at 1024 px; a person who may see only some of its pages gets the section
# opening on the first of them.
PageSpec = tuple[str, str] | tuple[str, str, tuple[str, ...]]
SECTIONS: list[tuple[str, str, str, tuple[str, ...], tuple[PageSpec, ...]]] = [
    ("overview", "Overview", "partnerships:detail", (), ()),
    ("outcomes", "Outcomes", "outcomes:index", (), ()),
    (
        "intentions",
        "Intentions",
        "intentions:register",
        ("view_planning",),
        (("Register", "intentions:register"), ("Progress report", "intentions:progress_report")),
    ),
    (
        "governance",
        "Governance",
        "partnerships:governance",
        ("view_planning",),
        (("Boards and agreements", "partnerships:governance"), ("Engagement", "engagement:index")),
    ),
    (
        "services",
        "Services",
        "services:list",
        ("view_contracts", "view_own_contracts"),
        (
            ("All services", "services:list", ("view_contracts",)),
            ("Service map", "services:map", ("view_contracts",)),
            ("Local Offer", "directory:index"),
        ),
    ),
    ("contracts", "Contracts", "contracts:register", ("view_contracts", "view_own_contracts"), ()),
    ("performance", "Performance", "performance:index", ("view_contracts", "view_own_contracts"), ()),
    ("needs", "Needs", "needs:index", ("view_needs",), ()),
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
    # Joint funding panels: figures for planning readers; a panel's own pages for its members only.
    ("panels", "Panels", "panels:index", ("view_planning",), ()),
]

# Apps whose pages sit in another app's section.
NAMESPACE_SECTION = {"directory": "services", "engagement": "governance", "packs": "governance"}


def section_of(namespace: str, url_name: str) -> str:
    """The key of the section a page (its URL namespace and name) belongs to; "" outside them."""
    if namespace == "partnerships":
        if url_name.split("_")[0] in GOVERNANCE_PAGES:
            return "governance"
        return "overview"
    namespace = NAMESPACE_SECTION.get(namespace, namespace)
    return namespace if namespace in {key for key, *_ in SECTIONS} else ""


def partnership_sections(request: HttpRequest, slug: str, can: dict[str, bool]) -> list[Section]:
    """The sections of one partnership this person may see, the current one marked."""
    match = getattr(request, "resolver_match", None)
    here = section_of(match.namespace, match.url_name or "") if match else ""
    here_namespace = match.namespace if match else ""
    sections = []
    for key, label, url_name, perms, pages in SECTIONS:
        if perms and not any(can.get(p) for p in perms):
            continue
        visible = [
            (page[0], page[1])
            for page in pages
            if not (page_perms := page[2] if len(page) > 2 else ()) or any(can.get(p) for p in page_perms)
        ]
        if pages and not visible:
            continue
        if visible and visible[0][1].split(":")[0] != url_name.split(":")[0]:
            url_name = visible[0][1]  # the section's own front page is closed to this person
        url = reverse(url_name, args=[slug])
        links = []
        if key == here:
            for text, page_name in visible:
                page_url = reverse(page_name, args=[slug])
                page_namespace = page_name.split(":")[0]
                if page_url == request.path:
                    current = "page"
                elif page_namespace == here_namespace and page_namespace in NAMESPACE_SECTION:
                    current = "true"  # a page inside another app's part of this section
                else:
                    current = ""
                links.append(Link(text, page_url, current))
        current = ""
        if key == here:  # one link only is the page: the sub-navigation's, when it has one
            current = (
                "page" if url == request.path and not any(x.current == "page" for x in links) else "true"
            )
        sections.append(Section(key, label, url, current, links))
    return sections
