"""Pages and API lists use a fixed number of queries however much data a partnership has.

Each test measures a page with data of size N, grows the same partnership to 10×N and
measures again: the counts must be identical (no N+1 queries).
"""

from __future__ import annotations

import datetime as dt
import itertools

from django.db import connection
from django.test.utils import CaptureQueriesContext

from jointly.partnerships.models import BoardMember, Decision
from tests import factories as f

N = 3
_period = itertools.count(0)


def next_period() -> str:
    i = next(_period)
    return f"{2000 + i // 4}/{(2001 + i // 4) % 100:02d} Q{i % 4 + 1}"


def grow(w, k: int) -> None:
    """Add ``k`` of everything around the world's partnership, intention, outcome and board."""
    p = w.p
    for _ in range(k):
        org = f.organisation(kind="ccg")
        f.member(p, org)
        area = f.area()
        p.areas.add(area)
        th = f.theme(p)
        fw = f.framework(p)
        top = f.outcome(fw)
        child = f.outcome(w.framework, parent=w.outcome)  # a sub-outcome of the thread's outcome
        f.outcome(fw, parent=top)
        f.link(top, w.outcome)  # another framework's outcome feeds the thread's outcome
        f.link(w.outcome, f.outcome(fw))  # ...and the thread's outcome serves another
        # An intention serving the outcome (directly) and one serving it through a sub-outcome.
        for served in (w.outcome, child):
            i = f.intention(p, org, coordinating_commissioner=w.council, sro="A Person", current_rag="amber")
            i.partner_commissioners.add(w.ccg)
            i.providers_affected.add(w.provider)
            i.themes.add(th, w.theme)
            i.outcomes.add(served, top)
            f.milestone(i, due_date=dt.date(2013, 8, 1))
            f.milestone(i, due_date=dt.date(2013, 12, 1), completed_on=dt.date(2013, 11, 1))
            f.progress(i, period="2013/14 Q1", rag="amber")
            f.progress(i, period="2013/14 Q2", rag="red")
        unlinked = f.intention(p, org, sro="Someone")  # serves no outcome
        unlinked.partner_commissioners.add(w.ccg)
        # The detail page's intention grows too.
        wi = w.intention
        wi.partner_commissioners.add(org)
        wi.providers_affected.add(org)
        wi.themes.add(th)
        wi.outcomes.add(top)
        f.milestone(wi, completed_on=dt.date(2013, 9, 1))
        f.progress(wi, period=next_period())
        wi.aim = f"Aim {wi.aim}"
        wi.save()  # a history record with a change
        # Governance: boards reporting to the world's board, members, meetings, decisions, actions.
        b = f.board(p, reports_to=w.board, chair="Chair")
        BoardMember.objects.create(board=w.board, name="Member", organisation=org)
        BoardMember.objects.create(board=b, name="Member", organisation=org)
        m = f.meeting(w.board)
        Decision.objects.create(meeting=m, text="Agreed")
        f.action(w.board, meeting=m)
        f.action(b, due_date=dt.date(2013, 1, 1))
        a = f.agreement(p, org)
        a.parties.add(w.council)
        a.delegated_functions.add(f.function())


PAGES = {
    "intention register": "/p/alpha/intentions/",
    "intention register csv": "/p/alpha/intentions/?format=csv",
    "intention detail": "/p/alpha/intentions/ALP-01/",
    "progress report": "/p/alpha/intentions/report/?period=2013/14-Q2",
    "progress report csv": "/p/alpha/intentions/report/?period=2013/14-Q2&format=csv",
    "progress report docx": "/p/alpha/intentions/report/?period=2013/14-Q2&format=docx",
    "outcome golden thread": "/p/alpha/outcomes/o/{outcome}/",
    "outcomes index": "/p/alpha/outcomes/",
    "framework": "/p/alpha/outcomes/hwb/",
    "unlinked intentions": "/p/alpha/outcomes/unlinked-intentions/",
    "governance": "/p/alpha/governance/",
    "board": "/p/alpha/boards/icb/",
    "partnership detail": "/p/alpha/",
    "home": "/",
    "api intentions": "/api/v1/intentions/",
    "api boards": "/api/v1/boards/",
    "api outcomes": "/api/v1/outcomes/",
    "api agreements": "/api/v1/agreements/",
    "api actions": "/api/v1/actions/",
    "api milestones": "/api/v1/milestones/",
    "api progress": "/api/v1/progress/",
    "api partnerships": "/api/v1/partnerships/",
}


def count_queries(client, url: str) -> tuple[int, list[str]]:
    client.get(url)  # warm caches (content types, sessions) so both measurements are like for like
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


def measure(client, world) -> dict[str, tuple[int, list[str]]]:
    return {page: count_queries(client, url.format(outcome=world.outcome.pk)) for page, url in PAGES.items()}


def test_query_counts_do_not_grow_with_data(world, client_for, capsys):
    """Every page at N and at 10×N (grown once, measured together: building data is the slow part)."""
    client = client_for(world.users["commissioner"])
    grow(world, N)
    small = measure(client, world)
    grow(world, 9 * N)
    large = measure(client, world)
    with capsys.disabled():
        print("\nqueries per page (N, 10N):")
        for page in PAGES:
            print(f"  {page:<28}{small[page][0]:>4}{large[page][0]:>5}")
    grown = {page: (small[page][0], large[page][0]) for page in PAGES if large[page][0] != small[page][0]}
    detail = "\n\n".join(
        f"{page}: {n} queries with N={N}, {m} with 10N; at 10N:\n" + "\n".join(large[page][1])
        for page, (n, m) in grown.items()
    )
    assert not grown, f"query counts grow with data: {grown}\n{detail}"


def test_grown_data_is_visible(world, client_for):
    """Guard against the measurement passing because the pages show nothing."""
    grow(world, N)
    client = client_for(world.users["commissioner"])
    html = client.get(f"/p/alpha/outcomes/o/{world.outcome.pk}/").content.decode()
    assert html.count("Through a contributing outcome") == N
    assert client.get("/api/v1/intentions/").json()["count"] == 1 + 3 * N
    unlinked = client.get("/p/alpha/outcomes/unlinked-intentions/").content.decode()
    assert unlinked.count("/p/alpha/intentions/INT-") == N
    board = client.get("/p/alpha/boards/icb/").content.decode()
    assert board.count("Agreed") == N
    register = client.get("/p/alpha/intentions/").content.decode()
    assert register.count("/p/alpha/intentions/INT-") >= 2 * N
