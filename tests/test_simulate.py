"""The evidence simulation: named dynamics, the same draws for every policy, many seeds."""

from __future__ import annotations

import dataclasses as dc
import math

import numpy as np
import pandas as pd
import pytest

from planner import simulate
from planner.errors import InputError
from planner.inputs import Inputs


@pytest.fixture(scope="module")
def county():
    return simulate.generated_county(150, 5, seed=4)


def quiet(name: str, **changes: float) -> simulate.Dynamics:
    """A named dynamics without randomness, so its effect can be checked by hand."""
    return dc.replace(simulate.load_dynamics(name), noise_sd=0.0, gain_sd=0.0, **changes)


def one_branch(dyn: simulate.Dynamics, score: float, visits: list[tuple[int, int]], *, last: float = 0.0):
    """One branch, all dimensions at `score`, visited (week, focus) in quarter 0; last visit on `last`."""
    arr = np.array([(w, 0, f) for w, f in visits], dtype=int).reshape(-1, 3)
    path = simulate.run_quarter(
        dyn, np.full((1, 8), score), np.array([last]), np.array([False]), arr, seed=0, quarter=0
    )
    return path.scores[-1][0]


def test_additive_visit_adds_fixed_points():
    dyn = quiet("additive")  # drift 0.25, focus +8, others +2
    end = one_branch(dyn, 50.0, [(3, 0)])
    assert end[0] == pytest.approx(50 - 13 * 0.25 + 8)
    assert end[1] == pytest.approx(50 - 13 * 0.25 + 2)
    assert one_branch(dyn, 50.0, [])[0] == pytest.approx(50 - 13 * 0.25)


def test_proportional_visit_closes_a_share_of_the_gap():
    dyn = quiet("proportional")  # a visit in week 1 after that week's drift: 60 - 0.25 = 59.75
    end = one_branch(dyn, 60.0, [(1, 2)])
    assert end[2] == pytest.approx(59.75 + 0.25 * 40.25 - 12 * 0.25)
    assert end[0] == pytest.approx(59.75 + 0.06 * 40.25 - 12 * 0.25)
    # the same visit is worth more to a weaker branch
    gain_weak = one_branch(dyn, 40.0, [(1, 2)])[2] - one_branch(dyn, 40.0, [])[2]
    gain_strong = one_branch(dyn, 80.0, [(1, 2)])[2] - one_branch(dyn, 80.0, [])[2]
    assert gain_weak > 2 * gain_strong


def test_deteriorating_weaker_branches_slide_faster_without_support():
    dyn = quiet("deteriorating", relapse_per_week=0.0)
    never = math.nan
    weak_loss = 50 - one_branch(dyn, 50.0, [], last=never)[0]
    strong_loss = 90 - one_branch(dyn, 90.0, [], last=never)[0]
    assert weak_loss > strong_loss > 13 * 0.25
    # visited on the quarter's first day: supported for all its 13 weeks, so only the base drift
    assert 50 - one_branch(dyn, 50.0, [], last=0.0)[0] == pytest.approx(13 * 0.25)


def test_deteriorating_weak_and_lax_relapse_only_without_support():
    dyn = dc.replace(quiet("deteriorating", weak_drift_per_week=0.0), relapse_per_week=1.0, relapse_points=2)
    scores = np.full((2, 8), 60.0)
    last = np.array([math.nan, 0.0])  # unsupported, supported
    path = simulate.run_quarter(
        dyn, scores, last, np.array([True, True]), np.zeros((0, 3), int), seed=0, quarter=0
    )
    assert path.scores[-1][0, 0] == pytest.approx(60 - 13 * 0.25 - 13 * 2)
    assert path.scores[-1][1, 0] == pytest.approx(60 - 13 * 0.25)


def test_dynamics_file_overrides_and_rejects(tmp_path):
    good = tmp_path / "d.toml"
    good.write_text("[proportional]\nfocus_share = 0.4\n", encoding="utf-8")
    d = simulate.load_dynamics("proportional", good)
    assert d.focus_share == 0.4 and d.general_share == simulate.load_dynamics("proportional").general_share
    bad = tmp_path / "bad.toml"
    bad.write_text("[proportional]\nfocus_shar = 0.4\nfocus_share = 2\n[linear]\nx = 1\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        simulate.load_dynamics("proportional", bad)
    text = " ".join(str(p) for p in err.value.problems)
    assert "focus_shar" in text and "focus_share must be between 0 and 1" in text and "[linear]" in text
    with pytest.raises(InputError):
        simulate.load_dynamics("linear")


def test_same_seed_same_figures(county):
    inputs, scenario = county
    a = simulate.simulate(inputs, scenario, quarters=2, seed=7)
    b = simulate.simulate(inputs, scenario, quarters=2, seed=7)
    assert a.figures.equals(b.figures)
    assert a.weekly_risk.equals(b.weekly_risk)
    assert list(a.figures.index) == list(simulate.POLICIES)
    assert list(a.figures.columns) == list(simulate.FIGURES)
    assert a.figures["visits"].nunique() == 1  # every policy uses the same capacity


def test_policies_share_the_draws(county):
    inputs, scenario = county
    # with no visits at all the policies cannot differ: only the shared draws move the scores
    idle = Inputs(inputs.branches, inputs.supervisors.assign(weekly_capacity=0), inputs.sources)
    sim = simulate.simulate(
        idle,
        scenario.with_changes(rules=scenario.rules.__class__(overdue_days=0, weak_lax_min_visits=0)),
        quarters=1,
        seed=3,
        dynamics=simulate.load_dynamics("deteriorating"),
        policies=("hand_ranking", "round_robin", "random"),
    )
    assert len(sim.weekly_risk.T.drop_duplicates()) == 1


def test_the_optimizer_reaches_the_weakest_sooner(county):
    inputs, scenario = county
    f = simulate.simulate(inputs, scenario, quarters=2, seed=1).figures
    assert f.at["optimizer", "weakest_first_visit"] < f.at["round_robin", "weakest_first_visit"]
    assert f.at["optimizer", "weakest_first_visit"] < f.at["random", "weakest_first_visit"]
    assert f.at["round_robin", "coverage"] >= f.at["optimizer", "coverage"]


def test_interval_is_the_t_interval():
    m, lo, hi = simulate.interval([1.0, 2.0, 3.0])
    assert m == 2.0
    assert (lo, hi) == pytest.approx((2 - 4.3027 / math.sqrt(3), 2 + 4.3027 / math.sqrt(3)), abs=1e-3)


def test_verdict_needs_the_interval_to_exclude_zero():
    assert simulate.verdict("risk_weeks", -3, -1) is simulate.Verdict.AHEAD  # lower is better
    assert simulate.verdict("risk_weeks", 1, 3) is simulate.Verdict.BEHIND
    assert simulate.verdict("risk_weeks", -1, 2) is simulate.Verdict.LEVEL
    assert simulate.verdict("coverage", 0.01, 0.02) is simulate.Verdict.AHEAD  # higher is better


def test_differences_are_paired_on_the_same_seeds():
    # the optimizer is one better on every seed, though the seeds differ a lot from each other:
    # paired, that is a clear lead; compared as two independent samples it would not be
    rows = []
    for seed, level in enumerate([1000.0, 1500.0, 800.0, 1200.0]):
        rows.append({"dynamics": "additive", "seed": seed, "policy": "optimizer", "risk_weeks": level - 1})
        rows.append({"dynamics": "additive", "seed": seed, "policy": "round_robin", "risk_weeks": level})
    per_seed = pd.DataFrame(rows)
    for f in simulate.FIGURES:
        if f != "risk_weeks":
            per_seed[f] = 1.0
    ev = simulate.Evidence(per_seed, pd.DataFrame(), 10, 1, 1)
    d = ev.differences().set_index("figure").loc["risk_weeks"]
    assert (d["difference"], d["low"], d["high"], d["verdict"]) == (-1, -1, -1, "ahead")
    t = ev.table().set_index(["policy", "figure"]).loc[("optimizer", "risk_weeks")]
    assert t["low"] < 900 < 1300 < t["high"]  # the levels' own intervals overlap widely


def test_evidence_runs_seeds_in_parallel_with_the_same_results():
    dyn = [simulate.load_dynamics("additive")]
    one = simulate.evidence(dyn, seeds=2, n_branches=40, n_supervisors=2, quarters=1, workers=1)
    two = simulate.evidence(dyn, seeds=2, n_branches=40, n_supervisors=2, quarters=1, workers=2)
    pd.testing.assert_frame_equal(one.per_seed, two.per_seed)
    assert sorted(one.per_seed["seed"].unique()) == [0, 1]
    wide = simulate.wide_table(one, "en")
    assert len(wide) == len(simulate.POLICIES)
    assert " – " in wide.iloc[0, 2]  # every figure with its interval


def test_cli_simulate_writes_a_new_folder_and_checks_its_arguments(tmp_path, capsys):
    from planner.cli import main

    out = tmp_path / "evidence"
    args = ["simulate", "--seeds", "2", "--branches", "40", "--supervisors", "2", "--quarters", "1"]
    assert main([*args, "--dynamics", "additive", "--out", str(out), "--lang", "en", "--workers", "1"]) == 0
    printed = capsys.readouterr().out
    assert "round robin" in printed and printed.strip().endswith(str(out))
    names = {p.name for p in out.iterdir()}
    assert {"simulation.csv", "summary.csv", "differences.csv", "simulation.png", "differences.png"} <= names
    history = out / "history-additive"
    assert (history / "visits.csv").is_file() and len(list(history.glob("branches-*.csv"))) == 2
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no partial folder left
    assert main([*args, "--dynamics", "additive", "--out", str(out)]) == 2  # never overwritten
    assert main([*args, "--dynamics", "linear"]) == 2
    assert "unknown dynamics 'linear'" in capsys.readouterr().err
    assert main(["simulate", "--seeds", "1"]) == 2
    assert main([*args, "--dynamics-file", str(tmp_path / "missing.toml")]) == 2
    assert "missing.toml" in capsys.readouterr().err
