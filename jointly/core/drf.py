"""Parser and pagination that DRF's settings name (apart from core/api.py: DRF imports them while it loads)."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, pagination, parsers

from jointly.core.validators import find_control_character


class JSONParser(parsers.JSONParser):
    """JSON bodies whose strings hold no control characters other than tab and line breaks.

    The serializer fields refine this (single-line text refuses tabs and line breaks too); this
    catches the fields that are declared by hand.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        _refuse_control_characters(data)
        return data


def _refuse_control_characters(data: Any) -> None:
    """A 400 naming each top-level field whose value holds a control character."""
    if isinstance(data, dict):
        bad = {key: [_MESSAGE] for key, value in data.items() if _has_control(value) or _has_control(key)}
        if bad:
            raise exceptions.ValidationError(bad)
    elif _has_control(data):
        raise exceptions.ParseError(_MESSAGE)


_MESSAGE = "Remove the control characters: text may hold tabs and line breaks, nothing else."


def _has_control(data: Any) -> bool:
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and find_control_character(item, multiline=True) is not None:
            return True
    return False


class Pagination(pagination.LimitOffsetPagination):
    """``?limit=`` and ``?offset=`` on every list, with ``count``; a page holds at most 500 rows.

    A larger limit is cut to the cap; a negative, zero or malformed limit gives the default page.
    """

    default_limit = 100
    max_limit = 500

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                parameter["description"] = (
                    f"Rows per page: {self.default_limit} by default, at most {self.max_limit} "
                    f"(a larger limit is cut to {self.max_limit})."
                )
        return parameters
