"""The guarded solve: a solve that would spin forever stops near its time limit, and Ctrl-C (or
SIGTERM) stops `planner plan` at once, with nothing written and no solver process left behind.

A NaN risk makes HiGHS spin past its time limit, deaf to Ctrl-C (its callbacks stop too); the
tests make every risk NaN in the instance the pipeline builds, whatever the input validation accepts.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from planner import datasets, instance, load_inputs, load_scenario, risk
from planner.problem import Instance, SolveStatus
from planner.solver import GRACE_S, SolveTimeoutError, solve
from tests.helpers import planner_command

# start-up of a fresh interpreter on a busy machine, on top of time limit + grace
SLACK_S = 12.0

NAN_RISK = """
    import dataclasses
    import numpy as np
    from planner import instance
    build = instance.build
    def with_nan(*args, **kwargs):
        inst = build(*args, **kwargs)
        risk = inst.risk.copy()
        risk[:] = np.nan
        return dataclasses.replace(inst, risk=risk)
    instance.build = with_nan
"""


def sample_instance() -> Instance:
    bf, sf, scf = datasets.sample_paths()
    sc = load_scenario(scf)
    inputs = load_inputs(bf, sf, horizon_weeks=sc.horizon.weeks)
    scores = risk.score(inputs.branches, sc)
    need = instance.mandatory(inputs, sc, scores["risk_tier"])
    return instance.build(inputs, sc, scores["risk_score"], need.visits)


def test_a_normal_solve_proves_its_optimum():
    alloc = solve(sample_instance(), time_limit_s=60, gap=0.001)
    assert alloc.status == SolveStatus.OPTIMAL
    assert alloc.bound >= alloc.objective > 0
    assert alloc.visits.sum() > 0


def test_a_solve_after_another_highs_run_in_this_process():
    """A HiGHS run with its default thread pool in this process used to make the next solve
    (threads=1) come back 'not solved'; every solve now has a process of its own."""
    import highspy

    other = highspy.Highs()
    other.setOptionValue("output_flag", False)
    other.addVar(0.0, 1.0)
    other.changeColCost(0, -1.0)
    other.run()
    assert other.getInfo().objective_function_value == pytest.approx(-1.0)
    assert solve(sample_instance(), time_limit_s=60).status == SolveStatus.OPTIMAL


def test_a_spinning_solve_is_stopped_near_its_time_limit():
    inst = sample_instance()
    risk_ = inst.risk.copy()
    risk_[:] = np.nan
    started = time.monotonic()
    with pytest.raises(SolveTimeoutError, match="did not stop within its time limit"):
        solve(dataclasses.replace(inst, risk=risk_), time_limit_s=1)
    assert time.monotonic() - started < 1 + GRACE_S + SLACK_S


def nan_plan(tmp_path: Path, time_limit_s: float) -> subprocess.Popen[str]:
    scenario = tmp_path / "sc.toml"
    scenario.write_text(f"[solver]\ntime_limit_s = {time_limit_s}\n", encoding="utf-8")
    bf, sf, _ = datasets.sample_paths()
    args = ["plan", "--branches", str(bf), "--supervisors", str(sf), "--scenario", str(scenario)]
    return subprocess.Popen(
        planner_command(*args, "--out", str(tmp_path / "out"), "--no-report", prelude=NAN_RISK),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def solver_children(pid: int) -> list[int]:
    """Processes whose parent is `pid` and that run the solver."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid and b"child_main" in cmdline:
            found.append(int(entry.name))
    return found


def nothing_written(tmp_path: Path) -> None:
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if ".partial-" in p.name]


def test_plan_that_would_hang_exits_with_a_sentence(tmp_path):
    started = time.monotonic()
    proc = nan_plan(tmp_path, time_limit_s=1)
    _, err = proc.communicate(timeout=120)
    elapsed = time.monotonic() - started
    assert proc.returncode == 1, err
    assert "did not stop within its time limit" in err and "nothing was written" in err
    assert "Traceback" not in err
    assert elapsed < 1 + GRACE_S + 2 * SLACK_S  # the package's own start-up comes on top
    nothing_written(tmp_path)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table in /proc")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_stops_a_plan_promptly(tmp_path, sig):
    proc = nan_plan(tmp_path, time_limit_s=600)
    deadline = time.monotonic() + 120
    while not solver_children(proc.pid):
        assert proc.poll() is None, proc.communicate()[1]
        assert time.monotonic() < deadline, "the solve never started"
        time.sleep(0.1)
    children = solver_children(proc.pid)
    time.sleep(0.5)  # the solver is spinning now
    os.kill(proc.pid, sig)
    sent = time.monotonic()
    _, err = proc.communicate(timeout=60)
    assert time.monotonic() - sent < 5
    assert proc.returncode == 1
    assert "Interrupted; nothing was written." in err and "Traceback" not in err
    nothing_written(tmp_path)
    for child in children:
        assert (
            not Path(f"/proc/{child}").exists() or "Z" in Path(f"/proc/{child}/stat").read_text().split()[2]
        )


def test_one_solver_process_takes_request_after_request():
    from planner.solver import Child, Request, run

    inst = sample_instance()
    with Child() as child:
        pid = child.process.pid
        first, _ = run(Request(inst, time_limit_s=60), child)
        again, marginals = run(Request(inst, time_limit_s=60, marginals=True), child)
        assert child.process.pid == pid and child.process.poll() is None
    assert first.status == again.status == SolveStatus.OPTIMAL
    # the plan does not depend on whether marginal values were asked for
    assert first.objective == again.objective
    assert first.served == again.served and first.kth_in_week == again.kth_in_week
    assert marginals is not None and marginals.slot.max() > 0


def test_marginal_values_computed_apart_are_those_of_the_plans_solve():
    """A large county's marginal values come from a second solver process while the first
    solves the plan: the same figures as when they are asked for with the plan, and the first
    process's answer is taken after the caller went on (`submit`)."""
    from planner.solver import Child, Request, run

    inst = sample_instance()
    request = Request(inst, time_limit_s=60)
    with Child() as child, Child() as second:
        apart = second.marginal_values(request)
        pending = child.submit(request)
        with pytest.raises(RuntimeError, match="busy"):
            child.submit(request)  # one request at a time
        alloc, none = pending.result()
        together, marginals = run(dataclasses.replace(request, marginals=True), child)
        alone = apart.result()
    assert none is None and marginals is not None
    assert alloc.objective == together.objective and alloc.served == together.served
    np.testing.assert_allclose(alone.slot, marginals.slot)
    assert alone.district_share == marginals.district_share
    assert alone.mandatory == pytest.approx(marginals.mandatory)
    assert alone.slot.max() > 0


def test_pricing_a_visit_from_the_kept_model_is_pricing_it_anew():
    """The re-solve that prices a visit to an unvisited branch starts from the model the solver
    process kept from the plan's solve: the same answer as building the forced
    instance anew, and a visit there never adds risk addressed."""
    from planner.solver import Child, Request

    inst = sample_instance()
    with Child() as child:
        plan_, _ = child.solve(Request(inst, time_limit_s=60, model_key="sample"))
        unvisited = [int(b) for b in np.flatnonzero(plan_.visits == 0)]
        riskiest = max(unvisited, key=lambda b: (inst.risk[b], -b))
        kept, _ = child.solve(Request(inst, time_limit_s=60, force_visit=riskiest, model_key="sample"))
        anew, _ = child.solve(Request(inst, time_limit_s=60, force_visit=riskiest))
    assert kept.visits[riskiest] >= 1 and anew.visits[riskiest] >= 1
    assert kept.objective == pytest.approx(anew.objective, abs=1e-6)
    assert kept.objective <= plan_.objective + 1e-6


def test_a_killed_solver_process_is_started_again_for_the_next_request():
    from planner.solver import Child, Request, run

    inst = sample_instance()
    risk_ = inst.risk.copy()
    risk_[:] = np.nan
    with Child() as child:
        with pytest.raises(SolveTimeoutError):
            run(Request(dataclasses.replace(inst, risk=risk_), time_limit_s=1), child)
        assert child.process.poll() is not None  # killed
        assert run(Request(inst, time_limit_s=60), child)[0].status == SolveStatus.OPTIMAL


@pytest.mark.parametrize("gap", [0.0, 0.001])
def test_the_lp_rounding_and_the_mip_agree(gap):
    """The dive from the LP relaxation proves its plan by the LP's bound; the MIP (what a model
    the dive cannot round gets) reaches the same objective within the gap."""
    from planner.solver import Child, Request, run

    inst = sample_instance()
    with Child() as child:
        dived, _ = run(Request(inst, gap=gap), child)
        mip, _ = run(Request(inst, gap=gap, dive=False), child)
    for alloc in (dived, mip):
        assert alloc.status == SolveStatus.OPTIMAL
        assert alloc.bound >= alloc.objective
    tolerance = gap * mip.objective + 1e-6
    assert abs(dived.objective - mip.objective) <= tolerance
    assert dived.bound >= mip.objective - 1e-6 and mip.bound >= dived.objective - 1e-6
