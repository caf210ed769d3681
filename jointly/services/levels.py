"""Who a service is for and how its level of need is told (pure Python, no Django).

* **Population**: children and young people (0 to 25), adults (18 and over) or all ages (a
  whole-population service such as North East Essex's bundles of care).
* **Level-of-need scales** describe *children's* needs, so only children's services carry a level:

  - the Essex "Effective Support Windscreen": universal, additional, intensive, specialist;
  - Derby's three levels: universal, targeted, specialist.

The model's ``clean``, the API and the demo loader all call :func:`problems`.
"""

from __future__ import annotations

CHILDREN, ADULTS, ALL_AGES = "children", "adults", "all_ages"
WINDSCREEN, THREE_LEVEL = "windscreen", "three_level"

CHILDREN_MAX_AGE = 25
ADULT_MIN_AGE = 18
MAX_AGE = 120  # "all ages" runs from 0 to this

SCALE_LEVELS: dict[str, tuple[str, ...]] = {
    WINDSCREEN: ("universal", "additional", "intensive", "specialist"),
    THREE_LEVEL: ("universal", "targeted", "specialist"),
}


def problems(
    population: str, scale: str, level: str, age_min: int | None, age_max: int | None
) -> dict[str, str]:
    """What is wrong with a service's population, level of need and ages, by field."""
    errors: dict[str, str] = {}
    if population == CHILDREN:
        levels = SCALE_LEVELS.get(scale, ())
        if not level:
            errors["level_of_need"] = "Give the level of need: a children's service sits on a level."
        elif level not in levels:
            errors["level_of_need"] = f"{level!r} is not a level of this scale: choose {', '.join(levels)}."
        if age_max is not None and age_max > CHILDREN_MAX_AGE:
            errors["age_max"] = (
                f"A children's and young people's service serves ages 0 to {CHILDREN_MAX_AGE}."
            )
    elif level:
        errors["level_of_need"] = (
            "Levels of need describe children's needs: leave it blank for an adults' or all-age service."
        )
    if population == ADULTS and age_min is not None and age_min < ADULT_MIN_AGE:
        errors["age_min"] = f"An adults' service starts at {ADULT_MIN_AGE} or older."
    if population == ALL_AGES and age_min not in (None, 0):
        errors["age_min"] = "An all-age service starts at 0."
    if age_max is not None and age_max > MAX_AGE:
        errors["age_max"] = f"Ages run from 0 to {MAX_AGE}."
    if age_min is not None and age_max is not None and age_min > age_max and "age_max" not in errors:
        errors["age_max"] = "The oldest age must be the same as or more than the youngest."
    return errors


def map_levels(scales_in_use: set[str]) -> list[str]:
    """The service map's columns: the scale in use, or the Windscreen with Derby's "targeted"
    after "additional" when a partnership mixes them."""
    if scales_in_use == {THREE_LEVEL}:
        return list(SCALE_LEVELS[THREE_LEVEL])
    levels = list(SCALE_LEVELS[WINDSCREEN])
    if THREE_LEVEL in scales_in_use:
        levels.insert(2, "targeted")
    return levels


def age_label(population: str, age_min: int, age_max: int) -> str:
    if population == ALL_AGES:
        return "All ages"
    if population == ADULTS and age_max >= MAX_AGE:
        return f"{age_min} and over"
    return f"{age_min} to {age_max}"
