"""`planner simulate --year`: the office's year's rules in the evidence simulation."""

from __future__ import annotations

import pandas as pd

from planner import simulate, year
from planner.cli import main
from planner.labels import evidence_label

ARGS = ["simulate", "--year", "--dynamics", "additive", "--seeds", "2", "--branches", "40"]
ARGS += ["--supervisors", "2", "--quarters", "4", "--workers", "1"]


def test_the_optimizer_covers_the_year_and_its_contact_points():
    inputs, scenario = simulate.generated_county(40, 2, seed=3, year=True)
    contact = year.contact_supervisor(inputs)
    assert (contact != "").sum() >= 2 and (inputs.branches["responsible_supervisor"] != "").any()
    sim = simulate.simulate(inputs, scenario, quarters=4, seed=3, record="optimizer")
    f = sim.figures.loc["optimizer"]
    assert f["coverage"] == 1.0 and f["contact_visited"] == 1.0
    assert f["responsible_kept"] > 0.9 and f["followups_made"] == 1.0
    # the office's log of the year: every branch visited, every contact point twice by its leader
    assert sim.history is not None
    log = sim.history.visits
    per_branch = inputs.branches["branch_id"].map(log["branch_id"].value_counts()).fillna(0)
    assert (per_branch >= scenario.year.min_visits).all()
    owner = dict(zip(inputs.branches["branch_id"], contact, strict=True))
    for bid, sid in owner.items():
        if sid:
            mine = log[log["branch_id"] == bid]
            assert len(mine) >= scenario.year.contact_min_visits and (mine["supervisor_id"] == sid).all()
    # without the year the county has none of it: the year's figures are blank
    plain = simulate.simulate(*simulate.generated_county(40, 2, seed=3), quarters=1, seed=3)
    assert plain.figures[list(simulate.YEAR_FIGURES)].isna().all().all()


def test_cli_year_tables_carry_the_years_figures_in_both_languages(tmp_path, capsys):
    runs = {}
    for lang in ("zh", "en"):
        assert main([*ARGS, "--lang", lang, "--out", str(tmp_path / lang)]) == 0
        printed = capsys.readouterr().out
        summary = pd.read_csv(tmp_path / lang / "summary.csv", encoding="utf-8-sig")
        for key in ("coverage", *simulate.YEAR_FIGURES):
            assert evidence_label(key, lang) in summary.columns
            assert evidence_label(key, lang) in printed
        runs[lang] = pd.read_csv(tmp_path / lang / "simulation.csv", encoding="utf-8-sig")
    opt = runs["zh"][runs["zh"]["policy"] == "optimizer"]
    assert (opt["coverage"] == 1.0).all() and (opt["contact_visited"] == 1.0).all()
    differences = pd.read_csv(tmp_path / "en" / "differences.csv", encoding="utf-8-sig")
    assert set(simulate.YEAR_FIGURES) <= set(differences["figure"])
    # deterministic: the second run (in the other language) has the same figures
    pd.testing.assert_frame_equal(runs["zh"], runs["en"])


def test_without_year_the_tables_are_as_before(tmp_path):
    ev = simulate.evidence(
        [simulate.load_dynamics("additive")], seeds=2, n_branches=40, n_supervisors=2, quarters=1, workers=1
    )
    wide = simulate.wide_table(ev, "en")
    assert evidence_label("coverage", "en") in wide.columns
    assert not {evidence_label(f, "en") for f in simulate.YEAR_FIGURES} & set(wide.columns)
    assert not set(simulate.YEAR_FIGURES) & set(ev.differences()["figure"])
