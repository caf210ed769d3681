"""Reporting periods as English councils and the NHS use them (pure Python, no Django).

Every stored figure belongs to a period of a known *kind*; the kind is never guessed from the
text when two kinds are written alike (a financial and an academic year are both ``2013/14``).

======================  =================  ==============================================
kind                    canonical text     meaning
======================  =================  ==============================================
``financial_year``      ``2013/14``        1 April 2013 to 31 March 2014
``financial_quarter``   ``2013/14 Q2``     Q1 = April-June ... Q4 = January-March
``month``               ``2014-05``        a calendar month (financial month 1 = April)
``calendar_year``       ``2014``           1 January to 31 December (indicators as published)
``calendar_quarter``    ``2014 CQ1``       January-March ... (indicators as published)
``academic_year``       ``2013/14``        1 September 2013 to 31 August 2014
``rolling``             ``2012 - 14``      consecutive periods taken together (Fingertips)
======================  =================  ==============================================

:func:`parse` reads the common ways people write them (``2014-15``, ``FY14/15``,
``2013/14-Q2``, ``Q2 2013/14``, ``May 2014``, ``05/2014``). The old form ``2013-Q3`` is a
*calendar* quarter: asked for a financial quarter, :func:`parse` refuses it with the financial
equivalent as a hint (``2013/14 Q2``), and :meth:`Period.to_financial_quarter` converts it.
:func:`parse_as_at` reads an "as at" date (``YYYY-MM-DD``; ``YYYY-MM`` means the month's last day).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    FINANCIAL_YEAR = "financial_year"
    FINANCIAL_QUARTER = "financial_quarter"
    MONTH = "month"
    CALENDAR_YEAR = "calendar_year"
    CALENDAR_QUARTER = "calendar_quarter"
    ACADEMIC_YEAR = "academic_year"
    ROLLING = "rolling"


class PeriodError(ValueError):
    """A period that cannot be read; the message says what was expected."""


_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def _two_years(start: int) -> str:
    return f"{start}/{(start + 1) % 100:02d}"


@dataclass(frozen=True, order=True)
class Period:
    """A period: its first and last day (inclusive) and its kind.

    Build one with the constructors below or :func:`parse`; compare and sort by dates.
    """

    start: dt.date
    end: dt.date
    kind: Kind

    # --- constructors ------------------------------------------------------------------------

    @classmethod
    def financial_year(cls, start_year: int) -> Period:
        return cls(dt.date(start_year, 4, 1), dt.date(start_year + 1, 3, 31), Kind.FINANCIAL_YEAR)

    @classmethod
    def financial_quarter(cls, start_year: int, quarter: int) -> Period:
        if not 1 <= quarter <= 4:
            raise PeriodError(f"a quarter is 1 to 4, not {quarter}")
        y, m = _add_months(start_year, 4, 3 * (quarter - 1))
        ey, em = _add_months(y, m, 2)
        return cls(dt.date(y, m, 1), _last_day(ey, em), Kind.FINANCIAL_QUARTER)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        if not 1 <= month <= 12:
            raise PeriodError(f"a month is 1 to 12, not {month}")
        return cls(dt.date(year, month, 1), _last_day(year, month), Kind.MONTH)

    @classmethod
    def calendar_year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), Kind.CALENDAR_YEAR)

    @classmethod
    def calendar_quarter(cls, year: int, quarter: int) -> Period:
        if not 1 <= quarter <= 4:
            raise PeriodError(f"a quarter is 1 to 4, not {quarter}")
        first = 3 * (quarter - 1) + 1
        return cls(dt.date(year, first, 1), _last_day(year, first + 2), Kind.CALENDAR_QUARTER)

    @classmethod
    def academic_year(cls, start_year: int) -> Period:
        return cls(dt.date(start_year, 9, 1), dt.date(start_year + 1, 8, 31), Kind.ACADEMIC_YEAR)

    @classmethod
    def rolling(cls, first: Period, last: Period) -> Period:
        """``first`` to ``last`` taken together (both of the same kind, ``first`` not after ``last``)."""
        if first.kind != last.kind or first.kind == Kind.ROLLING:
            raise PeriodError("a rolling period joins periods of one kind")
        if last.start < first.start:
            raise PeriodError(f"{first.text} comes after {last.text}")
        return _Rolling(first.start, last.end, Kind.ROLLING, first)

    # --- what it is ----------------------------------------------------------------------------

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def financial_year_start(self) -> int:
        """The first calendar year of the financial year holding this period's first day."""
        return self.start.year if self.start.month >= 4 else self.start.year - 1

    @property
    def quarter(self) -> int:
        """The quarter number within its year (financial for financial kinds and months)."""
        if self.kind == Kind.CALENDAR_QUARTER:
            return (self.start.month - 1) // 3 + 1
        return financial_quarter_number(self.start)

    @property
    def text(self) -> str:
        """The canonical text form, e.g. ``2013/14``, ``2013/14 Q2``, ``2014-05``."""
        y = self.start.year
        match self.kind:
            case Kind.FINANCIAL_YEAR | Kind.ACADEMIC_YEAR:
                return _two_years(y)
            case Kind.FINANCIAL_QUARTER:
                return f"{_two_years(self.financial_year_start)} Q{self.quarter}"
            case Kind.MONTH:
                return f"{y}-{self.start.month:02d}"
            case Kind.CALENDAR_YEAR:
                return str(y)
            case Kind.CALENDAR_QUARTER:
                return f"{y} CQ{self.quarter}"
        raise AssertionError(self.kind)  # pragma: no cover - every kind is matched above

    @property
    def label(self) -> str:
        """As a board paper writes it: ``Quarter 2 2013/14 (1 July to 30 September 2013)``."""
        span = f"{self.start.day} {self.start:%B} to {self.end.day} {self.end:%B %Y}"
        full = f"{self.start.day} {self.start:%B %Y} to {self.end.day} {self.end:%B %Y}"
        match self.kind:
            case Kind.FINANCIAL_YEAR:
                return f"Financial year {self.text} ({full})"
            case Kind.FINANCIAL_QUARTER:
                return f"Quarter {self.quarter} {_two_years(self.financial_year_start)} ({span})"
            case Kind.MONTH:
                return f"{self.start:%B %Y}"
            case Kind.CALENDAR_YEAR:
                return f"Calendar year {self.text}"
            case Kind.CALENDAR_QUARTER:
                return f"Calendar quarter {self.quarter} {self.start.year} ({span})"
            case Kind.ACADEMIC_YEAR:
                return f"Academic year {self.text} ({full})"
        raise AssertionError(self.kind)  # pragma: no cover

    def __str__(self) -> str:
        return self.text

    # --- moving about --------------------------------------------------------------------------

    def shift(self, n: int) -> Period:
        """The period ``n`` steps later (earlier when negative) of the same kind."""
        match self.kind:
            case Kind.FINANCIAL_YEAR:
                return Period.financial_year(self.start.year + n)
            case Kind.ACADEMIC_YEAR:
                return Period.academic_year(self.start.year + n)
            case Kind.CALENDAR_YEAR:
                return Period.calendar_year(self.start.year + n)
            case Kind.MONTH:
                return Period.month(*_add_months(self.start.year, self.start.month, n))
            case Kind.FINANCIAL_QUARTER | Kind.CALENDAR_QUARTER:
                y, m = _add_months(self.start.year, self.start.month, 3 * n)
                return Period(dt.date(y, m, 1), _last_day(*_add_months(y, m, 2)), self.kind)
        raise PeriodError(f"a {self.kind} period has no next or previous")

    def next(self) -> Period:
        return self.shift(1)

    def previous(self) -> Period:
        return self.shift(-1)

    def months(self) -> list[Period]:
        """The calendar months this period spans, in order."""
        out, y, m = [], self.start.year, self.start.month
        while dt.date(y, m, 1) <= self.end:
            out.append(Period.month(y, m))
            y, m = _add_months(y, m, 1)
        return out

    def quarters(self) -> list[Period]:
        """The financial quarters of a financial year (the year's own kind otherwise refused)."""
        if self.kind != Kind.FINANCIAL_YEAR:
            raise PeriodError("only a financial year is divided into financial quarters")
        return [Period.financial_quarter(self.start.year, q) for q in range(1, 5)]

    def to_financial_quarter(self) -> Period:
        """A calendar quarter or a month as the financial quarter holding it (``2013 CQ3`` -> ``2013/14 Q2``)."""
        if self.kind not in (Kind.CALENDAR_QUARTER, Kind.MONTH, Kind.FINANCIAL_QUARTER):
            raise PeriodError(f"a {self.kind} is not within one financial quarter")
        return financial_quarter_of(self.start)


@dataclass(frozen=True, order=True)
class _Rolling(Period):
    first: Period | None = None

    @property
    def text(self) -> str:  # e.g. "2012 - 14", "2012/13 - 14/15", "2014-04 - 2015-03"
        assert self.first is not None
        last = self.first
        while last.end < self.end:
            last = last.next()
        a, b = self.first.text, last.text
        if self.first.kind == Kind.CALENDAR_YEAR:
            return f"{a} - {b[2:]}"
        if self.first.kind in (Kind.FINANCIAL_YEAR, Kind.ACADEMIC_YEAR):
            return f"{a} - {b[2:]}"
        return f"{a} - {b}"

    @property
    def label(self) -> str:
        return f"{self.text} ({self.start.day} {self.start:%B %Y} to {self.end.day} {self.end:%B %Y})"


# --- of a date ---------------------------------------------------------------------------------


def financial_quarter_number(day: dt.date) -> int:
    """1 for April-June ... 4 for January-March."""
    return ((day.month - 4) % 12) // 3 + 1


def financial_month_number(day: dt.date) -> int:
    """1 for April ... 12 for March."""
    return (day.month - 4) % 12 + 1


def financial_year_of(day: dt.date) -> Period:
    return Period.financial_year(day.year if day.month >= 4 else day.year - 1)


def financial_quarter_of(day: dt.date) -> Period:
    return Period.financial_quarter(financial_year_of(day).start.year, financial_quarter_number(day))


def month_of(day: dt.date) -> Period:
    return Period.month(day.year, day.month)


# --- reading text ------------------------------------------------------------------------------

_Y2 = r"(?P<y1>\d{4})(?:\s*/\s*|-)(?P<y2>\d{2}|\d{4})"  # 2013/14, 2013-14, 2013/2014
_FY = re.compile(rf"^(?:FY\s*)?{_Y2}$", re.I)
_FY_SHORT = re.compile(r"^FY\s*(?P<a>\d{2})\s*[/-]\s*(?P<b>\d{2})$", re.I)  # FY14/15
_FQ_AFTER = re.compile(rf"^(?:FY\s*)?{_Y2}\s*[-\s]\s*(?:Q|Quarter\s*)(?P<q>[1-4])$", re.I)
_FQ_BEFORE = re.compile(rf"^(?:Q|Quarter\s*)(?P<q>[1-4])\s*,?\s*(?:FY\s*)?{_Y2}$", re.I)
_CQ_OLD = re.compile(r"^(?P<y>\d{4})\s*-?\s*(?:Q|CQ)(?P<q>[1-4])$", re.I)  # 2013-Q3, 2013 CQ3
_MONTH_ISO = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})$")
_MONTH_SLASH = re.compile(r"^(?P<m>\d{1,2})/(?P<y>\d{4})$")
_MONTH_NAME = re.compile(r"^(?P<name>[A-Za-z]+)\.?\s+(?P<y>\d{4})$")
_YEAR = re.compile(r"^(?P<y>\d{4})$")
_ROLLING = re.compile(r"^(?P<a>.+?)\s+-\s+(?P<b>.+)$")


def _second_year(y1: int, y2: str, text: str) -> int:
    second = int(y2) if len(y2) == 4 else (y1 + 1) // 100 * 100 + int(y2)
    if second != y1 + 1:
        raise PeriodError(f"'{text}': the second year must follow the first (e.g. {_two_years(y1)})")
    return second


def parse(text: str, kind: Kind | str | None = None) -> Period:
    """Read a period; with ``kind`` only that kind is accepted (needed for academic years).

    Without ``kind``: ``2013/14`` is a financial year, ``2013/14 Q2`` a financial quarter,
    ``2014-05`` a month, ``2014`` a calendar year, ``2013-Q3`` a calendar quarter and
    ``2012 - 14`` a rolling period of calendar years.
    """
    raw = text
    text = " ".join(str(text).strip().split())
    if not text:
        raise PeriodError("the period is empty")
    want = Kind(kind) if kind is not None else None
    found = _parse_any(text, want)
    if found is None:
        raise PeriodError(f"'{_excerpt(raw)}' is not a period{_expected(want)}")
    if want is not None and found.kind != want:
        hint = ""
        if want == Kind.FINANCIAL_QUARTER and found.kind == Kind.CALENDAR_QUARTER:
            hint = (
                f": it is a calendar quarter ({found.start:%B} to {found.end:%B %Y}); "
                f"as a financial quarter write {found.to_financial_quarter().text}"
            )
        raise PeriodError(
            f"'{_excerpt(raw)}' is a {found.kind.replace('_', ' ')}, not a {want.replace('_', ' ')}{hint}"
        )
    return found


def _parse_any(text: str, want: Kind | None) -> Period | None:
    # "2011-12" is December 2011 (the canonical month form) unless a year is asked for.
    if (
        (m := _MONTH_ISO.match(text))
        and 1 <= int(m["m"]) <= 12
        and want not in (Kind.FINANCIAL_YEAR, Kind.ACADEMIC_YEAR)
    ):
        return Period.month(int(m["y"]), int(m["m"]))
    if m := _FY.match(text):
        y1 = int(m["y1"])
        _second_year(y1, m["y2"], text)
        if want == Kind.ACADEMIC_YEAR:
            return Period.academic_year(y1)
        return Period.financial_year(y1)
    if m := _FY_SHORT.match(text):
        a, b = int(m["a"]), int(m["b"])
        if (a + 1) % 100 != b:
            raise PeriodError(
                f"'{text}': the second year must follow the first (e.g. FY{a:02d}/{(a + 1) % 100:02d})"
            )
        return Period.financial_year(2000 + a)
    if (m := _FQ_AFTER.match(text)) or (m := _FQ_BEFORE.match(text)):
        y1 = int(m["y1"])
        _second_year(y1, m["y2"], text)
        return Period.financial_quarter(y1, int(m["q"]))
    if m := _CQ_OLD.match(text):
        return Period.calendar_quarter(int(m["y"]), int(m["q"]))
    if (m := _MONTH_ISO.match(text)) or (m := _MONTH_SLASH.match(text)):
        return Period.month(int(m["y"]), int(m["m"]))
    if (m := _MONTH_NAME.match(text)) and m["name"].lower() in _MONTHS:
        return Period.month(int(m["y"]), _MONTHS[m["name"].lower()])
    if m := _YEAR.match(text):
        return Period.calendar_year(int(m["y"]))
    if m := _ROLLING.match(text):
        return _parse_rolling(m["a"], m["b"], want)
    return None


def _parse_rolling(a: str, b: str, want: Kind | None) -> Period | None:
    base = None if want in (None, Kind.ROLLING) else want
    first = _parse_any(a, base)
    if first is None:
        return None
    if first.kind in (Kind.CALENDAR_YEAR, Kind.FINANCIAL_YEAR, Kind.ACADEMIC_YEAR) and re.fullmatch(
        r"\d{2}(/\d{2})?", b
    ):
        # "2012 - 14" and "2012/13 - 14/15": the last period written with two-digit years.
        century = first.start.year // 100 * 100
        b = f"{century + int(b[:2])}" + (f"/{b[3:]}" if "/" in b else "")
        if int(b[:4]) < first.start.year:
            b = f"{int(b[:4]) + 100}" + b[4:]
    last = _parse_any(b, first.kind if first.kind != Kind.CALENDAR_YEAR else None)
    if last is None:
        return None
    return Period.rolling(first, last)


def _expected(want: Kind | None) -> str:
    examples = {
        Kind.FINANCIAL_YEAR: "financial year, e.g. 2013/14",
        Kind.FINANCIAL_QUARTER: "financial quarter, e.g. 2013/14 Q2",
        Kind.MONTH: "month, e.g. 2014-05",
        Kind.CALENDAR_YEAR: "calendar year, e.g. 2014",
        Kind.CALENDAR_QUARTER: "calendar quarter, e.g. 2014 CQ1",
        Kind.ACADEMIC_YEAR: "academic year, e.g. 2013/14",
        Kind.ROLLING: "rolling period, e.g. 2012 - 14",
    }
    if want is None:
        return " (e.g. 2013/14, 2013/14 Q2, 2014-05 or 2014)"
    return f" (expected a {examples[want]})"


def _excerpt(text: object, limit: int = 40) -> str:
    s = str(text)
    return s if len(s) <= limit else s[:limit] + "…"


def parse_as_at(text: str) -> dt.date:
    """An "as at" date: ``YYYY-MM-DD``, or ``YYYY-MM`` meaning the last day of that month."""
    s = str(text).strip()
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        pass
    if m := re.fullmatch(r"(\d{4})-(\d{2})", s):
        y, mo = int(m[1]), int(m[2])
        if 1 <= mo <= 12:
            return _last_day(y, mo)
    raise PeriodError(f"'{_excerpt(s)}' is not a date: write YYYY-MM-DD (or YYYY-MM for a month's last day)")


def read_financial_quarter(text: str) -> tuple[Period, str]:
    """A financial quarter typed by a person, and a note when the old calendar form was used.

    ``2013/14-Q2``, ``"2013/14 Q2"`` and the other spellings :func:`parse` reads give the
    quarter and an empty note; the old calendar form ``2013-Q3`` (July to September 2013) gives
    ``2013/14 Q2`` and a note saying so. Anything else raises :class:`PeriodError`.
    """
    found = parse(text)
    if found.kind == Kind.FINANCIAL_QUARTER:
        return found, ""
    if found.kind == Kind.CALENDAR_QUARTER:
        quarter = found.to_financial_quarter()
        note = (
            f"'{_excerpt(text)}' is read as the calendar quarter {found.start:%B} to "
            f"{found.end:%B %Y}, which is financial quarter {quarter.text}; "
            f"write {quarter.text} from now on."
        )
        return quarter, note
    raise PeriodError(
        f"'{_excerpt(text)}' is a {found.kind.replace('_', ' ')}, not a financial quarter "
        "(expected e.g. 2013/14 Q2)"
    )


def default_as_at(period: Period, today: dt.date) -> dt.date:
    """The date a report on ``period`` is computed at by default: the period's last day once it
    has ended, otherwise ``today`` (a current or future period is reported as it stands)."""
    return min(today, period.end)
