"""A page's query parameter that cannot be read (``?period=garbage``, ``?as_at=2015-13-45``).

Raising :class:`BadQueryParameter` from a view answers 400 with the error page of
``core/views_errors.bad_request``: a GOV.UK error summary naming the parameter in words, linking to
a one-field form that sends the same address again with the value corrected (the other parameters
kept), and a way back. Never a 404 or a 500: the page exists, the value is wrong.
"""

from __future__ import annotations

from django.core.exceptions import BadRequest

LABELS = {
    "as_at": "As at",
    "period": "Period",
    "frequency": "Frequency",
    "area": "Area",
    "age": "Age",
    "group": "Comparator group",
    "comparator": "Compare with",
    "theme": "Theme",
    "level": "Level of need",
    "kind": "Kind",
}
HINTS = {
    "as_at": "A date, for example 2014-03-31 (a month, 2014-03, means its last day)",
    "period": "For example 2013/14 Q2 for a financial quarter, or 2013-06 for a month",
}


class BadQueryParameter(BadRequest):
    """``name`` is the query parameter, ``message`` says what is wrong with its value."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message

    @property
    def label(self) -> str:
        return LABELS.get(self.name, self.name.replace("_", " ").capitalize())

    @property
    def hint(self) -> str:
        return HINTS.get(self.name, "")
