"""Evidence that planning helps: several quarters of a county under four visit policies.

The model of how branches change, week by week (every branch, every dimension):

    score -= drift_per_week + Normal(0, noise_sd)                     without support
    score += focus_gain + Normal(0, gain_sd)   on a visit's focus dimension
    score += general_gain                      on the visited branch's other dimensions

clipped to 0–100; a visit also sets the branch's last visit date. The random draws depend only
on the seed, the quarter and the week, never on the policy, so every policy meets the same luck.

Policies, each quarter, under the same scenario:
  optimizer      `planner.plan`
  hand_ranking   the spreadsheet baseline (mandatory first, then by risk)
  round_robin    one visit each, longest since the last visit first
  random         one visit each, in a random order

Figures per policy:
  unattended_risk_weeks    Σ over weeks and branches of the risk of branches with no visit in the
                           last 13 weeks (lower is better)
  weeks_sooner_than_round_robin
                           how much sooner, on average, the weakest tenth of the branches (by risk
                           at the start) get their first visit than under round robin
  weak_lax_lifted_share    of the weak-and-lax branches in the high tier at the start, the share
                           out of it at the end
  visits_per_supervisor    mean visits per supervisor per quarter (min–max across supervisors)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from planner import baseline, instance, risk
from planner.datasets import generate
from planner.inputs import Inputs, validate_frames
from planner.plan import plan, visit_table
from planner.scenario import Horizon, Scenario, parse_scenario
from planner.schema import DIMENSIONS

POLICIES = ("optimizer", "hand_ranking", "round_robin", "random")
QUARTER_WEEKS = 13
MEMORY_WEEKS = 13  # a visit in the last quarter counts as attention


@dataclass(frozen=True)
class Dynamics:
    drift_per_week: float = 0.25
    noise_sd: float = 0.6
    focus_gain: float = 8.0
    gain_sd: float = 2.0
    general_gain: float = 2.0


@dataclass(frozen=True)
class Simulation:
    figures: pd.DataFrame  # one row per policy
    weekly_risk: pd.DataFrame  # mean risk per week (rows) and policy (columns)


def _policy_visits(policy: str, inputs: Inputs, scenario: Scenario, rng: np.random.Generator) -> pd.DataFrame:
    if policy == "optimizer":
        return plan(inputs, scenario, workers=1).visits
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
    return visit_table(raw, inputs, scenario, scores)


def _week_draws(seed: int, quarter: int, week: int, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng([seed, quarter, week])
    return rng.normal(0, 1, size=shape), rng.normal(0, 1, size=shape)


def simulate(
    inputs: Inputs,
    scenario: Scenario,
    *,
    quarters: int = 4,
    seed: int = 0,
    dynamics: Dynamics | None = None,
    policies: tuple[str, ...] = POLICIES,
) -> Simulation:
    """Run every policy over `quarters` quarters from the same start and the same draws."""
    dyn = dynamics or Dynamics()
    start = scenario.horizon.start
    first = risk.score(inputs.branches, scenario)
    weakest = first["risk_score"].rank(method="first", ascending=False) <= max(1, len(first) // 10)
    weak_high = inputs.branches["weak_lax"] & (first["risk_tier"] == "高")
    total_weeks = quarters * QUARTER_WEEKS
    rows, weekly = [], {}
    for policy in policies:
        branches = inputs.branches.copy()
        last_week = np.full(len(branches), -(10**6))
        first_visit = np.full(len(branches), total_weeks + 1)
        per_supervisor = pd.Series(0, index=inputs.supervisors["supervisor_id"])
        unattended, means = 0.0, []
        rng = np.random.default_rng([seed, 99])
        for q in range(quarters):
            sc = replace(
                scenario, horizon=Horizon(start + dt.timedelta(weeks=QUARTER_WEEKS * q), QUARTER_WEEKS)
            )
            now = Inputs(branches, inputs.supervisors, inputs.sources)
            visits = _policy_visits(policy, now, sc, rng)
            per_supervisor = per_supervisor.add(visits["supervisor_id"].value_counts(), fill_value=0)
            pos = {bid: i for i, bid in enumerate(branches["branch_id"])}
            scores = branches[list(DIMENSIONS)].to_numpy(float, copy=True)
            for w in range(1, QUARTER_WEEKS + 1):
                noise, gain = _week_draws(seed, q, w, scores.shape)
                scores -= dyn.drift_per_week + dyn.noise_sd * noise
                week_abs = q * QUARTER_WEEKS + w
                for v in visits[visits["week"] == w].itertuples():
                    b, d = pos[v.branch_id], DIMENSIONS.index(str(v.focus))
                    scores[b] += dyn.general_gain
                    scores[b, d] += dyn.focus_gain - dyn.general_gain + dyn.gain_sd * gain[b, d]
                    last_week[b] = week_abs
                    first_visit[b] = min(first_visit[b], week_abs)
                    branches.loc[b, "last_visit"] = sc.horizon.week_start(w)
                np.clip(scores, 0, 100, out=scores)
                branches[list(DIMENSIONS)] = scores
                today = replace(sc, horizon=Horizon(sc.horizon.week_start(w), QUARTER_WEEKS))
                r = risk.score(branches, today)["risk_score"].to_numpy()
                means.append(float(r.mean()))
                unattended += float(r[week_abs - last_week >= MEMORY_WEEKS].sum())
        end = risk.score(
            branches,
            replace(scenario, horizon=Horizon(start + dt.timedelta(weeks=total_weeks), QUARTER_WEEKS)),
        )
        lifted = (end["risk_tier"][weak_high] != "高").mean() if weak_high.any() else np.nan
        counts = per_supervisor / quarters
        rows.append(
            {
                "policy": policy,
                "unattended_risk_weeks": round(unattended, 1),
                "weakest_first_visit_week": round(float(first_visit[weakest].mean()), 2),
                "weak_lax_lifted_share": round(float(lifted), 3),
                "visits_per_supervisor": round(float(counts.mean()), 1),
                "visits_per_supervisor_min": int(counts.min()),
                "visits_per_supervisor_max": int(counts.max()),
                "mean_risk_at_end": round(float(end["risk_score"].mean()), 2),
            }
        )
        weekly[policy] = means
    figures = pd.DataFrame(rows).set_index("policy")
    if "round_robin" in figures.index:
        reference = figures["weakest_first_visit_week"].astype(float)["round_robin"]
        figures.insert(
            2,
            "weeks_sooner_than_round_robin",
            (reference - figures["weakest_first_visit_week"].astype(float)).round(2),
        )
    weekly_risk = pd.DataFrame(weekly, index=pd.RangeIndex(1, total_weeks + 1, name="week"))
    return Simulation(figures=figures, weekly_risk=weekly_risk)


def generated_county(
    n_branches: int = 600, n_supervisors: int = 16, seed: int = 0, start: str = "2027-01-04"
) -> tuple[Inputs, Scenario]:
    """A generated county and the default rules, ready to simulate."""
    county = generate(n_branches, n_supervisors, seed=seed, start=pd.Timestamp(start))
    inputs = validate_frames(
        county.branches.astype(str), county.supervisors.astype(str), horizon_weeks=QUARTER_WEEKS
    )
    scenario = parse_scenario({"name": "simulation", "horizon": {"start": start}, "solver": {"gap": 0.0001}})
    return inputs, scenario


def chart(sim: Simulation) -> Figure:
    fig, ax = plt.subplots(figsize=(8, 3.2), dpi=90)
    styles = {
        "optimizer": "#c0392b",
        "hand_ranking": "#7f8c8d",
        "round_robin": "#2980b9",
        "random": "#bdc3c7",
    }
    for policy in sim.weekly_risk.columns:
        ax.plot(
            sim.weekly_risk.index,
            sim.weekly_risk[policy],
            label=policy,
            color=styles.get(policy),
            linewidth=2 if policy == "optimizer" else 1.3,
        )
    ax.set_xlabel("week")
    ax.set_ylabel("mean risk score")
    ax.legend(frameon=False, ncols=4, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    plt.close(fig)
    return fig
