"""Evidence that planning helps: several quarters of a county under four visit policies.

How branches change is one of a family of named dynamics (`additive`, `proportional`,
`deteriorating`), documented with their defaults and reasoning in `planner/dynamics.toml`.
They are assumptions, not field data; `planner impact` measures the real effect from an
office's own files.

Policies, each quarter, under the same scenario:
  optimizer      `planner.plan`
  hand_ranking   the spreadsheet baseline (mandatory first, then by risk)
  round_robin    one visit each, longest since the last visit first (fixed-interval practice)
  random         one visit each, in a random order

Figures per policy and run (FIGURES; BETTER says which direction is better):
  mean_risk_end        mean risk score at the end
  risk_weeks           Σ over weeks of the mean risk score
  high_tier_end        branches in the 高 tier at the end
  weakest_first_visit  mean week of the first visit of the weakest tenth (by risk at the
                       start); never visited counts as the week after the last
  coverage             share of branches visited at least once in the first 52 weeks
                       (in all the simulated weeks when fewer)
  weak_lax_lifted      of the weak-and-lax branches in 高 at the start, the share out of it at the end
  contact_visited      with the office's year (`year=True`): the share of contact points (联系点)
                       with at least `year.contact_min_visits` visits in the year (history included)
  followups_made       ... of the follow-ups (回头看) due in the quarters, the share made
  responsible_kept     ... of the branches' standing 责任人 in the quarters, the share kept
  visits               visits made (the same capacity for every policy)

With the office's year (`generated_county(..., year=True)`, a `[year]` table in the scenario)
the county has standing 责任人, contact points, rectified branches and a history; every
quarter's plan, the optimizer's and the baselines', obeys the year's rules (`planner.year`:
visits owed, never too late, keep pace, contact points, follow-up, standing 责任人), and after
each quarter its visits are appended to the history and each branch's 责任人 in the plan goes
into the branch file, as `planner record` does. Round robin and random keep their own order
and do not plan the mandatory visits first (as without the year), but the standing 责任人 and
contact supervisors bind them like every plan.

The random draws depend only on the seed, the quarter and the week, never on the policy, so
every policy meets the same luck; `evidence` repeats a run over many seeds (a different
generated county and different luck each) and reports 95 % intervals of every figure and of
the paired differences optimizer − other policy on the same seeds.
"""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from importlib.resources import files
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats
from threadpoolctl import threadpool_limits

from planner import baseline, instance, risk, year
from planner.charts import style
from planner.datasets import generate
from planner.errors import InputError, Problem
from planner.inputs import Inputs, validate_frames, validate_history, with_history
from planner.labels import Lang
from planner.labels import evidence_label as label
from planner.parallel import run_map
from planner.plan import plan, responsibility, visit_table
from planner.record import history_rows, plan_responsible
from planner.scenario import Horizon, Scenario, default_year_start, parse_scenario
from planner.schema import DIMENSIONS
from planner.summary import YearProgress

POLICIES = ("optimizer", "hand_ranking", "round_robin", "random")
DYNAMICS = ("additive", "proportional", "deteriorating")
QUARTER_WEEKS = 13
YEAR_WEEKS = 52
FIGURES = (
    "mean_risk_end",
    "risk_weeks",
    "high_tier_end",
    "weakest_first_visit",
    "coverage",
    "weak_lax_lifted",
    "contact_visited",
    "followups_made",
    "responsible_kept",
    "visits",
)
# the figures of the office's year: NaN (shown "–") without it
YEAR_FIGURES = ("contact_visited", "followups_made", "responsible_kept")
# +1: higher is better, -1: lower is better, 0: not a merit (the same for every policy)
BETTER: dict[str, int] = {
    "mean_risk_end": -1,
    "risk_weeks": -1,
    "high_tier_end": -1,
    "weakest_first_visit": -1,
    "coverage": 1,
    "weak_lax_lifted": 1,
    "contact_visited": 1,
    "followups_made": 1,
    "responsible_kept": 1,
    "visits": 0,
}


class VisitEffect(StrEnum):
    POINTS = "points"  # a visit adds fixed points
    SHARE = "share"  # a visit closes a share of the gap to 100


@dataclass(frozen=True)
class Dynamics:
    """One named dynamics; the meaning of every parameter is in `planner/dynamics.toml`."""

    name: str
    visit_effect: VisitEffect
    drift_per_week: float
    noise_sd: float
    focus_gain: float
    general_gain: float
    focus_share: float
    general_share: float
    gain_sd: float
    support_weeks: int
    weak_drift_per_week: float
    relapse_per_week: float
    relapse_points: float


_PARAMETERS = [f.name for f in fields(Dynamics) if f.name not in ("name", "visit_effect")]
_SHARES = ("focus_share", "general_share", "relapse_per_week")


def _dynamics_tables(text: str, file: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError([Problem(file, f"is not valid TOML: {exc}.")]) from exc


def load_dynamics(name: str, path: Path | None = None) -> Dynamics:
    """The named dynamics: the package's defaults, overridden by `path`'s table of that name."""
    defaults = _dynamics_tables(
        files("planner").joinpath("dynamics.toml").read_text("utf-8"), "dynamics.toml"
    )
    problems: list[Problem] = []
    if name not in DYNAMICS:
        raise InputError(
            [Problem("command line", f"unknown dynamics '{name}'; choose one of {', '.join(DYNAMICS)}.")]
        )
    values: dict[str, Any] = dict(defaults[name])
    if path is not None:
        path = Path(path)
        if not path.is_file():
            raise InputError([Problem(path.name, f"does not exist ({path}).")])
        given = _dynamics_tables(path.read_text("utf-8"), path.name)
        for table, body in given.items():
            if table not in DYNAMICS or not isinstance(body, dict):
                problems.append(
                    Problem(path.name, f"[{table}] is not a dynamics; use {', '.join(DYNAMICS)}.")
                )
                continue
            for key in body:
                if key not in [*_PARAMETERS, "visit_effect"]:
                    problems.append(Problem(path.name, f"unknown key '{table}.{key}'."))
        values.update({k: v for k, v in given.get(name, {}).items() if k in values})
    effect = values["visit_effect"]
    if effect not in tuple(VisitEffect):
        problems.append(
            Problem(str(path or "dynamics.toml"), f"{name}.visit_effect must be points or share.")
        )
    for key in _PARAMETERS:
        v = values[key]
        ok = isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) and v >= 0
        ok = ok and (key not in _SHARES or v <= 1) and (key != "support_weeks" or float(v).is_integer())
        if not ok:
            bound = "between 0 and 1" if key in _SHARES else "a number ≥ 0"
            problems.append(
                Problem(str(path or "dynamics.toml"), f"{name}.{key} must be {bound}, not {v!r}.")
            )
    if problems:
        raise InputError(problems)
    numbers: dict[str, Any] = {k: float(values[k]) for k in _PARAMETERS}
    numbers["support_weeks"] = int(values["support_weeks"])
    return Dynamics(name=name, visit_effect=VisitEffect(effect), **numbers)


# ---------------------------------------------------------------- one quarter of the dynamics


def _week_draws(seed: int, quarter: int, week: int, shape: tuple[int, int]) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng([seed, quarter, week])
    return rng.normal(0, 1, size=shape), rng.normal(0, 1, size=shape), rng.random(shape[0])


@dataclass(frozen=True)
class QuarterPath:
    scores: np.ndarray  # (weeks, branches, dimensions): scores after each week
    last_day: np.ndarray  # (weeks, branches): day of the last visit from the start (NaN: never)


def run_quarter(
    dyn: Dynamics,
    scores: np.ndarray,
    last_day: np.ndarray,
    weak_lax: np.ndarray,
    visits: np.ndarray,
    *,
    seed: int,
    quarter: int,
) -> QuarterPath:
    """13 weeks from `scores` with `visits` (rows: week 1..13, branch position, focus index).

    Days count from the simulation's start; week w of quarter q begins on day 7·(13q + w − 1),
    and a visit that week sets the branch's last visit to that day.
    """
    s = scores.astype(float, copy=True)
    ld = last_day.astype(float, copy=True)
    out_s = np.empty((QUARTER_WEEKS, *s.shape))
    out_ld = np.empty((QUARTER_WEEKS, len(ld)))
    for w in range(1, QUARTER_WEEKS + 1):
        noise, gain, uniform = _week_draws(seed, quarter, w, s.shape)
        today = 7.0 * (quarter * QUARTER_WEEKS + w - 1)
        with np.errstate(invalid="ignore"):
            unsupported = ~(today - ld < 7.0 * dyn.support_weeks)
        deficit = (100.0 - s) / 100.0
        s -= dyn.drift_per_week + dyn.noise_sd * noise
        if dyn.weak_drift_per_week:
            s -= dyn.weak_drift_per_week * deficit * unsupported[:, None]
        if dyn.relapse_per_week:
            s[weak_lax & unsupported & (uniform < dyn.relapse_per_week)] -= dyn.relapse_points
        now = visits[visits[:, 0] == w]
        b, f = now[:, 1], now[:, 2]
        if len(b):
            if dyn.visit_effect is VisitEffect.POINTS:
                add = np.full((len(b), s.shape[1]), dyn.general_gain)
                add[np.arange(len(b)), f] = dyn.focus_gain
            else:
                gap = 100.0 - s[b]
                add = dyn.general_share * gap
                add[np.arange(len(b)), f] = dyn.focus_share * gap[np.arange(len(b)), f]
            add[np.arange(len(b)), f] += dyn.gain_sd * gain[b, f]
            s[b] += add
            ld[b] = today
        np.clip(s, 0, 100, out=s)
        out_s[w - 1], out_ld[w - 1] = s, ld
    return QuarterPath(out_s, out_ld)


# ---------------------------------------------------------------- policies


@dataclass(frozen=True)
class PolicyQuarter:
    """One policy's quarter: its visits and, with the office's year, each branch's 责任人 after
    it (branches.csv `responsible_supervisor_id`) and the year's progress (`planner.year`)."""

    visits: pd.DataFrame
    responsible: pd.Series | None = None
    progress: YearProgress | None = None


def _policy_quarter(
    policy: str, inputs: Inputs, scenario: Scenario, rng: np.random.Generator, *, with_year: bool = False
) -> PolicyQuarter:
    if policy == "optimizer":
        p = plan(inputs, scenario, workers=1, marginals=False)
        if not with_year:
            return PolicyQuarter(p.visits)
        assert p.summary.year is not None
        return PolicyQuarter(p.visits, p.branches["responsible_supervisor_id"], p.summary.year.plan)
    scores = risk.score(inputs.branches, scenario)
    need = instance.mandatory(inputs, scenario, scores["risk_tier"])
    inst = instance.build(inputs, scenario, scores["risk_score"], need.visits)
    if policy == "hand_ranking":
        raw = baseline.hand_ranking(inst)
    else:
        if policy == "round_robin":
            waited = scores["days_since_visit"].fillna(np.inf).to_numpy()
            order = sorted(range(inst.n_branches), key=lambda b: (-waited[b], b))
        else:
            order = [int(b) for b in rng.permutation(inst.n_branches)]
        raw = baseline.hand_ranking(inst, order, rules_first=False, rounds=1)
    visits = visit_table(raw, inputs, scenario, scores)
    if not with_year:
        return PolicyQuarter(visits)
    # the 责任人 and the year's progress exactly as `planner plan` reports them for a plan
    b = inputs.branches
    assert need.year is not None
    stand = instance.resolve_standing(
        inputs, scenario, inst.capacity, need.visits, scores["risk_score"], 1, need.year
    )
    responsible, changed = responsibility(visits, b["branch_id"], stand, inputs.supervisors["supervisor_id"])
    progress = year.progress(b, need.year, visits, stand.named, changed, scenario)
    return PolicyQuarter(visits, responsible, progress)


def _recorded(
    branches: pd.DataFrame, history: pd.DataFrame, quarter: PolicyQuarter
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The next quarter's branch file and history, as `planner record` writes them when every
    visit happened on its week's Monday: each branch's 责任人 from the plan (blank: unchanged),
    the visits appended to the history."""
    visits = quarter.visits
    assert quarter.responsible is not None
    plan_branches = pd.DataFrame(
        {"branch_id": branches["branch_id"], "responsible_supervisor_id": quarter.responsible.to_numpy()}
    )
    kept = plan_responsible(plan_branches)
    branches = branches.assign(
        responsible_supervisor=[
            kept.get(str(bid)) or old
            for bid, old in zip(branches["branch_id"], branches["responsible_supervisor"], strict=True)
        ]
    )
    outcomes = pd.DataFrame(
        {
            "visit_id": visits["visit_id"],
            "branch_id": visits["branch_id"],
            "date": visits["week_start"],
            "happened": True,
            "row": np.arange(len(visits)),
        }
    )
    rows = history_rows(outcomes, visits, plan_branches)
    rows["date"] = [dt.date.fromisoformat(str(d)) for d in rows["date"]]
    history = pd.concat([history[list(rows.columns)], rows], ignore_index=True)
    return branches, history


def _risk(scores: np.ndarray, last_day: np.ndarray, day: float, scenario: Scenario) -> np.ndarray:
    """risk.score's risk_score on arrays, at `day` (days from the start)."""
    w = np.array([float(scenario.weights[d]) for d in DIMENSIONS])
    w_t = scenario.risk.staleness_weight
    stale = np.minimum(np.clip(day - last_day, 0, None) / scenario.risk.staleness_full_days, 1.0)
    stale = np.where(np.isnan(last_day), 1.0, stale)
    return 100.0 * (((100.0 - scores) / 100.0) @ w + w_t * stale) / (w.sum() + w_t)


# ---------------------------------------------------------------- one run


@dataclass(frozen=True)
class History:
    """What an office would have after the quarters under one policy: its branch file at each
    quarter's start and end (every branch re-assessed), the visit log, and the true effect."""

    snapshots: tuple[pd.DataFrame, ...]
    dates: tuple[dt.date, ...]
    visits: pd.DataFrame  # branch_id, supervisor_id, date, focus
    true_effect: float  # mean over visited (branch, focus, quarter) of the focus's gain by the quarter's end
    true_effect_by_dimension: Mapping[str, float]
    true_effects: pd.DataFrame  # per visited (branch_id, period, dimension): the effect

    def true_effect_on_comparable(self) -> float:
        """The true effect averaged over the cells `planner impact` speaks for (`impact.comparable`)."""
        from planner import impact

        p = impact.panel(self.snapshots, self.dates, self.visits)
        p = p.merge(self.true_effects, on=["branch_id", "period", "dimension"], how="left")
        return float(p.loc[(p["treated"] == 1) & impact.comparable(p), "effect"].mean())


@dataclass(frozen=True)
class Simulation:
    figures: pd.DataFrame  # one row per policy, FIGURES as columns
    weekly_risk: pd.DataFrame  # mean risk per week (rows) and policy (columns)
    history: History | None = None


def _snapshot(
    branches: pd.DataFrame, scores: np.ndarray, last_day: np.ndarray, start: dt.date
) -> pd.DataFrame:
    out = branches.copy()
    out[list(DIMENSIONS)] = np.round(scores, 2)
    out["last_visit"] = [
        None if math.isnan(d) else start + dt.timedelta(days=int(d)) for d in last_day.tolist()
    ]
    return out


def simulate(
    inputs: Inputs,
    scenario: Scenario,
    *,
    quarters: int = 4,
    seed: int = 0,
    dynamics: Dynamics | None = None,
    policies: tuple[str, ...] = POLICIES,
    record: str | None = None,
) -> Simulation:
    """Run every policy over `quarters` quarters from the same start and the same draws.

    With `record` (a policy), also return that policy's `History`: the branch files, the visit
    log and the true effect of the visits, by running each quarter again without each focus's
    visits on the same draws. With a `[year]` table in the scenario, every plan obeys the office's
    year and each quarter is recorded (history, 责任人) before the next is planned.
    """
    dyn = dynamics or load_dynamics("additive")
    start = scenario.horizon.start
    first = risk.score(inputs.branches, scenario)
    n = len(first)
    weakest = (first["risk_score"].rank(method="first", ascending=False) <= max(1, n // 10)).to_numpy()
    weak_lax = inputs.branches["weak_lax"].astype(bool).to_numpy()
    weak_high = weak_lax & (first["risk_tier"] == "高").to_numpy()
    last0 = pd.to_datetime(inputs.branches["last_visit"], errors="coerce")
    last_day0 = (last0 - pd.Timestamp(start)).dt.days.astype(float).to_numpy()
    total_weeks = quarters * QUARTER_WEEKS
    ids = inputs.branches["branch_id"].tolist()
    pos = {bid: i for i, bid in enumerate(ids)}
    rows, weekly = [], {}
    history: History | None = None
    with_year = scenario.year.enabled
    empty = pd.DataFrame(columns=["branch_id", "supervisor_id", "date", "focus"])
    contact = (year.contact_supervisor(inputs) != "").to_numpy() if with_year else np.zeros(n, dtype=bool)
    for policy in policies:
        branches = inputs.branches.copy()
        visited = inputs.history if inputs.history is not None else empty
        followups, standing = [0, 0], [0, 0]  # (due, made), (standing, kept) summed over the quarters
        scores = branches[list(DIMENSIONS)].to_numpy(float, copy=True)
        last_day = last_day0.copy()
        first_visit = np.full(n, total_weeks + 1)
        n_visits, means = 0, []
        rng = np.random.default_rng([seed, 99])
        snapshots, dates, log, effects = [], [], [], []
        cells: list[tuple[str, int, str, float]] = []
        effect_dim: dict[int, list[float]] = {d: [] for d in range(len(DIMENSIONS))}
        for q in range(quarters):
            q_start = start + dt.timedelta(weeks=QUARTER_WEEKS * q)
            sc = _quarter_scenario(scenario, q_start)
            now = _snapshot(branches, scores, last_day, start)
            if policy == record:
                snapshots.append(now)
                dates.append(q_start)
            q_inputs = Inputs(now, inputs.supervisors, inputs.sources)
            if with_year:
                q_inputs = with_history(q_inputs, visited)
            done = _policy_quarter(policy, q_inputs, sc, rng, with_year=with_year)
            visits = done.visits
            if done.progress is not None:
                followups[0] += done.progress.followups_due
                followups[1] += done.progress.followups_met
                standing[0] += done.progress.standing
                standing[1] += done.progress.standing_kept
                branches, visited = _recorded(branches, visited, done)
            n_visits += len(visits)
            arr = np.column_stack(
                [
                    visits["week"].to_numpy(int),
                    visits["branch_id"].map(pos).to_numpy(int),
                    visits["focus"].map(DIMENSIONS.index).to_numpy(int),
                ]
            ).reshape(-1, 3)
            path = run_quarter(dyn, scores, last_day, weak_lax, arr, seed=seed, quarter=q)
            for w, b, _ in arr:
                first_visit[b] = min(first_visit[b], q * QUARTER_WEEKS + w)
            for w in range(QUARTER_WEEKS):
                day = 7.0 * (q * QUARTER_WEEKS + w)
                means.append(float(_risk(path.scores[w], path.last_day[w], day, scenario).mean()))
            if policy == record:
                for v, (w, _, f) in zip(visits.itertuples(), arr, strict=True):
                    log.append((v.branch_id, v.supervisor_id, sc.horizon.week_start(int(w)), DIMENSIONS[f]))
                for f in np.unique(arr[:, 2]):
                    without = run_quarter(
                        dyn, scores, last_day, weak_lax, arr[arr[:, 2] != f], seed=seed, quarter=q
                    )
                    treated = np.unique(arr[arr[:, 2] == f, 1])
                    gain = path.scores[-1][treated, f] - without.scores[-1][treated, f]
                    effects.extend(gain.tolist())
                    effect_dim[int(f)].extend(gain.tolist())
                    cells.extend((ids[b], q, DIMENSIONS[f], g) for b, g in zip(treated, gain, strict=True))
            scores, last_day = path.scores[-1].copy(), path.last_day[-1].copy()
        end_day = 7.0 * total_weeks
        end_risk = _risk(scores, last_day, end_day, scenario)
        end_tier = risk.tier(pd.Series(end_risk.round(2)), scenario).to_numpy()
        in_year = min(YEAR_WEEKS, total_weeks)
        rows.append(
            {
                "policy": policy,
                "mean_risk_end": float(end_risk.mean()),
                "risk_weeks": float(sum(means)),
                "high_tier_end": int((end_tier == "高").sum()),
                "weakest_first_visit": float(first_visit[weakest].mean()),
                "coverage": float((first_visit <= in_year).mean()),
                "weak_lax_lifted": float((end_tier[weak_high] != "高").mean()) if weak_high.any() else np.nan,
                "contact_visited": _contact_visited(ids, contact, visited, scenario) if with_year else np.nan,
                "followups_made": followups[1] / followups[0] if followups[0] else np.nan,
                "responsible_kept": standing[1] / standing[0] if standing[0] else np.nan,
                "visits": n_visits,
            }
        )
        weekly[policy] = means
        if policy == record:
            end = start + dt.timedelta(weeks=total_weeks)
            history = History(
                snapshots=(*snapshots, _snapshot(branches, scores, last_day, start)),
                dates=(*dates, end),
                visits=pd.DataFrame(log, columns=["branch_id", "supervisor_id", "date", "focus"]),
                true_effect=float(np.mean(effects)) if effects else np.nan,
                true_effect_by_dimension={
                    DIMENSIONS[d]: float(np.mean(v)) for d, v in effect_dim.items() if v
                },
                true_effects=pd.DataFrame(cells, columns=["branch_id", "period", "dimension", "effect"]),
            )
    figures = pd.DataFrame(rows).set_index("policy")
    weekly_risk = pd.DataFrame(weekly, index=pd.RangeIndex(1, total_weeks + 1, name="week"))
    return Simulation(figures=figures, weekly_risk=weekly_risk, history=history)


def _quarter_scenario(scenario: Scenario, q_start: dt.date) -> Scenario:
    """The scenario of the quarter starting `q_start`; with the office's year, a quarter past the
    first year's end belongs to the year it starts in (its 1 January)."""
    sc = replace(scenario, horizon=Horizon(q_start, QUARTER_WEEKS))
    if scenario.year.enabled and q_start >= scenario.year_start + dt.timedelta(weeks=YEAR_WEEKS):
        sc = replace(sc, year=replace(scenario.year, start=default_year_start(q_start)))
    return sc


def _contact_visited(ids: list[str], contact: np.ndarray, history: pd.DataFrame, scenario: Scenario) -> float:
    """The share of contact points with `year.contact_min_visits` visits in the (first) year."""
    if not contact.any():
        return np.nan
    first = scenario.year_start
    dates = history["date"]
    counted = history[(dates >= first) & (dates < first + dt.timedelta(weeks=YEAR_WEEKS))]
    made = pd.Series(ids).map(counted["branch_id"].value_counts()).fillna(0).to_numpy()
    return float((made[contact] >= scenario.year.contact_min_visits).mean())


def generated_county(
    n_branches: int = 600,
    n_supervisors: int = 16,
    seed: int = 0,
    start: str = "2027-01-04",
    *,
    year: bool = False,
) -> tuple[Inputs, Scenario]:
    """A generated county and the default rules, ready to simulate. With `year`, the office's
    year too: standing 责任人, contact points, rectified branches, a history of the past year's
    visits, and a `[year]` table (its defaults) in the scenario."""
    day = pd.Timestamp(start)
    county = generate(n_branches, n_supervisors, seed=seed, start=day, year=year)
    inputs = validate_frames(
        county.branches.astype(str), county.supervisors.astype(str), horizon_weeks=QUARTER_WEEKS
    )
    data: dict[str, Any] = {"name": "simulation", "horizon": {"start": start}, "solver": {"gap": 0.0001}}
    if year:
        assert county.history is not None
        inputs = with_history(inputs, validate_history(county.history.astype(str), day.date()))
        data["year"] = {}
    return inputs, parse_scenario(data)


# ---------------------------------------------------------------- many seeds


@dataclass(frozen=True)
class Job:
    dynamics: Dynamics
    seed: int
    n_branches: int
    n_supervisors: int
    quarters: int
    year: bool = False


def run_job(job: Job) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One seed of one dynamics: (figures per policy, weekly mean risk per policy), long form."""
    inputs, scenario = generated_county(job.n_branches, job.n_supervisors, job.seed, year=job.year)
    with threadpool_limits(1):  # seeds run side by side: one BLAS thread each
        sim = simulate(inputs, scenario, quarters=job.quarters, seed=job.seed, dynamics=job.dynamics)
    figures = sim.figures.reset_index().assign(dynamics=job.dynamics.name, seed=job.seed)
    weekly = (
        sim.weekly_risk.reset_index()
        .melt(id_vars="week", var_name="policy", value_name="mean_risk")
        .assign(dynamics=job.dynamics.name, seed=job.seed)
    )
    return figures, weekly


def interval(values: Sequence[float] | np.ndarray) -> tuple[float, float, float]:
    """Mean and its 95 % t-interval over independent seeds (NaNs left out)."""
    x = np.asarray(values, float)
    x = x[~np.isnan(x)]
    if len(x) == 0:
        return (np.nan, np.nan, np.nan)
    m = float(x.mean())
    if len(x) < 2:
        return (m, np.nan, np.nan)
    half = float(stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x)))
    return (m, m - half, m + half)


class Verdict(StrEnum):
    AHEAD = "ahead"
    LEVEL = "level"
    BEHIND = "behind"


def verdict(figure: str, low: float, high: float) -> Verdict:
    """Ahead only when the interval of optimizer − other excludes 0 on the better side."""
    sign = BETTER[figure]
    if sign == 0 or np.isnan(low) or np.isnan(high) or low <= 0 <= high:
        return Verdict.LEVEL
    better = (low > 0) if sign > 0 else (high < 0)
    return Verdict.AHEAD if better else Verdict.BEHIND


@dataclass(frozen=True)
class Evidence:
    per_seed: pd.DataFrame  # dynamics, seed, policy, FIGURES
    weekly: pd.DataFrame  # dynamics, seed, policy, week, mean_risk
    n_branches: int
    n_supervisors: int
    quarters: int
    year: bool = False  # the office's year's rules (`planner simulate --year`)

    @property
    def seeds(self) -> int:
        return int(self.per_seed["seed"].nunique())

    def table(self) -> pd.DataFrame:
        """Per dynamics, policy and figure: mean, low, high (95 % over seeds)."""
        rows = []
        for (d, p), g in self.per_seed.groupby(["dynamics", "policy"], sort=False):
            for f in FIGURES:
                m, lo, hi = interval(g[f].to_numpy(float))
                # a figure's interval stays within what the figure can be (shares 0-1, counts >= 0)
                lo, hi = max(lo, 0.0), (min(hi, 1.0) if f in _PERCENT else hi)
                rows.append({"dynamics": d, "policy": p, "figure": f, "mean": m, "low": lo, "high": hi})
        return pd.DataFrame(rows)

    def differences(self, reference: str = "optimizer") -> pd.DataFrame:
        """Paired optimizer − other on the same seeds, per dynamics and figure, with a verdict."""
        rows = []
        for d, g in self.per_seed.groupby("dynamics", sort=False):
            ref = g[g["policy"] == reference].set_index("seed")
            for other in [p for p in g["policy"].unique() if p != reference]:
                o = g[g["policy"] == other].set_index("seed").reindex(ref.index)
                for f in FIGURES:
                    if BETTER[f] == 0 or ref[f].isna().all():
                        continue
                    m, lo, hi = interval((ref[f].astype(float) - o[f].astype(float)).to_numpy())
                    rows.append(
                        {
                            "dynamics": d,
                            "versus": other,
                            "figure": f,
                            "difference": m,
                            "low": lo,
                            "high": hi,
                            "verdict": verdict(f, lo, hi).value,
                        }
                    )
        return pd.DataFrame(rows)


def evidence(
    dynamics: Sequence[Dynamics],
    *,
    seeds: int = 20,
    n_branches: int = 250,
    n_supervisors: int = 7,
    quarters: int = 4,
    first_seed: int = 0,
    workers: int | None = None,
    progress: str | None = None,
    year: bool = False,
) -> Evidence:
    """Every dynamics over seeds first_seed..first_seed+seeds-1, the seeds in parallel; with
    `year`, every plan under the office's year's rules (`generated_county(..., year=True)`)."""
    jobs = [
        Job(d, s, n_branches, n_supervisors, quarters, year)
        for d in dynamics
        for s in range(first_seed, first_seed + seeds)
    ]
    results = run_map(run_job, jobs, workers=workers, progress=progress)
    return Evidence(
        per_seed=pd.concat([r[0] for r in results], ignore_index=True),
        weekly=pd.concat([r[1] for r in results], ignore_index=True),
        n_branches=n_branches,
        n_supervisors=n_supervisors,
        quarters=quarters,
        year=year,
    )


# ---------------------------------------------------------------- presentation

_COLOURS = {"optimizer": "#c0392b", "hand_ranking": "#7f8c8d", "round_robin": "#2980b9", "random": "#bdc3c7"}
_DECIMALS = {"mean_risk_end": 2, "risk_weeks": 1, "high_tier_end": 1, "weakest_first_visit": 2, "visits": 0}
_PERCENT = ("coverage", "weak_lax_lifted", *YEAR_FIGURES)


def _fmt(figure: str, x: float) -> str:
    if np.isnan(x):
        return "–"
    if figure in _PERCENT:
        return f"{100 * x:.1f} %"
    return f"{x:,.{_DECIMALS[figure]}f}"


def cell(figure: str, mean: float, low: float, high: float) -> str:
    """'27.31 (27.02 – 27.60)'; signed for differences is the caller's choice."""
    if np.isnan(low):
        return _fmt(figure, mean)
    return f"{_fmt(figure, mean)} ({_fmt(figure, low)} – {_fmt(figure, high)})"


def wide_table(ev: Evidence, lang: Lang = "en", figures: Sequence[str] | None = None) -> pd.DataFrame:
    """Rows dynamics × policy, a column per figure: 'mean (low – high)'. By default every figure
    but the visits; the office's year's figures only when the runs had the year."""
    t = ev.table()
    if figures is None:
        shown = set(t.loc[t["mean"].notna(), "figure"])
        figures = [f for f in FIGURES[:-1] if f not in YEAR_FIGURES or f in shown]
    rows = []
    for (d, p), g in t.groupby(["dynamics", "policy"], sort=False):
        g = g.set_index("figure")
        rows.append(
            {
                label("dynamics", lang): label(str(d), lang),
                label("policy", lang): label(str(p), lang),
                **{label(f, lang): cell(f, *g.loc[f, ["mean", "low", "high"]]) for f in figures},
            }
        )
    return pd.DataFrame(rows)


def difference_table(ev: Evidence, lang: Lang = "en") -> pd.DataFrame:
    """Rows dynamics × other policy, a column per figure: 'difference (low – high) verdict'."""
    t = ev.differences()
    rows = []
    for (d, o), g in t.groupby(["dynamics", "versus"], sort=False):
        g = g.set_index("figure")
        rows.append(
            {
                label("dynamics", lang): label(str(d), lang),
                label("versus", lang): label(str(o), lang),
                **{
                    label(f, lang): f"{cell(f, *g.loc[f, ['difference', 'low', 'high']])} "
                    f"{label(str(g.loc[f, 'verdict']), lang)}"
                    for f in g.index
                },
            }
        )
    return pd.DataFrame(rows)


def chart(ev: Evidence, lang: Lang = "en") -> Figure:
    """Mean risk week by week (mean over seeds), one panel per dynamics."""
    with style():
        return _chart(ev, lang)


def _chart(ev: Evidence, lang: Lang) -> Figure:
    names = list(ev.weekly["dynamics"].unique())
    fig, axes = plt.subplots(1, len(names), figsize=(4 * len(names), 3.2), dpi=90, sharey=True, squeeze=False)
    mean = ev.weekly.groupby(["dynamics", "policy", "week"], sort=False)["mean_risk"].mean()
    for ax, d in zip(axes[0], names, strict=True):
        for p in ev.weekly["policy"].unique():
            s = mean.loc[(d, p)]
            ax.plot(
                s.index,
                s.to_numpy(),
                label=label(p, lang),
                color=_COLOURS.get(p),
                linewidth=2 if p == "optimizer" else 1.3,
            )
        ax.set_title(label(d, lang))
        ax.set_xlabel(label("week", lang))
        ax.spines[["top", "right"]].set_visible(False)
    axes[0][0].set_ylabel(label("weekly_mean_risk", lang))
    axes[0][0].legend(frameon=False, fontsize=8)
    fig.tight_layout()
    plt.close(fig)
    return fig


def difference_chart(ev: Evidence, figure: str = "risk_weeks", lang: Lang = "en") -> Figure:
    """Optimizer − each other policy on one figure, per dynamics, with 95 % intervals."""
    with style():
        return _difference_chart(ev, figure, lang)


def _difference_chart(ev: Evidence, figure: str, lang: Lang) -> Figure:
    t = ev.differences()
    t = t[t["figure"] == figure].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(8, 0.32 * len(t) + 1.2), dpi=90)
    y = np.arange(len(t))[::-1]
    colours = [_COLOURS.get(str(o), "#333") for o in t["versus"]]
    lows, highs, mids = (t[c].to_numpy(float) for c in ("low", "high", "difference"))
    for i, c in enumerate(colours):
        ax.plot([lows[i], highs[i]], [y[i], y[i]], color=c, linewidth=2)
        ax.plot([mids[i]], [y[i]], "o", color=c)
    ax.axvline(0, color="#555", linewidth=0.8)
    ax.set_yticks(
        y,
        [
            f"{label(str(d), lang)} · {label(str(o), lang)}"
            for d, o in zip(t["dynamics"], t["versus"], strict=True)
        ],
    )
    ax.set_xlabel(f"{label('difference', lang)}: {label(figure, lang)}")
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    plt.close(fig)
    return fig


def recovery(
    dynamics: Sequence[Dynamics],
    *,
    n_branches: int = 250,
    n_supervisors: int = 7,
    quarters: int = 4,
    seed: int = 1,
) -> pd.DataFrame:
    """Per dynamics: the optimizer's quarters as an office would record them, what `planner
    impact` estimates from them, and the simulation's true effect on the same cells."""
    from planner import impact

    rows = []
    for dyn in dynamics:
        inputs, scenario = generated_county(n_branches, n_supervisors, seed)
        history = simulate(
            inputs,
            scenario,
            quarters=quarters,
            seed=seed,
            dynamics=dyn,
            policies=("optimizer",),
            record="optimizer",
        ).history
        assert history is not None
        pooled = impact.impact(history.snapshots, history.dates, history.visits).effects[0]
        truth = history.true_effect_on_comparable()
        rows.append(
            {
                "dynamics": dyn.name,
                "true_effect": round(truth, 2),
                "estimate": round(pooled.effect, 2),
                "ci_low": round(pooled.ci_low, 2),
                "ci_high": round(pooled.ci_high, 2),
                "recovered": bool(pooled.ci_low <= truth <= pooled.ci_high),
                "treated": pooled.treated,
                "excluded": pooled.excluded,
            }
        )
    return pd.DataFrame(rows)
