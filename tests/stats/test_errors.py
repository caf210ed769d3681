"""The statistics package's input error: its message is every problem, or a fallback (issue 18)."""

from __future__ import annotations

from jointly.stats.errors import InputProblem


def test_the_message_joins_every_problem_in_order() -> None:
    error = InputProblem(["column 'a' is missing", "row 3, column 'b': 'x' is not a number"])
    assert str(error) == "column 'a' is missing; row 3, column 'b': 'x' is not a number"
    assert error.problems == ["column 'a' is missing", "row 3, column 'b': 'x' is not a number"]
    assert isinstance(error, ValueError)


def test_no_problems_listed_still_says_what_kind_of_error() -> None:
    error = InputProblem([])
    assert str(error) == "invalid input"
    assert error.problems == []


def test_the_problems_are_copied_not_shared() -> None:
    given = ["one"]
    error = InputProblem(given)
    given.append("two")
    assert error.problems == ["one"]
