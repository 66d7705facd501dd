"""Running the solver: HiGHS and CBC options, their output, status and bound, and the guard.

Every solve runs in a child process (a fresh interpreter that imports only this module, the
model and NumPy/PuLP/HiGHS) with a hard wall-clock deadline: the solver's own time limit plus
`GRACE_S`. HiGHS can spin past its time limit and ignore Ctrl-C (for example on a NaN
coefficient: its callbacks stop being called too), so only a process that can be killed is a
guard that holds. A solve that overruns is killed and raises `SolveTimeoutError`; Ctrl-C (or
any exception) in the parent kills the child at once. A fresh process per solve also means no
HiGHS thread pool is ever inherited or shared between solves.
"""

from __future__ import annotations

import contextlib
import math
import os
import pickle
import re
import selectors
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from planner.atomic import temp_dir
from planner.problem import Allocation, Instance, Marginals, SolveStatus

# measured: presolve halves a 1,000-branch solve but makes a 10,000-branch one four times
# slower while removing about 1 % of the model
PRESOLVE_UP_TO_BRANCHES = 3000
# how long a solve may outlive the solver's time limit before it is killed
GRACE_S = 3.0
SOLVERS = ("highs", "cbc")


class SolveTimeoutError(Exception):
    """The solver did not stop within its time limit and was killed."""


@dataclass(frozen=True)
class Request:
    """One solve: the instance and how to solve it."""

    inst: Instance
    solver: str = "highs"
    time_limit_s: float = 60.0
    gap: float = 0.001
    elastic: bool = False
    marginals: bool = False
    tie_break: bool = True  # among equally good plans prefer the standing 责任人, home district, balance


def solve(
    inst: Instance,
    *,
    solver: str = "highs",
    time_limit_s: float = 60.0,
    gap: float = 0.001,
    elastic: bool = False,
    tie_break: bool = True,
) -> Allocation:
    """Maximise risk addressed under every rule (or, elastic, minimise the rules' shortfall)."""
    return run(Request(inst, solver, time_limit_s, gap, elastic, marginals=False, tie_break=tie_break))[0]


def solve_with_marginals(
    inst: Instance,
    *,
    solver: str = "highs",
    time_limit_s: float = 60.0,
    gap: float = 0.001,
    elastic: bool = False,
    marginals: bool = True,
    tie_break: bool = True,
) -> tuple[Allocation, Marginals | None]:
    """`solve`, then (when feasible) the LP relaxation's duals on the same model."""
    return run(Request(inst, solver, time_limit_s, gap, elastic, marginals, tie_break))


# ---------------------------------------------------------------------------------------------
# the guard: the parent's side


class Child:
    """A solver process for one solve. Started ahead of time, its start-up (NumPy, PuLP, HiGHS)
    overlaps the caller's own work; closed (killed if still running) after the solve or unused."""

    def __init__(self) -> None:
        package = Path(__file__).resolve().parent
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-c", _CHILD, str(package)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: CBC's process goes with it
        )

    def solve(self, request: Request) -> tuple[Allocation, Marginals | None]:
        """Solve; kill the child when a solver call outlives its limit + GRACE_S, or on Ctrl-C."""
        try:
            return _talk(self.process, request)
        finally:
            self.close()

    def close(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout, self.process.stderr):
            if pipe is not None:
                pipe.close()

    def __enter__(self) -> Child:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def run(request: Request, child: Child | None = None) -> tuple[Allocation, Marginals | None]:
    """Solve in a child process (`child`, if one was started ahead, else a new one)."""
    return (child or Child()).solve(request)


def _talk(child: subprocess.Popen[bytes], request: Request) -> tuple[Allocation, Marginals | None]:
    assert child.stdin is not None and child.stdout is not None and child.stderr is not None
    payload = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        child.stdin.write(payload)
        child.stdin.close()
    except BrokenPipeError:
        pass  # the child ended early: its error output says why, below
    frames = _Frames()
    errors = bytearray()
    deadline: float | None = None
    started = time.monotonic()
    with selectors.DefaultSelector() as sel:
        sel.register(child.stdout, selectors.EVENT_READ, frames)
        sel.register(child.stderr, selectors.EVENT_READ, errors)
        open_pipes = 2
        while open_pipes:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready = sel.select(wait)
            if not ready and deadline is not None and time.monotonic() >= deadline:
                raise SolveTimeoutError(
                    f"The {request.solver} solver did not stop within its time limit "
                    f"(solver.time_limit_s = {request.time_limit_s:g} s) and was stopped after "
                    f"{time.monotonic() - started:.0f} s; nothing was written. A value that is not "
                    "a number (NaN) in the input makes HiGHS do this: check the files, or try "
                    'solver.name = "cbc".'
                )
            for key, _ in ready:
                chunk = os.read(key.fd, 1 << 16)
                if not chunk:
                    sel.unregister(key.fileobj)
                    open_pipes -= 1
                elif key.data is errors:
                    errors += chunk
                    del errors[:-4000]
                else:
                    for message in frames.feed(chunk):
                        kind, value = message
                        if kind == "solving":
                            deadline = time.monotonic() + float(value) + GRACE_S
                        elif kind == "idle":
                            deadline = None
                        elif kind == "error":
                            raise RuntimeError(f"in the solver's process: {value}")
                        else:
                            result: tuple[Allocation, Marginals | None] = value
                            return result
    code = child.wait()
    last = errors.decode(errors="replace").strip().splitlines()[-1:] or [f"exit status {code}"]
    raise RuntimeError(f"the solver process ended without an answer ({last[0]})")


class _Frames:
    """Length-prefixed pickles from a byte stream."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def feed(self, chunk: bytes) -> list[tuple[str, Any]]:
        self.buffer += chunk
        out = []
        while len(self.buffer) >= 8:
            (size,) = struct.unpack("<Q", self.buffer[:8])
            if len(self.buffer) < 8 + size:
                break
            out.append(pickle.loads(bytes(self.buffer[8 : 8 + size])))
            del self.buffer[: 8 + size]
        return out


# The child imports `planner.solver` without running `planner/__init__.py` (which imports
# pandas and the rest of the package): a start-up of NumPy, PuLP and HiGHS only.
_CHILD = """
import importlib.util, sys
package = sys.argv[1]
spec = importlib.util.spec_from_file_location(
    "planner", package + "/__init__.py", submodule_search_locations=[package])
sys.modules["planner"] = importlib.util.module_from_spec(spec)
from planner.solver import child_main
child_main()
"""


def child_main() -> None:
    """The child's side: read a Request on stdin, send progress and the answer on stdout."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; it kills us on Ctrl-C
    out = os.fdopen(os.dup(1), "wb")
    # HiGHS prints a banner on the first Highs() of a process, whatever output_flag says, and
    # CBC may talk too: the solvers' standard output goes nowhere
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    parent = os.getppid()

    def orphaned() -> None:  # a parent killed with SIGKILL cannot kill us: stop by ourselves
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=orphaned, daemon=True).start()

    def send(kind: str, value: object = None) -> None:
        data = pickle.dumps((kind, value), protocol=pickle.HIGHEST_PROTOCOL)
        out.write(struct.pack("<Q", len(data)) + data)
        out.flush()

    try:
        import pulp  # noqa: F401  -- start-up work done while the parent prepares the request

        from planner import model  # noqa: F401

        request = pickle.loads(sys.stdin.buffer.read())
        send("done", solve_here(request, send))
    except Exception as exc:  # the parent raises it with this sentence
        send("error", f"{exc.__class__.__name__}: {exc}")
    out.close()


# ---------------------------------------------------------------------------------------------
# the solve itself (in the child)


def solve_here(
    request: Request, notify: Callable[[str, object], None] = lambda kind, value: None
) -> tuple[Allocation, Marginals | None]:
    """Build the model, run the solver, read status and bound; `notify` brackets solver calls."""
    import pulp

    from planner import model

    inst = request.inst
    built = model.build(
        inst,
        elastic=request.elastic,
        explicit_capacity=request.marginals,
        gap=request.gap if request.tie_break else 0.0,
    )
    prob = built.prob
    started = time.perf_counter()
    # named after this process: a later solve removes it if this one is killed
    with temp_dir("dudao-solve-") as tmp:
        log = Path(tmp) / "cbc.log" if request.solver == "cbc" else None
        command = _command(request.solver, request.time_limit_s, request.gap, log, inst.n_branches)
        command.tmpDir = tmp  # CBC's model and solution files too
        notify("solving", request.time_limit_s)
        prob.solve(command)
        notify("idle", None)
        seconds = time.perf_counter() - started
        status = pulp.LpStatus[prob.status]
        has_solution = prob.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
        if status != "Infeasible" and not has_solution and seconds < 0.9 * request.time_limit_s:
            raise RuntimeError(
                f"the {request.solver} solver stopped without an answer (status {status}) "
                f"after {seconds:.1f} s"
            )
        if status == "Infeasible" or not has_solution:
            empty = Allocation(
                status=SolveStatus.INFEASIBLE if status == "Infeasible" else SolveStatus.NO_SOLUTION,
                visits=np.zeros(inst.n_branches, int),
                seconds=seconds,
            )
            return empty, None
        # the solver's objective includes the tie-break; the contract's does not
        with_ties = float(pulp.value(prob.objective) or 0.0) + built.offset
        objective = model.contract_objective(built)
        if request.solver == "cbc":
            assert log is not None
            optimal = prob.sol_status == pulp.LpSolutionOptimal
            bound = _cbc_bound(log, with_ties - built.offset, optimal) + built.offset
        else:
            bound = _highs_bound(prob, with_ties, built.offset, request.elastic)
    rel_gap = abs(bound - with_ties) / max(abs(with_ties), 1e-9)
    status_ = SolveStatus.OPTIMAL if rel_gap <= request.gap + 1e-9 else SolveStatus.FEASIBLE
    # a proven bound on the contract's objective (the tie-break is at least -epsilon)
    bound = max(bound + built.epsilon, objective) if built.epsilon else bound
    alloc = model.allocation(built, status_, objective=objective, bound=bound, seconds=seconds)
    marginals = None
    if request.marginals:
        model.drop_balance_rows(built)
        notify("solving", request.time_limit_s)
        prob.solve(_lp_relaxation(request.time_limit_s))
        notify("idle", None)
        marginals = model.marginals(built)
    return alloc, marginals


def _command(name: str, time_limit_s: float, gap: float, log: Path | None, n_branches: int) -> Any:
    import pulp

    if name == "cbc":
        return pulp.PULP_CBC_CMD(
            msg=False, timeLimit=time_limit_s, gapRel=gap, threads=1, logPath=str(log) if log else None
        )
    # one thread: several solves run side by side on a planner's few cores
    return pulp.HiGHS(
        msg=False,
        timeLimit=time_limit_s,
        gapRel=gap,
        threads=1,
        random_seed=0,
        mip_feasibility_tolerance=1e-7,
        presolve="on" if n_branches <= PRESOLVE_UP_TO_BRANCHES else "off",
    )


def _lp_relaxation(time_limit_s: float) -> Any:
    import pulp

    return pulp.HiGHS(mip=False, msg=False, threads=1, timeLimit=time_limit_s)


def _highs_bound(prob: Any, objective: float, offset: float, elastic: bool) -> float:
    """HiGHS minimises -objective when maximising: its dual bound comes back negated."""
    info = prob.solverModel.getInfo()
    bound = float(info.mip_dual_bound) if elastic else -float(info.mip_dual_bound)
    return bound + offset if math.isfinite(bound) else objective


def _cbc_bound(log: Path, objective: float, optimal: bool) -> float:
    text = log.read_text(errors="replace") if log.exists() else ""
    # CBC reports in its own (minimisation) sense; with -max the values are negated in the log
    found = re.findall(r"(?:Lower|Upper) bound:\s*(-?[\d.eE+]+)", text)
    if found:
        return max(abs(float(found[-1])), objective)
    return objective if optimal else math.inf
