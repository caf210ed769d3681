"""Errors raised by the statistics package for bad input."""

from __future__ import annotations


class InputProblem(ValueError):
    """Input that cannot be used. ``problems`` lists every issue found.

    Each problem is a human-readable string; row numbers are 1-based data-row
    numbers as a spreadsheet user sees them (header is row 1, first data row 2).
    """

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems) if self.problems else "invalid input")
