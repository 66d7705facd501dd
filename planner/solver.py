"""Running the solver: HiGHS and CBC options, their output, status and bound, and the guard.

Every solve runs in a child process (an interpreter that imports only this module, the model,
NumPy and HiGHS; PuLP for CBC) with a hard wall-clock deadline: the solver's own time limit plus
`GRACE_S`. HiGHS can spin past its time limit and ignore Ctrl-C (for example on a NaN
coefficient: its callbacks stop being called too), so only a process that can be killed is a
guard that holds. A solve that overruns is killed and raises `SolveTimeoutError`; Ctrl-C (or
any exception) in the parent kills the child at once. The child takes one request after another
(a plan's solve, then its re-solves; a sweep's points), so an interpreter starts once per
process that solves, not once per solve; it runs one HiGHS model at a time with one thread, and
no HiGHS thread pool is ever inherited from the parent.

With HiGHS the model goes in as arrays, and its LP relaxation is solved first: an integral
answer rounded from it within the gap of its bound is proven optimal by that bound; otherwise the
MIP is solved (see `_solve_highs`). The marginal values are the duals of a separate LP (see
`_lp_duals`), computed after the plan in the same process, or, for a large county, in a second
solver process while the first solves the plan (`Child.marginal_values`, `Child.submit`).
"""

from __future__ import annotations

import atexit
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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
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
    dive: bool = True  # HiGHS: round the LP relaxation before the MIP (False: the MIP only)
    plan: bool = True  # False: only the marginal values (with `marginals`), no plan is solved
    # pricing a visit: the branch (by position) that must get a visit; the solver process reuses
    # the model (and its LP's basis) of its earlier request with the same `model_key`, if it has it
    force_visit: int = -1
    model_key: str = ""


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


# ---------------------------------------------------------------------------------------------
# the guard: the parent's side


class Child:
    """A solver process. Started ahead of time, its start-up (NumPy, HiGHS) overlaps the caller's
    own work. It takes one request after another (the process is started again when an earlier
    solve killed it); closed (killed if still running) by `close` or at the end of a `with`."""

    def __init__(self) -> None:
        self.process = _start()
        self.frames = _Frames()
        self.pending: Pending | None = None

    def solve(self, request: Request) -> tuple[Allocation, Marginals | None]:
        """Solve; kill the child when a solver call outlives its limit + GRACE_S, or on Ctrl-C
        (or any other error: a process in an unknown state is not reused)."""
        answer: tuple[Allocation, Marginals | None] = self.submit(request).result()
        return answer

    def marginal_values(self, request: Request) -> Pending:
        """Start computing the marginal values of `request`'s instance (no plan is solved); the
        answer (`Marginals`) is `.result()` of what this returns."""
        return self.submit(replace(request, marginals=True, plan=False))

    def submit(self, request: Request) -> Pending:
        """Send a request and return at once: the child works while the caller goes on, and
        `.result()` waits for the answer (under the same guard as `solve`). One request at a
        time: the answer must be taken before the next is submitted."""
        if self.pending is not None:
            raise RuntimeError("the solver process is still busy with an earlier request")
        if self.process.poll() is not None or self.process.stdin is None or self.process.stdin.closed:
            self.close()
            self.process, self.frames = _start(), _Frames()
        try:
            _send(self.process, request)
        except BaseException:
            self.close()
            raise
        self.pending = Pending(self, request)
        return self.pending

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


class Pending:
    """A request sent to a solver process whose answer has not been read yet."""

    def __init__(self, child: Child, request: Request) -> None:
        self.child, self.request = child, request

    def result(self) -> Any:
        """The answer (waiting for it, at most the solver's time limit + GRACE_S once it is
        solving); the child is killed on a timeout, Ctrl-C or any other error."""
        child = self.child
        try:
            return _receive(child.process, child.frames, self.request)
        except BaseException:
            child.close()
            raise
        finally:
            child.pending = None


def _start() -> subprocess.Popen[bytes]:
    package = Path(__file__).resolve().parent
    return subprocess.Popen(
        [sys.executable, "-I", "-c", _CHILD, str(package)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: CBC's process goes with it
    )


# idle solver processes per process (a planner's worker, a sweep, the app): solves that come
# one after another reuse them instead of starting an interpreter each (~0.3 s); two at most
# (a large county's plan and its marginal values are solved side by side)
IDLE_PER_PROCESS = 2
_idle: dict[int, list[Child]] = {}
_idle_lock = threading.Lock()


def _close_idle() -> None:
    with _idle_lock:
        spare = _idle.pop(os.getpid(), [])
    for child in spare:
        child.close()


atexit.register(_close_idle)


def prestart() -> None:
    """Start this process's solver process now (if it has no idle one), for a solve to come:
    its interpreter and HiGHS start while the caller reads its inputs (`planner plan`)."""
    with _idle_lock:
        spare = _idle.setdefault(os.getpid(), [])
        if not any(c.process.poll() is None for c in spare):
            spare.append(Child())


@contextlib.contextmanager
def borrowed() -> Iterator[Child]:
    """One of this process's idle solver processes (started if there is none, or they are busy
    in other threads or borrowed already), given back afterwards to be reused; closed instead on
    any error, or when it is still busy."""
    with _idle_lock:
        spare = _idle.get(os.getpid(), [])
        child = spare.pop() if spare else None
    if child is None or child.process.poll() is not None:
        child = Child()
    try:
        yield child
    except BaseException:
        child.close()
        raise
    with _idle_lock:
        spare = _idle.setdefault(os.getpid(), [])
        keep = len(spare) < IDLE_PER_PROCESS and child.process.poll() is None and child.pending is None
        if keep:
            spare.append(child)
    if not keep:
        child.close()


def run(request: Request, child: Child | None = None) -> tuple[Allocation, Marginals | None]:
    """Solve in a child process: `child`, if the caller has one (it stays open), else this
    process's idle solver process (see `borrowed`)."""
    if child is not None:
        return child.solve(request)
    with borrowed() as mine:
        return mine.solve(request)


def _send(child: subprocess.Popen[bytes], request: Request) -> None:
    assert child.stdin is not None
    payload = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        child.stdin.write(struct.pack("<Q", len(payload)) + payload)
        child.stdin.flush()
    except BrokenPipeError:
        pass  # the child ended early: its error output says why (`_receive`)


def _receive(child: subprocess.Popen[bytes], frames: _Frames, request: Request) -> Any:
    assert child.stdout is not None and child.stderr is not None
    errors = bytearray()
    deadline: float | None = None
    started = time.monotonic()
    for message in frames.pending():
        deadline = _handle(message, deadline)  # never a result: one request at a time
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
                        if message[0] == "done":
                            return message[1]
                        deadline = _handle(message, deadline)
    code = child.wait()
    last = errors.decode(errors="replace").strip().splitlines()[-1:] or [f"exit status {code}"]
    raise RuntimeError(f"the solver process ended without an answer ({last[0]})")


def _handle(message: tuple[str, Any], deadline: float | None) -> float | None:
    """A progress message from the child: the deadline it sets, or the error it reports."""
    kind, value = message
    if kind == "solving":
        return time.monotonic() + float(value) + GRACE_S
    if kind == "idle":
        return None
    if kind == "error":
        raise RuntimeError(f"in the solver's process: {value}")
    return deadline


class _Frames:
    """Length-prefixed pickles from a byte stream."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def pending(self) -> list[tuple[str, Any]]:
        """Whole messages already received (none between two requests: kept for safety)."""
        return self.feed(b"")

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


# The child imports `planner.solver` without running `planner/__init__.py` (whatever that file
# comes to import): a start-up of NumPy and HiGHS only (PuLP for CBC, when asked).
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
        import highspy  # noqa: F401  -- start-up work done while the parent prepares the request

        from planner import model  # noqa: F401
    except Exception as exc:  # the parent raises it with this sentence
        send("error", f"{exc.__class__.__name__}: {exc}")
    # one request after another, each a length-prefixed pickle, until the parent closes stdin
    stdin = sys.stdin.buffer
    while head := stdin.read(8):
        (size,) = struct.unpack("<Q", head)
        try:
            request = pickle.loads(stdin.read(size))
            answer = solve_here(request, send) if request.plan else marginal_values_here(request, send)
        except Exception as exc:  # the parent raises it with this sentence
            send("error", f"{exc.__class__.__name__}: {exc}")
            continue
        send("done", answer)
    out.close()


# ---------------------------------------------------------------------------------------------
# the solve itself (in the child)


def solve_here(
    request: Request, notify: Callable[[str, object], None] = lambda kind, value: None
) -> tuple[Allocation, Marginals | None]:
    """Build the model, run the solver, read status and bound; `notify` brackets solver calls."""
    from planner import model

    inst = request.inst
    gap = request.gap if request.tie_break else 0.0
    known = _models.get(request.model_key) if request.force_visit >= 0 else None
    if request.force_visit >= 0:
        need = inst.min_visits.copy()
        need[request.force_visit] = max(1, int(need[request.force_visit]))
        inst = replace(inst, min_visits=need)
    warm = None
    if known is not None:
        built, warm = model.with_visit_forced(known[0], request.force_visit), known[1]
    else:
        # capacity rows even where a bound would do: their duals are the marginal values, and
        # the plan does not depend on whether they were asked for
        built = model.build(inst, elastic=request.elastic, explicit_capacity=True, gap=gap)
    started = time.perf_counter()
    notify("solving", request.time_limit_s)
    sol = _solve(built, request, inst.n_branches, warm)
    if request.model_key and request.force_visit < 0 and not request.elastic:
        _models.clear()  # the last model only: a process holds one plan's model at a time
        _models[request.model_key] = (built, sol.basis)
    # the marginal values are those of this model (not of a second one solved for the
    # tie-break below), so they are the same as `marginal_values_here` computes apart
    first = built
    if gap > 0 and not built.epsilon and not request.elastic and sol.status.has_plan:
        # no tie-break, for want of a positive lower bound on the optimum (no mandatory visits):
        # the plan found is one; solve again with the tie-break it allows (an instance without
        # mandatory visits is small or easy), so that equally good plans are told apart as always
        found = model.contract_objective(built, sol.x)
        if found > 0:
            again = model.build(inst, explicit_capacity=True, gap=gap, lower=found)
            request_again = replace(
                request, time_limit_s=request.time_limit_s - (time.perf_counter() - started)
            )
            if request_again.time_limit_s > 0:
                second = _solve(again, request_again, inst.n_branches)
                if second.status.has_plan:
                    built, sol = again, second
    notify("idle", None)
    seconds = time.perf_counter() - started
    if sol.status is SolveStatus.NO_SOLUTION and seconds < 0.9 * request.time_limit_s:
        raise RuntimeError(
            f"the {request.solver} solver stopped without an answer ({sol.note}) after {seconds:.1f} s"
        )
    if not sol.status.has_plan:
        return Allocation(status=sol.status, visits=np.zeros(inst.n_branches, int), seconds=seconds), None
    # the solver's objective includes the tie-break; the contract's does not
    with_ties = model.solver_objective(built, sol.x)
    objective = model.contract_objective(built, sol.x)
    bound = sol.bound + built.offset if math.isfinite(sol.bound) else with_ties
    rel_gap = abs(bound - with_ties) / max(abs(with_ties), 1e-9)
    status_ = SolveStatus.OPTIMAL if rel_gap <= request.gap + 1e-9 else SolveStatus.FEASIBLE
    # a proven bound on the contract's objective (the tie-break is at least -epsilon)
    bound = max(bound + built.epsilon, objective) if built.epsilon else bound
    alloc = model.allocation(built, sol.x, status_, objective=objective, bound=bound, seconds=seconds)
    return alloc, _marginal_values(first, request, notify) if request.marginals else None


def marginal_values_here(
    request: Request, notify: Callable[[str, object], None] = lambda kind, value: None
) -> Marginals:
    """The marginal values of the request's instance without solving for a plan: the duals of
    the LP relaxation of the model `solve_here` builds (the same figures it returns with
    `marginals`), so that they can be computed in a second process while the plan is solved."""
    from planner import model

    gap = request.gap if request.tie_break else 0.0
    return _marginal_values(model.build(request.inst, explicit_capacity=True, gap=gap), request, notify)


def _marginal_values(built: Any, request: Request, notify: Callable[[str, object], None]) -> Marginals:
    """The marginal values of a built model (the duals of its LP relaxation), under the guard."""
    from planner import model

    notify("solving", request.time_limit_s)
    marginals = model.marginals(built, *_lp_duals(built, request.time_limit_s))
    notify("idle", None)
    return marginals


# in a solver process: the model of its last plan, by `Request.model_key`, and its LP's basis,
# for the re-solves that price a visit
_models: dict[str, tuple[Any, Any]] = {}


def _solve(built: Any, request: Request, n_branches: int, warm: Any = None) -> _Solution:
    if request.solver == "cbc":
        return _solve_cbc(built, request)
    return _solve_highs(built, request, n_branches, warm)


@dataclass(frozen=True)
class _Solution:
    """A solver's answer in the model's own sense (maximise, or minimise when elastic)."""

    status: SolveStatus  # OPTIMAL here means "has a solution"; the gap decides the status
    x: np.ndarray
    bound: float = math.nan  # the proven bound on the solver's objective, without the offset
    note: str = ""
    basis: Any = None  # HiGHS: the optimal basis of the LP relaxation (a re-solve may start there)


# the dive: LP re-solves spent rounding fractional columns before the whole MIP is solved
DIVE_STEPS = 300
DIVE_PATIENCE = 40  # steps without fewer fractional columns before the dive gives up
DIVE_SHARE = 0.3  # of the time limit, at most, before the dive gives up
INTEGRAL = 1e-6  # a column this close to an integer is integral


def _highs(built: Any, options: dict[str, Any]) -> Any:
    """The model as a continuous HiGHS model, passed in one call (HiGHS minimises)."""
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    for key, value in options.items():
        h.setOptionValue(key, value)
    inf = highspy.kHighsInf
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = built.n_cols, built.n_rows
    lp.col_cost_ = np.array(built.cost) * (-1.0 if built.maximize else 1.0)
    lp.col_lower_ = np.array(built.lb)
    lp.col_upper_ = np.minimum(np.array(built.ub), inf)
    sense, rhs = np.array(built.row_sense, dtype=int), np.array(built.row_rhs)
    lp.row_lower_ = np.where(sense >= 0, rhs, -inf)
    lp.row_upper_ = np.where(sense <= 0, rhs, inf)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = built.n_cols, built.n_rows
    lp.a_matrix_.start_ = np.array(built.row_start, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(built.row_index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(built.row_value, dtype=float)
    status = h.passModel(lp)
    if status == highspy.HighsStatus.kError:
        raise RuntimeError("HiGHS did not accept the model")
    return h


def _options(request: Request, n_branches: int) -> dict[str, Any]:
    return {
        # one thread: several solves run side by side on a planner's few cores
        "threads": 1,
        "random_seed": 0,
        "time_limit": float(request.time_limit_s),
        "mip_rel_gap": float(request.gap),
        "mip_feasibility_tolerance": 1e-7,
        "presolve": "on" if n_branches <= PRESOLVE_UP_TO_BRANCHES else "off",
    }


def _solve_highs(built: Any, request: Request, n_branches: int, warm: Any = None) -> _Solution:
    """The LP relaxation first: its optimum is a proven bound, and often nearly a plan.

    On a quarter's models the relaxation is tight and its vertex integral or nearly so. The
    branches' visit columns that are integral are fixed, and the fractional columns rounded one
    at a time, each followed by an LP re-solve from the previous basis (a dive, milliseconds a
    step). An integral answer within the gap of the LP bound is proven optimal by that bound.
    Otherwise (a 52-week year's weekly flows do not round) the whole MIP is solved, as before,
    starting from the dive's plan if it found one, and the better of the two bounds is used.

    The marginal values are not taken from this LP (see `_lp_duals`), so that the plan is the
    same whether they are asked for or not.

    `warm`: an LP basis to start from (the plan's, for the re-solve that prices a visit, a model
    with one bound changed). If the dive from it ends nowhere, the LP and the dive are done
    again anew before the MIP: measured on a 5,000-branch county, the warm dive failed where the
    fresh one succeeds (the MIP took 25 s, anew 2 s); on a 10,000-branch one the warm start saved
    0.7 s.
    """
    import highspy

    started = time.perf_counter()
    options = _options(request, n_branches)
    optimal = highspy.HighsModelStatus.kOptimal
    infeasible = (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible)
    integer = np.array(built.integer, dtype=bool)
    n = built.n_cols
    start = None  # an integral solution from the dive, not proven within the gap
    lp_bound = -math.inf  # HiGHS minimises: the LP's optimum is a lower bound on its objective
    basis = None
    for from_basis in [warm, None] if warm is not None else [None]:
        if built.elastic:
            break
        h = _highs(built, {**options, "presolve": "off"})
        if from_basis is not None:
            h.setBasis(from_basis)
        h.run()
        status = h.getModelStatus()
        if status in infeasible:
            return _Solution(SolveStatus.INFEASIBLE, np.zeros(n))
        if status == optimal:
            lp_bound = float(h.getInfo().objective_function_value)
            basis = h.getBasis() if from_basis is None else None
            start = _dive(h, built, integer, started, request) if request.dive else None
            if start is not None:
                value = _objective(start, built)
                # within the gap, and, with a tie-break, within half its unit: the tie-break is worth
                # less than the gap, and a plan the gap allows may have lost it all (the MIP
                # closes the gap on these models, so its plans honour it)
                tolerance = request.gap * max(abs(value), 1e-9)
                if built.epsilon:
                    tolerance = min(tolerance, 0.5 * built.epsilon)
                if value - lp_bound <= tolerance + 1e-9:
                    return _Solution(SolveStatus.OPTIMAL, start, _sense(built, lp_bound), basis=basis)
        if start is not None:
            break  # a plan to start the MIP from
    # not proven by the LP: the whole MIP, on a fresh copy of the model, from the dive's plan
    h = _highs(built, options)
    cols = np.flatnonzero(integer).astype(np.int32)
    h.changeColsIntegrality(len(cols), cols, np.full(len(cols), highspy.HighsVarType.kInteger))
    if start is not None:
        h.setSolution(_start_solution(start))
    h.setOptionValue("time_limit", max(0.1, request.time_limit_s - (time.perf_counter() - started)))
    h.run()
    status = h.getModelStatus()
    if status in infeasible:
        return _Solution(SolveStatus.INFEASIBLE, np.zeros(n))
    if int(h.getInfo().primal_solution_status) != 2:  # no feasible solution
        return _Solution(SolveStatus.NO_SOLUTION, np.zeros(n), note=h.modelStatusToString(status))
    x = np.array(h.getSolution().col_value)
    x = np.where(integer, np.round(x), x)
    mip_bound = float(h.getInfo().mip_dual_bound)
    bound = max(lp_bound, mip_bound) if math.isfinite(mip_bound) else lp_bound
    return _Solution(
        SolveStatus.OPTIMAL, x, _sense(built, bound) if math.isfinite(bound) else math.nan, basis=basis
    )


def _start_solution(x: np.ndarray) -> Any:
    import highspy

    sol = highspy.HighsSolution()
    sol.col_value = x
    sol.value_valid = True
    return sol


def _objective(x: np.ndarray, built: Any) -> float:
    """HiGHS's (minimised) objective of the values `x`."""
    return float(np.dot(built.cost, x)) * (-1.0 if built.maximize else 1.0)


def _dive(h: Any, built: Any, integer: np.ndarray, started: float, request: Request) -> np.ndarray | None:
    """From the solved LP relaxation `h`: an integral solution by rounding, or None.

    The branches' visit columns that are integral are fixed; then fractional columns are fixed
    one at a time to their nearest integer (the other way if that is infeasible), each followed
    by an LP re-solve from the previous basis: the supervisors' assignments before the weekly
    counts, the most fractional first (measured on a 52-week year, where rounding the weekly
    counts first, or the nearest-to-integral first, ends infeasible).
    """
    import highspy

    optimal = highspy.HighsModelStatus.kOptimal
    x = np.array(h.getSolution().col_value)
    primary = np.zeros(len(x), dtype=bool)
    primary[np.array(built.gets_visit, dtype=np.int64).ravel()] = True
    weekly = np.zeros(len(x), dtype=bool)
    weekly[np.array(list(built.kth.values()), dtype=np.int64)] = True
    fixed = np.flatnonzero(primary & integer & (np.abs(x - np.round(x)) <= INTEGRAL)).astype(np.int32)
    if len(fixed):
        h.changeColsBounds(len(fixed), fixed, np.round(x[fixed]), np.round(x[fixed]))
        h.run()  # the LP with the branches' visits fixed, from the previous basis
        if h.getModelStatus() != optimal:
            return None
        x = np.array(h.getSolution().col_value)
    fewest, since = len(x) + 1, 0
    for _ in range(DIVE_STEPS):
        off = np.abs(x - np.round(x))
        frac = integer & (off > INTEGRAL)
        n_frac = int(frac.sum())
        if not n_frac:
            return np.where(integer, np.round(x), x)
        # a dive that stops making progress will not end well: the MIP
        fewest, since = (n_frac, 0) if n_frac < fewest else (fewest, since + 1)
        if since > DIVE_PATIENCE or time.perf_counter() - started > DIVE_SHARE * request.time_limit_s:
            return None
        first = frac & ~weekly
        candidates = np.flatnonzero(first if first.any() else frac)
        j = int(candidates[np.argmax(off[candidates])])
        near = float(np.round(x[j]))
        other = float(np.floor(x[j]) if near > x[j] else np.ceil(x[j]))
        for value in (near, other):
            h.changeColBounds(j, value, value)
            h.run()
            if h.getModelStatus() == optimal:
                break
        else:
            return None
        x = np.array(h.getSolution().col_value)
    return None


def _sense(built: Any, minimised: float) -> float:
    """A value of HiGHS's minimisation in the model's own sense."""
    return -minimised if built.maximize else minimised


def _lp_duals(built: Any, time_limit_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Row and column duals of the LP relaxation without the balance rows: the marginal values.

    The tie-break's busiest-supervisor rows sum the capacity rows and would take their duals, so
    this is a separate LP, with presolve (measured on a 10,000-branch county: 1 s; 4.7 s without
    presolve, 6 s warm-started from the plan's LP basis, against 0.5 s for the plan's LP). No MIP
    is solved for them."""
    import highspy

    h = _highs(built, {"threads": 1, "time_limit": float(time_limit_s), "presolve": "on"})
    balance = np.array(built.balance_rows, dtype=np.int32)
    if len(balance):
        inf = highspy.kHighsInf
        h.changeRowsBounds(len(balance), balance, np.full(len(balance), -inf), np.full(len(balance), inf))
    h.run()
    sol = h.getSolution()
    return np.array(sol.row_dual), np.array(sol.col_dual)


def _solve_cbc(built: Any, request: Request) -> _Solution:
    """CBC through PuLP (the alternative solver): the arrays become a PuLP problem."""
    import pulp

    from planner import model

    prob, xs = model.to_pulp(built)
    # named after this process: a later solve removes it if this one is killed
    with temp_dir("dudao-solve-") as tmp:
        log = Path(tmp) / "cbc.log"
        command = pulp.PULP_CBC_CMD(
            msg=False, timeLimit=request.time_limit_s, gapRel=request.gap, threads=1, logPath=str(log)
        )
        command.tmpDir = tmp  # CBC's model and solution files too
        prob.solve(command)
        status = pulp.LpStatus[prob.status]
        has_solution = prob.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
        if status == "Infeasible":
            return _Solution(SolveStatus.INFEASIBLE, np.zeros(built.n_cols))
        if not has_solution:
            return _Solution(SolveStatus.NO_SOLUTION, np.zeros(built.n_cols), note=f"status {status}")
        x = np.array([v.varValue or 0.0 for v in xs])
        x = np.where(np.array(built.integer, dtype=bool), np.round(x), x)
        value = float(np.dot(built.cost, x))
        optimal = prob.sol_status == pulp.LpSolutionOptimal
        bound = _cbc_bound(log, value, optimal) if built.maximize else value
    return _Solution(SolveStatus.OPTIMAL, x, bound)


def _cbc_bound(log: Path, objective: float, optimal: bool) -> float:
    text = log.read_text(errors="replace") if log.exists() else ""
    # CBC reports in its own (minimisation) sense; with -max the values are negated in the log
    found = re.findall(r"(?:Lower|Upper) bound:\s*(-?[\d.eE+]+)", text)
    if found:
        return max(abs(float(found[-1])), objective)
    return objective if optimal else math.inf
