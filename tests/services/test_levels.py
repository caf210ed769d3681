"""Who a service is for, and which level-of-need scale its level is on."""

from __future__ import annotations

import pytest

from jointly.services import levels


@pytest.mark.parametrize(
    ("population", "scale", "level", "age_min", "age_max", "fields"),
    [
        ("children", "windscreen", "additional", 0, 19, set()),
        (
            "children",
            "windscreen",
            "targeted",
            0,
            19,
            {"level_of_need"},
        ),  # Derby's level, not the Windscreen's
        ("children", "three_level", "targeted", 0, 19, set()),
        ("children", "three_level", "intensive", 0, 19, {"level_of_need"}),
        ("children", "windscreen", "", 0, 19, {"level_of_need"}),
        ("children", "windscreen", "universal", 0, 26, {"age_max"}),
        ("children", "windscreen", "universal", 0, 25, set()),
        ("adults", "windscreen", "", 18, 120, set()),
        ("adults", "windscreen", "specialist", 18, 120, {"level_of_need"}),  # the Windscreen is children's
        ("adults", "windscreen", "", 16, 120, {"age_min"}),
        ("all_ages", "windscreen", "", 0, 120, set()),
        ("all_ages", "windscreen", "specialist", 0, 120, {"level_of_need"}),
        ("all_ages", "windscreen", "", 5, 120, {"age_min"}),
        ("all_ages", "windscreen", "", 0, 121, {"age_max"}),
        ("children", "windscreen", "universal", 10, 5, {"age_max"}),
    ],
)
def test_problems(population, scale, level, age_min, age_max, fields):
    assert set(levels.problems(population, scale, level, age_min, age_max)) == fields


def test_map_levels():
    assert levels.map_levels({"windscreen"}) == ["universal", "additional", "intensive", "specialist"]
    assert levels.map_levels({"three_level"}) == ["universal", "targeted", "specialist"]
    assert levels.map_levels({"windscreen", "three_level"}) == [
        "universal", "additional", "targeted", "intensive", "specialist"
    ]  # fmt: skip


def test_age_label():
    assert levels.age_label("all_ages", 0, 120) == "All ages"
    assert levels.age_label("adults", 18, 120) == "18 and over"
    assert levels.age_label("children", 0, 19) == "0 to 19"


@pytest.mark.django_db
def test_model_clean_and_constraint():
    from django.core.exceptions import ValidationError

    from jointly.services.models import Service
    from tests import factories

    p = factories.partnership()
    s = Service(
        partnership=p, name="Urgent care", population="all_ages", level_of_need="", age_min=0, age_max=120
    )
    s.full_clean()
    s.save()
    s.level_of_need = "specialist"
    with pytest.raises(ValidationError) as err:
        s.full_clean()
    assert "children's needs" in err.value.message_dict["level_of_need"][0]
    derby = Service(partnership=p, name="Targeted youth support", need_scale="three_level", level_of_need="targeted",
                    age_min=8, age_max=19)  # fmt: skip
    derby.full_clean()
