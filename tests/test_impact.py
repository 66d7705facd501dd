"""`planner impact`: what visits did, estimated from successive branch files and the visit log."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from planner import impact, simulate
from planner.cli import main
from planner.schema import DIMENSIONS


@pytest.fixture(scope="module", params=simulate.DYNAMICS)
def office(request):
    """An office's four quarters under the optimizer, with the simulation's true effect."""
    inputs, scenario = simulate.generated_county(250, 7, seed=1)
    sim = simulate.simulate(
        inputs,
        scenario,
        quarters=4,
        seed=1,
        dynamics=simulate.load_dynamics(request.param),
        policies=("optimizer",),
        record="optimizer",
    )
    assert sim.history is not None
    return request.param, sim.history


def test_recovers_the_true_effect_within_five_percent(office):
    name, history = office
    result = impact.impact(history.snapshots, history.dates, history.visits)
    pooled = result.effects[0]
    truth = history.true_effect_on_comparable()
    assert pooled.dimension == "all"
    # close to the truth: it runs a few per cent low (seed 1: 4 %); its 95 % interval is a little
    # optimistic (27 of 30 over seeds 0-9), so one seed's coverage is not asserted
    assert abs(pooled.effect - truth) <= 0.05 * truth, (name, truth, pooled)
    assert pooled.ci_high - pooled.ci_low < 0.15 * truth  # and it says something: a narrow interval
    # weak-and-lax branches are always visited by rule: nothing comparable, so left out and counted
    assert pooled.excluded > 0


def test_a_naive_comparison_is_biased_under_deterioration():
    # the weaker branches get the visits and, unsupported, would have slid faster: comparing
    # visited with unvisited branches as they are understates what visits do
    inputs, scenario = simulate.generated_county(250, 7, seed=1)
    history = simulate.simulate(
        inputs,
        scenario,
        quarters=4,
        seed=1,
        dynamics=simulate.load_dynamics("deteriorating"),
        policies=("optimizer",),
        record="optimizer",
    ).history
    assert history is not None
    p = impact.panel(history.snapshots, history.dates, history.visits)
    naive = p.loc[p["treated"] == 1, "change"].mean() - p.loc[p["treated"] == 0, "change"].mean()
    pooled = impact.impact(history.snapshots, history.dates, history.visits).effects[0]
    truth = history.true_effect_on_comparable()
    assert not pooled.ci_low <= naive <= pooled.ci_high
    assert abs(naive - truth) > 3 * abs(pooled.effect - truth)


def test_a_known_effect_on_a_hand_made_panel():
    # 300 branches, two quarters; visits at random (not on risk), each adds exactly 4 points to
    # its focus; everything else drifts by -2 with noise
    rng = np.random.default_rng(5)
    n = 300
    ids = [f"B{i:03d}" for i in range(n)]
    start = dt.date(2027, 1, 4)
    dates = [start, start + dt.timedelta(weeks=13), start + dt.timedelta(weeks=26)]
    scores = rng.uniform(40, 90, size=(n, 8))
    snaps, visits = [], []
    for t in range(3):
        snaps.append(
            pd.DataFrame(
                {"branch_id": ids, **dict(zip(DIMENSIONS, scores.T, strict=True)), "weak_lax": False}
            ).assign(last_visit=None)
        )
        if t == 2:
            break
        focus = rng.integers(0, 8, size=n)
        visited = rng.random(n) < 0.4
        visits += [
            (ids[i], dates[t] + dt.timedelta(days=14), DIMENSIONS[focus[i]]) for i in np.flatnonzero(visited)
        ]
        scores = scores - 2 + rng.normal(0, 1.5, size=scores.shape)
        scores[np.flatnonzero(visited), focus[visited]] += 4
    log = pd.DataFrame(visits, columns=["branch_id", "date", "focus"])
    result = impact.impact(snaps, dates, log)
    pooled = result.effects[0]
    assert pooled.ci_low <= 4 <= pooled.ci_high
    assert pooled.effect == pytest.approx(4, abs=0.4)
    assert pooled.treated == len(log) and pooled.excluded == 0
    assert result.table("en").columns[1] == "effect (points)"
    assert result.table("zh").iloc[1, 0] == "主动谋划"


def write_history(tmp_path, history: simulate.History) -> list[str]:
    files = []
    for day, snap in zip(history.dates, history.snapshots, strict=True):
        path = tmp_path / f"branches-{day}.csv"
        snap.to_csv(path, index=False)
        files.append(str(path))
    history.visits.to_csv(tmp_path / "visits.csv", index=False)
    return files


def test_cli_prints_writes_and_never_overwrites(tmp_path, capsys):
    inputs, scenario = simulate.generated_county(120, 4, seed=2)
    history = simulate.simulate(
        inputs, scenario, quarters=3, seed=2, policies=("optimizer",), record="optimizer"
    ).history
    assert history is not None
    files = write_history(tmp_path, history)
    dates = ",".join(d.isoformat() for d in history.dates)
    out = tmp_path / "impact.csv"
    args = [*files, "--dates", dates, "--history", str(tmp_path / "visits.csv"), "--out", str(out)]
    assert main(["impact", *args, "--lang", "en"]) == 0
    printed = capsys.readouterr().out
    assert "all dimensions" in printed and printed.strip().endswith(str(out))
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert table.columns[0] == "dimension" and table.iloc[0, 0] == "all dimensions"
    assert table.iloc[0]["95% low"] < table.iloc[0]["effect (points)"] < table.iloc[0]["95% high"]
    before = out.read_bytes()
    assert main(["impact", *args]) == 2
    assert "never overwritten" in capsys.readouterr().err
    assert out.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no partial file left


def test_cli_bad_input_names_the_problem(tmp_path, capsys):
    inputs, scenario = simulate.generated_county(40, 2, seed=2)
    history = simulate.simulate(
        inputs, scenario, quarters=1, seed=2, policies=("optimizer",), record="optimizer"
    ).history
    assert history is not None
    files = write_history(tmp_path, history)
    out = tmp_path / "x.csv"
    log = tmp_path / "visits.csv"
    assert main(["impact", *files, "--dates", "2027-01-04", "--history", str(log), "--out", str(out)]) == 2
    assert "--dates gives 1 dates for 2 branch files" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "组织编号,走访日期,督导重点\nB00001,2027-02-01,跳舞\nB00002,2027-13-01,planning\n", "utf-8"
    )
    dates = "2027-01-04,2027-04-05"
    assert main(["impact", *files, "--dates", dates, "--history", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "bad.csv, row 2, column 督导重点" in err and "bad.csv, row 3, column 走访日期" in err
    assert not out.exists()
