"""Text checks shared by the API serializers and the page forms."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# C0 controls, DEL and C1 controls. Tab, line feed and carriage return are allowed in
# multi-line text only.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def find_control_character(value: str, *, multiline: bool) -> str | None:
    """The first control character in ``value`` that the text may not hold, or None."""
    match = (_CONTROL_MULTILINE if multiline else _CONTROL).search(value)
    return match.group() if match else None


@deconstructible
class NoControlCharactersValidator:
    """Refuses control characters (a reference holding a backspace, say).

    ``multiline`` text (descriptions, notes) may hold tabs and line breaks; single-line text may not.
    """

    def __init__(self, multiline: bool = False) -> None:
        self.multiline = multiline

    def __call__(self, value: Any) -> None:
        if not isinstance(value, str):
            return
        char = find_control_character(value, multiline=self.multiline)
        if char is not None:
            kind = "a line break or tab" if char in "\t\n\r" else f"a control character (U+{ord(char):04X})"
            raise ValidationError(
                f"Remove {kind}: this field takes plain text only.", code="control_character"
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoControlCharactersValidator) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash(("NoControlCharactersValidator", self.multiline))
