from __future__ import annotations

import datetime as dt
import tomllib

import pytest

from planner.errors import InputError
from planner.scenario import load_scenario, parse_scenario, scenario_to_toml


def test_empty_file_is_all_defaults(write):
    s = load_scenario(write("s.toml", ""), today=dt.date(2026, 11, 25))
    assert s.horizon.start == dt.date(2026, 11, 30)  # the next Monday
    assert s.horizon.weeks == 13
    assert s.rules.max_visits_per_branch == 3
    assert s.rules.repeat_value == (1.0, 0.5, 0.25)
    assert s.solver.name == "highs"
    assert set(s.weights.values()) == {1.0}


def test_unknown_key_has_did_you_mean(write):
    with pytest.raises(InputError) as exc:
        load_scenario(write("s.toml", "[rules]\nmax_visit_per_branch = 2\n[wieghts]\n"))
    text = str(exc.value)
    assert "rules.max_visit_per_branch" in text and "max_visits_per_branch" in text
    assert "'weights'" in text


def test_bad_values_all_reported():
    with pytest.raises(InputError) as exc:
        parse_scenario(
            {
                "horizon": {"weeks": 0},
                "rules": {"district_min_share": 1.5, "one_responsible_supervisor": "yes"},
                "solver": {"name": "gurobi"},
            }
        )
    columns = {p.column for p in exc.value.problems}
    assert columns == {
        "horizon.weeks",
        "rules.district_min_share",
        "rules.one_responsible_supervisor",
        "solver.name",
    }


def test_repeat_value_must_cover_max_visits():
    with pytest.raises(InputError, match="repeat_value"):
        parse_scenario({"rules": {"max_visits_per_branch": 4}})


def test_toml_round_trip():
    s = parse_scenario(
        {
            "name": "试点",
            "horizon": {"start": dt.date(2027, 1, 4), "weeks": 8},
            "weights": {"training": 2.0},
            "rules": {"travel_penalty": 1.5},
        }
    )
    text = scenario_to_toml(s)
    assert parse_scenario(tomllib.loads(text)) == s
    assert "district_min_share" in text  # defaults are written out
