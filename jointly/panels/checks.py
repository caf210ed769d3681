"""Pure checks on a child's identifying details (no Django): NHS numbers, dates of birth and the age
bands that stand in for them outside the restricted fields.

Messages never repeat the value checked: an NHS number or a date of birth identifies a child, and
error messages end up in logs and error reports.

NHS number
==========

Ten digits; spaces anywhere are allowed on input (``943 476 5919``) and dropped. The tenth digit is a
modulus 11 check digit: multiply the first nine digits by 10, 9, ..., 2, add the products, take the
remainder on division by 11, and subtract it from 11. A result of 11 means a check digit of 0; a
result of 10 means no valid number has those nine digits (refused); otherwise the result must be the
tenth digit. (Which ranges are issued, and to which UK nation, is not checked.)

Ages
====

A child is in scope from birth to 17; a young person of 18 to 25 only while an EHC plan continues.
Ages are in whole years as at a given date (never silently today); someone born on 29 February has
a birthday on 1 March in other years. The bands held instead of a date of birth are
:data:`AGE_BANDS`: ``0-4``, ``5-10`` (primary school), ``11-15`` (secondary school), ``16-17`` (the
years of transition to adult NHS Continuing Healthcare) and ``18-25``.
"""

from __future__ import annotations

import datetime as dt

NHS_NUMBER_LENGTH = 10
NHS_WEIGHTS: tuple[int, ...] = (10, 9, 8, 7, 6, 5, 4, 3, 2)

ADULT_AGE = 18
EHC_PLAN_UPPER_AGE = 25
"""An EHC plan can continue to 25: the young person is in scope until their 26th birthday."""
TRANSITION_AGES = (16, 17)
AGE_BANDS: tuple[tuple[int, int, str, str], ...] = (
    (0, 4, "0-4", "0 to 4"),
    (5, 10, "5-10", "5 to 10"),
    (11, 15, "11-15", "11 to 15"),
    (16, 17, "16-17", "16 to 17"),
    (18, 25, "18-25", "18 to 25"),
)
"""(lowest age, highest age, code, label): the codes are what a case stores (the panels app's
``AgeBand`` choices), the labels what a page shows."""


class CheckError(ValueError):
    """An identifying detail that fails its check; the message never repeats the value."""


# --- NHS number ------------------------------------------------------------------------------------


def nhs_check_digit(first_nine: str) -> int | None:
    """The check digit for nine digits, or ``None`` when the sum gives 10 (no valid number)."""
    if len(first_nine) != 9 or not first_nine.isascii() or not first_nine.isdigit():
        raise CheckError("The check digit is worked out from exactly nine digits")
    remainder = sum(int(d) * w for d, w in zip(first_nine, NHS_WEIGHTS, strict=True)) % 11
    check = 11 - remainder
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def clean_nhs_number(text: str) -> str:
    """The ten digits of an NHS number typed with or without spaces, checked; else :class:`CheckError`
    saying what is wrong (without repeating the number)."""
    digits = "".join(str(text).split(" "))
    if not digits:
        raise CheckError("Enter the NHS number")
    if not digits.isascii() or not digits.isdigit():
        raise CheckError("An NHS number is 10 digits (spaces are allowed between them), nothing else")
    if len(digits) != NHS_NUMBER_LENGTH:
        raise CheckError(f"An NHS number has 10 digits; this one has {len(digits)}")
    check = nhs_check_digit(digits[:9])
    if check is None or check != int(digits[9]):
        raise CheckError(
            "That is not a valid NHS number (its check digit does not match): check it was copied correctly"
        )
    return digits


def is_valid_nhs_number(text: str) -> bool:
    try:
        clean_nhs_number(text)
    except CheckError:
        return False
    return True


def format_nhs_number(text: str) -> str:
    """A valid NHS number as it is usually written: ``943 476 5919``."""
    digits = clean_nhs_number(text)
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


# --- dates of birth and ages -------------------------------------------------------------------------


def check_date_of_birth(born: dt.date, on: dt.date) -> None:
    """Refuses a date of birth after ``on`` (the date the record is made)."""
    if born > on:
        raise CheckError("The date of birth is in the future: check the year")


def age_on(born: dt.date, on: dt.date) -> int:
    """Age in whole years on ``on`` (a 29 February birthday falls on 1 March in other years)."""
    check_date_of_birth(born, on)
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return years


def in_scope(born: dt.date, on: dt.date, ehc_plan: bool) -> bool:
    """Whether a panel may hold a case for someone born on ``born``, as at ``on``: 0 to 17, or 18 to
    25 while an EHC plan continues."""
    age = age_on(born, on)
    return age < ADULT_AGE or (ehc_plan and age <= EHC_PLAN_UPPER_AGE)


def check_in_scope(born: dt.date, on: dt.date, ehc_plan: bool) -> None:
    """Refuses, with a reason, a date of birth in the future or an age the panel does not cover."""
    age = age_on(born, on)
    if age > EHC_PLAN_UPPER_AGE:
        raise CheckError(
            "The young person is over 25: a panel's cases are children and young people up to 25"
        )
    if age >= ADULT_AGE and not ehc_plan:
        raise CheckError("A young person aged 18 to 25 is in scope only while an EHC plan continues")


def age_band(born: dt.date, on: dt.date, ehc_plan: bool = False) -> str:
    """The age band's code (``"11-15"``) held in place of a date of birth, as at ``on``; refused
    (:class:`CheckError`) when the date is in the future or the age out of scope."""
    check_in_scope(born, on, ehc_plan)
    age = age_on(born, on)
    for low, high, code, _label in AGE_BANDS:
        if low <= age <= high:
            return code
    raise AssertionError(age)  # pragma: no cover - check_in_scope keeps the age within the bands


def age_band_label(code: str) -> str:
    """How a page shows an age band: ``"11-15"`` -> ``"11 to 15"``."""
    for _low, _high, known, label in AGE_BANDS:
        if known == code:
            return label
    raise CheckError("Not an age band: choose 0-4, 5-10, 11-15, 16-17 or 18-25")


def in_transition_years(born: dt.date, on: dt.date) -> bool:
    """Aged 16 or 17 on ``on``: the years in which the move to adult NHS Continuing Healthcare is
    screened for and decided, so a case records its screening date and outcome."""
    return age_on(born, on) in TRANSITION_AGES
