"""What `summary.json` holds, typed: the plan's figures, its KPIs and the baseline's.

`Summary.to_dict()` / `Summary.from_dict()` are the only place where the JSON's keys are
spelled; everything else reads attributes. The keys are the contract of DOMAIN.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from planner.problem import SolveStatus


@dataclass(frozen=True)
class Kpis:
    """What a planner reads off a plan (or off the hand-ranking baseline)."""

    objective: float
    risk_addressed: float
    visits: int
    branches_visited: int
    high_risk_branches: int
    high_risk_visited_share: float
    risk_share_of_visited_branches: float
    mandatory_visits_required: int
    mandatory_visits_met: int
    mandatory_branches_short: int
    visits_per_supervisor_min: int
    visits_per_supervisor_max: int
    visits_outside_home_district: int
    districts_below_share: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Kpis:
        return cls(**{f.name: data[f.name] for f in fields(cls)})


@dataclass(frozen=True)
class InputChecksum:
    """One input file by name and its SHA-256."""

    file: str
    sha256: str


@dataclass(frozen=True)
class BindingRule:
    rule: str
    cost: float  # risk the plan could address more without the rule (a rate)


@dataclass(frozen=True)
class MarginalValues:
    """Estimates from the LP relaxation's duals (see `planner.problem.Marginals`)."""

    method: str
    one_more_visit_per_week_by_supervisor: Mapping[str, float]
    best_single_extra_slot_by_supervisor: Mapping[str, float]
    one_more_team_visit_every_week: float
    binding_rules: tuple[BindingRule, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "one_more_visit_per_week_by_supervisor": dict(self.one_more_visit_per_week_by_supervisor),
            "best_single_extra_slot_by_supervisor": dict(self.best_single_extra_slot_by_supervisor),
            "one_more_team_visit_every_week": self.one_more_team_visit_every_week,
            "binding_rules": [asdict(r) for r in self.binding_rules],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MarginalValues:
        return cls(
            method=data["method"],
            one_more_visit_per_week_by_supervisor=dict(data["one_more_visit_per_week_by_supervisor"]),
            best_single_extra_slot_by_supervisor=dict(data["best_single_extra_slot_by_supervisor"]),
            one_more_team_visit_every_week=data["one_more_team_visit_every_week"],
            binding_rules=tuple(BindingRule(r["rule"], r["cost"]) for r in data["binding_rules"]),
        )


@dataclass(frozen=True)
class Pinned:
    """A re-plan: the earlier plan whose visits before `from_week` were kept."""

    plan: str
    from_week: int
    kept_visits: int
    returned_visits: int = 0  # visits before from_week logged as not done: back in the pool


@dataclass(frozen=True)
class Capacity:
    """The team's capacity as solved: visit-slots in all, weekly capacity and home per supervisor."""

    visit_slots: int
    weekly_by_supervisor: Mapping[str, int]
    home_district_by_supervisor: Mapping[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "visit_slots": self.visit_slots,
            "weekly_by_supervisor": dict(self.weekly_by_supervisor),
            "home_district_by_supervisor": dict(self.home_district_by_supervisor),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Capacity:
        return cls(
            visit_slots=int(data["visit_slots"]),
            weekly_by_supervisor={str(k): int(v) for k, v in data["weekly_by_supervisor"].items()},
            home_district_by_supervisor={
                str(k): str(v) for k, v in data["home_district_by_supervisor"].items()
            },
        )


@dataclass(frozen=True)
class County:
    """One county of a province: its plan's and its baseline's KPIs (planner.province)."""

    county: str
    n_branches: int
    n_supervisors: int
    supervisors: tuple[str, ...]
    kpis: Kpis
    baseline: Kpis

    def to_dict(self) -> dict[str, Any]:
        return {
            "county": self.county,
            "n_branches": self.n_branches,
            "n_supervisors": self.n_supervisors,
            "supervisors": list(self.supervisors),
            "kpis": self.kpis.to_dict(),
            "baseline": self.baseline.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> County:
        return cls(
            county=str(data["county"]),
            n_branches=data["n_branches"],
            n_supervisors=data["n_supervisors"],
            supervisors=tuple(data["supervisors"]),
            kpis=Kpis.from_dict(data["kpis"]),
            baseline=Kpis.from_dict(data["baseline"]),
        )


@dataclass(frozen=True)
class YearProgress:
    """The office's year after a plan (or after the baseline): coverage, owed visits, contact
    points, follow-ups and standing 责任人, as the report, the app and plan.xlsx show it."""

    year_start: dt.date
    branches: int
    covered_before: int  # branches with min_visits visits this year before the plan
    covered_after: int  # ... counting the plan's visits inside the year
    owed_before: int
    owed_after: int
    owed_by_district: Mapping[str, int]  # visits still owed after the plan
    contact_points: int
    contact_owed_after: int
    followups_due: int
    followups_met: int
    standing: int  # branches with a standing 责任人 (or contact supervisor)
    standing_kept: int
    standing_changed: int  # with a reason in responsible_changed
    pace_required: int
    pace_made: int

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["year_start"] = self.year_start.isoformat()
        d["owed_by_district"] = dict(self.owed_by_district)
        return d

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> YearProgress:
        values = {f.name: data[f.name] for f in fields(cls)}
        values["year_start"] = dt.date.fromisoformat(str(data["year_start"]))
        values["owed_by_district"] = dict(data["owed_by_district"])
        return cls(**values)


@dataclass(frozen=True)
class Year:
    """summary.json's "year": the plan's and the baseline's progress in the office's year."""

    min_visits: int
    plan: YearProgress
    baseline: YearProgress

    def to_dict(self) -> dict[str, Any]:
        return {
            "min_visits": self.min_visits,
            "plan": self.plan.to_dict(),
            "baseline": self.baseline.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Year:
        return cls(
            min_visits=data.get("min_visits", 1),
            plan=YearProgress.from_dict(data["plan"]),
            baseline=YearProgress.from_dict(data["baseline"]),
        )


@dataclass(frozen=True)
class Summary:
    scenario: str
    status: SolveStatus
    objective: float
    bound: float
    gap: float
    solver: str
    solve_seconds: float
    plan_seconds: float
    n_branches: int
    n_supervisors: int
    n_visits: int
    independent_parts: int
    horizon_start: dt.date
    horizon_weeks: int
    kpis: Kpis
    baseline: Kpis
    improvement_over_baseline: float
    inputs: tuple[InputChecksum, ...]
    marginal_values: MarginalValues | None = None
    pinned: Pinned | None = None
    capacity: Capacity | None = None
    counties: tuple[County, ...] = ()  # a province: each county's KPIs
    county: str | None = None  # a county's folder inside a province's plan
    year: Year | None = None
    warnings: tuple[str, ...] = ()  # what reading the inputs noted (e.g. unknown ids in the history)
    history_file: str | None = None  # the history (督导台账) the plan was made with, if any

    def input_digests(self) -> set[str]:
        return {c.sha256 for c in self.inputs}

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of `summary.json`."""
        out: dict[str, Any] = {
            "scenario": self.scenario,
            "status": self.status.value,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "solver": self.solver,
            "solve_seconds": self.solve_seconds,
            "plan_seconds": self.plan_seconds,
            "n_branches": self.n_branches,
            "n_supervisors": self.n_supervisors,
            "n_visits": self.n_visits,
            "independent_parts": self.independent_parts,
            "horizon": {"start": self.horizon_start.isoformat(), "weeks": self.horizon_weeks},
            "kpis": self.kpis.to_dict(),
            "baseline": self.baseline.to_dict(),
            "improvement_over_baseline": self.improvement_over_baseline,
            "inputs": {c.file: c.sha256 for c in self.inputs},
        }
        if self.marginal_values is not None:
            out["marginal_values"] = self.marginal_values.to_dict()
        if self.pinned is not None:
            out["pinned"] = asdict(self.pinned)
        if self.capacity is not None:
            out["capacity"] = self.capacity.to_dict()
        if self.counties:
            out["counties"] = [c.to_dict() for c in self.counties]
        if self.county is not None:
            out["county"] = self.county
        if self.year is not None:
            out["year"] = self.year.to_dict()
        if self.warnings:
            out["warnings"] = list(self.warnings)
        if self.history_file:
            out["history_file"] = self.history_file
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Summary:
        """A summary read back from `summary.json` (keys it does not know are ignored)."""
        horizon = data["horizon"]
        marginal = data.get("marginal_values")
        pinned = data.get("pinned")
        capacity = data.get("capacity")
        year = data.get("year")
        return cls(
            scenario=data["scenario"],
            status=SolveStatus(data["status"]),
            objective=data["objective"],
            bound=data["bound"],
            gap=data["gap"],
            solver=data["solver"],
            solve_seconds=data["solve_seconds"],
            plan_seconds=data.get("plan_seconds", data["solve_seconds"]),
            n_branches=data["n_branches"],
            n_supervisors=data["n_supervisors"],
            n_visits=data["n_visits"],
            independent_parts=data.get("independent_parts", 1),
            horizon_start=dt.date.fromisoformat(horizon["start"]),
            horizon_weeks=horizon["weeks"],
            kpis=Kpis.from_dict(data["kpis"]),
            baseline=Kpis.from_dict(data["baseline"]),
            improvement_over_baseline=data["improvement_over_baseline"],
            inputs=tuple(InputChecksum(f, h) for f, h in data["inputs"].items()),
            marginal_values=MarginalValues.from_dict(marginal) if marginal else None,
            pinned=Pinned(**pinned) if pinned else None,
            capacity=Capacity.from_dict(capacity) if capacity else None,
            counties=tuple(County.from_dict(c) for c in data.get("counties", ())),
            county=data.get("county"),
            year=Year.from_dict(year) if year else None,
            warnings=tuple(data.get("warnings", ())),
            history_file=data.get("history_file"),
        )
