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


# Every scenario number is finite and within its bounds (issue 11, item 1): nan and inf once made
# HiGHS spin forever, or were silently accepted.
@pytest.mark.parametrize(
    ("toml", "key", "allowed"),
    [
        ("[weights]\nplanning = nan", "weights.planning", "at least 0 and at most 100"),
        ("[weights]\ntraining = inf", "weights.training", "at least 0 and at most 100"),
        ("[rules]\nrepeat_value = [1.0, inf, 0.25]", "rules.repeat_value", "each at least 0"),
        ("[rules]\ntravel_penalty = inf", "rules.travel_penalty", "at most 1000"),
        ("[risk]\nstaleness_weight = inf", "risk.staleness_weight", "at most 100"),
        ("[solver]\ngap = nan", "solver.gap", "at least 0 and at most 0.99"),
        ("[rules]\ndistrict_min_share = nan", "rules.district_min_share", "at least 0 and at most 1"),
        ("[risk]\nhigh_from = nan", "risk.high_from", "at least 0 and at most 100"),
        ("[rules]\naudit_share = nan", "rules.audit_share", "at least 0 and at most 1"),
        ("[solver]\ntime_limit_s = -inf", "solver.time_limit_s", "greater than 0"),
        ("[solver]\ntime_limit_s = 0", "solver.time_limit_s", "greater than 0"),
        ("[horizon]\nweeks = 105", "horizon.weeks", "at most 104"),
        ("[rules]\naudit_seed = 9223372036854775807", "rules.audit_seed", "at most 2,147,483,647"),
        ("[rules]\nmax_visits_per_branch = 2.5", "rules.max_visits_per_branch", "a whole number"),
    ],
)
def test_scenario_numbers_are_finite_and_within_bounds(write, toml, key, allowed):
    with pytest.raises(InputError) as exc:
        load_scenario(write("s.toml", toml + "\n"))
    [problem] = exc.value.problems
    assert problem.column == key
    assert allowed in problem.message
    assert problem.file == "s.toml"


def test_bounds_are_inclusive_where_described():
    s = parse_scenario(
        {"rules": {"district_min_share": 1, "audit_share": 0.0}, "solver": {"gap": 0.99, "time_limit_s": 0.5}}
    )
    assert s.rules.district_min_share == 1.0 and s.solver.gap == 0.99 and s.solver.time_limit_s == 0.5


def test_every_setting_is_described_and_its_default_is_valid():
    from planner.scenario import SETTINGS

    defaults = parse_scenario({}, today=dt.date(2027, 1, 1))
    for key, s in SETTINGS.items():
        assert s.zh and s.en and s.help_zh and s.help_en, key
        if s.default is not None:
            assert defaults.value(key) == s.default, key
        if s.kind in ("int", "float"):
            assert s.low is not None and s.high is not None, f"{key} needs finite bounds"
    # the TOML a scenario writes holds every described setting, and nothing else (the year's
    # settings when the year is on: a scenario without a [year] table writes none)
    with_year = parse_scenario({"year": {}}, today=dt.date(2027, 1, 1))
    written = tomllib.loads(scenario_to_toml(with_year))
    tables = {sec: table for sec, table in written.items() if isinstance(table, dict)}
    keys = {"name"} | {f"{sec}.{k}" for sec, table in tables.items() for k in table}
    assert keys == set(SETTINGS)


def test_scenario_guide_is_generated_from_the_descriptions():
    from pathlib import Path

    from planner.guide import scenario_guide
    from planner.scenario import SETTINGS

    committed = Path(__file__).resolve().parent.parent / "docs" / "scenario.md"
    assert committed.read_text(encoding="utf-8") == scenario_guide(), (
        "docs/scenario.md is stale: python -m planner.guide scenario > docs/scenario.md"
    )
    for key in SETTINGS:
        assert f"`{key}`" in scenario_guide()
