"""NHS numbers, dates of birth and age bands: examples worked by hand with the published modulus 11
rule (weights 10 down to 2, 11 minus the remainder, 11 -> 0, 10 -> no valid number)."""

from __future__ import annotations

import datetime as dt

import pytest

from jointly.panels import checks
from jointly.panels.checks import CheckError


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# Worked examples (sum of digit x weight; remainder mod 11; 11 - remainder):
# 943 476 591 -> 90+36+24+28+42+30+20+27+2 = 299; 299 = 27 x 11 + 2; 11 - 2 = 9   -> 943 476 5919
# 401 023 213 -> 40+0+8+0+12+15+8+3+6 = 92;     92 = 8 x 11 + 4;    11 - 4 = 7   -> 401 023 2137
# 400 000 002 -> 40+4 = 44;                      44 = 4 x 11 + 0;    11 - 0 = 11 -> 0 -> 400 000 0020
# 400 000 007 -> 40+14 = 54;                     54 = 4 x 11 + 10;   11 - 10 = 1 -> 400 000 0071
# 400 000 008 -> 40+16 = 56;                     56 = 5 x 11 + 1;    11 - 1 = 10 -> no valid number
# 600 000 000 -> 60;                             60 = 5 x 11 + 5;    11 - 5 = 6  -> 600 000 0006
VALID = ["9434765919", "4010232137", "4000000020", "4000000071", "6000000006"]


@pytest.mark.parametrize("number", VALID)
def test_valid_numbers(number):
    assert checks.clean_nhs_number(number) == number
    assert checks.is_valid_nhs_number(number)


def test_check_digits_worked_by_hand():
    assert checks.nhs_check_digit("943476591") == 9
    assert checks.nhs_check_digit("401023213") == 7
    assert checks.nhs_check_digit("400000002") == 0  # 11 -> 0
    assert checks.nhs_check_digit("400000007") == 1  # remainder 10
    assert checks.nhs_check_digit("400000008") is None  # 10: no valid number
    with pytest.raises(CheckError, match="exactly nine digits"):
        checks.nhs_check_digit("94347659")
    with pytest.raises(CheckError, match="exactly nine digits"):
        checks.nhs_check_digit("94347659x")


def test_a_check_digit_of_ten_means_no_valid_number():
    for last in range(10):
        assert not checks.is_valid_nhs_number(f"400000008{last}")
    with pytest.raises(CheckError, match="check digit does not match"):
        checks.clean_nhs_number("4000000080")


def test_spaces_are_allowed_anywhere_and_nothing_else():
    assert checks.clean_nhs_number("943 476 5919") == "9434765919"
    assert checks.clean_nhs_number(" 9434 7659 19 ") == "9434765919"
    assert checks.format_nhs_number("9434765919") == "943 476 5919"
    for bad in ["943-476-5919", "943\t476\t5919", "94347659I9", "９４３４７６５９１９"]:
        with pytest.raises(CheckError, match="10 digits .spaces are allowed between them., nothing else"):
            checks.clean_nhs_number(bad)


@pytest.mark.parametrize("text, length", [("943476591", 9), ("94347659190", 11), ("9", 1)])
def test_wrong_lengths_say_how_many_digits(text, length):
    with pytest.raises(CheckError, match=f"has 10 digits; this one has {length}$"):
        checks.clean_nhs_number(text)


def test_empty_is_asked_for():
    for empty in ["", "   "]:
        with pytest.raises(CheckError, match="Enter the NHS number"):
            checks.clean_nhs_number(empty)


def test_every_single_digit_error_is_caught():
    for number in VALID:
        for place in range(10):
            for digit in "0123456789":
                if digit != number[place]:
                    changed = number[:place] + digit + number[place + 1 :]
                    assert not checks.is_valid_nhs_number(changed), changed


def test_every_swap_of_neighbouring_digits_is_caught():
    for number in VALID:
        for place in range(9):
            a, b = number[place], number[place + 1]
            if a != b:
                swapped = number[:place] + b + a + number[place + 2 :]
                assert not checks.is_valid_nhs_number(swapped), swapped


def test_messages_never_repeat_the_number():
    for bad in ["9434765918", "94347659", "943-476-5919x"]:
        with pytest.raises(CheckError) as caught:
            checks.clean_nhs_number(bad)
        message = str(caught.value)
        assert "943" not in message and "5919" not in message
    with pytest.raises(CheckError):
        checks.format_nhs_number("9434765918")


# --- dates of birth, ages and bands --------------------------------------------------------------------


def test_a_date_of_birth_in_the_future_is_refused():
    checks.check_date_of_birth(d("2026-12-05"), d("2026-12-05"))  # born today
    with pytest.raises(CheckError, match="in the future"):
        checks.check_date_of_birth(d("2026-12-06"), d("2026-12-05"))
    with pytest.raises(CheckError, match="in the future"):
        checks.age_band(d("2026-12-06"), d("2026-12-05"))
    with pytest.raises(CheckError) as caught:
        checks.age_on(d("2026-12-06"), d("2026-12-05"))
    assert "2026" not in str(caught.value)


def test_age_in_whole_years_as_at_a_date():
    assert checks.age_on(d("2010-06-15"), d("2010-06-15")) == 0
    assert checks.age_on(d("2010-06-15"), d("2015-06-14")) == 4
    assert checks.age_on(d("2010-06-15"), d("2015-06-15")) == 5
    assert checks.age_on(d("2010-06-15"), d("2015-07-01")) == 5
    assert checks.age_on(d("2010-06-15"), d("2015-05-30")) == 4


def test_a_29_february_birthday_falls_on_1_march():
    born = d("2008-02-29")
    assert checks.age_on(born, d("2026-02-28")) == 17
    assert checks.age_on(born, d("2026-03-01")) == 18
    assert checks.age_on(born, d("2028-02-29")) == 20
    assert checks.age_band(born, d("2026-02-28")) == "16-17"
    with pytest.raises(CheckError, match="only while an EHC plan continues"):
        checks.age_band(born, d("2026-03-01"))


@pytest.mark.parametrize(
    "on, band",
    [
        ("2010-06-15", "0-4"),
        ("2015-06-14", "0-4"),
        ("2015-06-15", "5-10"),
        ("2021-06-14", "5-10"),
        ("2021-06-15", "11-15"),
        ("2026-06-14", "11-15"),
        ("2026-06-15", "16-17"),
        ("2028-06-14", "16-17"),
    ],
)
def test_band_boundaries_for_children(on, band):
    born = d("2010-06-15")
    assert checks.age_band(born, d(on)) == band
    assert checks.age_band(born, d(on), ehc_plan=True) == band  # a plan changes nothing under 18
    assert checks.in_scope(born, d(on), ehc_plan=False)


def test_band_labels():
    assert [checks.age_band_label(code) for code in ["0-4", "5-10", "11-15", "16-17", "18-25"]] == [
        "0 to 4",
        "5 to 10",
        "11 to 15",
        "16 to 17",
        "18 to 25",
    ]
    with pytest.raises(CheckError, match="Not an age band"):
        checks.age_band_label("5-9")


def test_18_to_25_only_while_an_ehc_plan_continues():
    born = d("2000-06-15")
    assert checks.age_band(born, d("2018-06-15"), ehc_plan=True) == "18-25"
    assert checks.age_band(born, d("2026-06-14"), ehc_plan=True) == "18-25"  # 25, the day before 26
    assert checks.in_scope(born, d("2026-06-14"), ehc_plan=True)
    assert not checks.in_scope(born, d("2026-06-15"), ehc_plan=True)  # 26
    assert checks.in_scope(born, d("2018-06-14"), ehc_plan=False)  # 17
    assert not checks.in_scope(born, d("2018-06-15"), ehc_plan=False)  # 18
    with pytest.raises(CheckError, match="only while an EHC plan continues"):
        checks.age_band(born, d("2018-06-15"))
    with pytest.raises(CheckError, match="over 25"):
        checks.age_band(born, d("2026-06-15"), ehc_plan=True)
    with pytest.raises(CheckError, match="over 25"):
        checks.check_in_scope(born, d("2026-06-15"), ehc_plan=False)


def test_the_bands_cover_0_to_25_without_gaps_or_overlaps():
    ages = [age for low, high, _, _ in checks.AGE_BANDS for age in range(low, high + 1)]
    assert ages == list(range(26))


def test_transition_years_are_16_and_17():
    born = d("2010-06-15")
    assert not checks.in_transition_years(born, d("2026-06-14"))  # 15
    assert checks.in_transition_years(born, d("2026-06-15"))  # 16
    assert checks.in_transition_years(born, d("2028-06-14"))  # 17
    assert not checks.in_transition_years(born, d("2028-06-15"))  # 18


def test_check_digit_wants_ascii_digits():
    with pytest.raises(CheckError, match="exactly nine digits"):
        checks.nhs_check_digit("９４３４７６５９１")
