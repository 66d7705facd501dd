"""summary.json is the contract: the typed Summary writes every key DOMAIN.md names, and reads
back exactly what it wrote; a summary.json that is not one is a clear input error."""

from __future__ import annotations

import json

import pytest

from planner import datasets, load_inputs, load_scenario, plan
from planner.errors import InputError
from planner.folder import read_plan, write_plan
from planner.problem import SolveStatus
from planner.summary import Summary

# DOMAIN.md: "at least scenario, status, objective, bound, gap, solver, solve_seconds,
# n_branches, n_visits, kpis, inputs (file name -> sha256)"
CONTRACT = {"scenario", "status", "objective", "bound", "gap", "solver", "solve_seconds", "n_branches"}
CONTRACT |= {"n_visits", "kpis", "inputs", "baseline", "marginal_values", "horizon"}


@pytest.fixture(scope="module")
def sample_plan():
    bf, sf, scf = datasets.sample_paths()
    sc = load_scenario(scf)
    return plan(load_inputs(bf, sf, horizon_weeks=sc.horizon.weeks), sc)


def test_summary_json_has_the_contract_keys_and_round_trips(sample_plan, tmp_path):
    folder = write_plan(sample_plan, tmp_path / "q1")
    raw = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert set(raw) >= CONTRACT
    assert raw["status"] == "optimal" and isinstance(raw["objective"], float)
    assert set(raw["inputs"]) == {"branches.csv", "supervisors.csv"}
    assert len(raw["inputs"]["branches.csv"]) == 64  # sha256 in hex
    assert raw["kpis"]["visits"] == raw["n_visits"] == len(sample_plan.visits)
    back = read_plan(folder).summary
    assert back == sample_plan.summary
    assert back.status is SolveStatus.OPTIMAL
    assert Summary.from_dict(back.to_dict()).to_dict() == raw


def test_a_broken_summary_is_an_input_error(sample_plan, tmp_path):
    folder = write_plan(sample_plan, tmp_path / "q1")
    (folder / "summary.json").write_text('{"status": "optimal"}', encoding="utf-8")
    with pytest.raises(InputError, match=r"summary\.json"):
        read_plan(folder)
