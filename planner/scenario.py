"""The scenario (方案): rules, weights, capacities and solver settings, loaded from TOML.

Every key has a default, so an empty file is a valid scenario; an unknown key is an error
with a did-you-mean hint, because a typo must never be silently ignored.
"""

from __future__ import annotations

import datetime as dt
import difflib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import tomli_w

from planner.errors import InputError, Problem
from planner.schema import DIMENSIONS


def next_monday(today: dt.date | None = None) -> dt.date:
    day = today or dt.date.today()
    return day + dt.timedelta(days=7 - day.weekday())


@dataclass(frozen=True)
class Horizon:
    start: dt.date
    weeks: int = 13

    def week_start(self, week: int) -> dt.date:
        """The Monday of 1-based `week`."""
        return self.start + dt.timedelta(weeks=week - 1)


@dataclass(frozen=True)
class Rules:
    max_visits_per_branch: int = 3
    min_weeks_between_visits: int = 3
    weak_lax_min_visits: int = 2
    overdue_days: int = 365
    district_min_share: float = 0.0
    repeat_value: tuple[float, ...] = (1.0, 0.5, 0.25)
    one_responsible_supervisor: bool = True
    travel_penalty: float = 0.0
    audit_share: float = 0.0  # share of visit-slots for random low/middle-tier branches
    audit_seed: int = 0
    keep_responsible: bool = True  # a branch with a standing 责任人 keeps that supervisor

    def visit_value(self, k: int) -> float:
        """What the k-th (1-based) visit to a branch is worth, as a share of its risk."""
        return self.repeat_value[k - 1]


@dataclass(frozen=True)
class RiskSettings:
    """Extension of the DOMAIN contract: how time since the last visit and tiers enter risk."""

    staleness_weight: float = 1.0
    staleness_full_days: int = 730
    high_from: float = 45.0
    medium_from: float = 30.0


def default_year_start(start: dt.date) -> dt.date:
    """1 January of the plan's year (a plan starting in the year's last day or two, after its
    52 weeks, starts a year of its own)."""
    first = dt.date(start.year, 1, 1)
    return first if start < first + dt.timedelta(weeks=52) else start


@dataclass(frozen=True)
class YearSettings:
    """The office's year (DOMAIN.md): coverage, contact points and follow-up over 52 weeks."""

    start: dt.date | None = None  # None: 1 January of horizon.start's year
    min_visits: int = 1
    contact_min_visits: int = 2
    followup_months: int = 12
    followup_min_visits: int = 1
    # the visits owed (coverage, contact points) count only when the scenario has a [year]
    # table or a history is given: without them plans are as before
    enabled: bool = False


@dataclass(frozen=True)
class SolverSettings:
    name: str = "highs"
    time_limit_s: float = 60.0
    gap: float = 0.001


@dataclass(frozen=True)
class Scenario:
    horizon: Horizon
    name: str = "督导计划"
    weights: Mapping[str, float] = field(default_factory=lambda: dict.fromkeys(DIMENSIONS, 1.0))
    rules: Rules = field(default_factory=Rules)
    risk: RiskSettings = field(default_factory=RiskSettings)
    solver: SolverSettings = field(default_factory=SolverSettings)
    year: YearSettings = field(default_factory=YearSettings)

    @property
    def year_start(self) -> dt.date:
        """The first day of the office's year this plan serves."""
        return self.year.start or default_year_start(self.horizon.start)

    def with_changes(self, **changes: Any) -> Scenario:
        """A copy with top-level fields replaced (a convenience for sweeps and the workbook)."""
        return replace(self, **changes)


_SECTIONS: dict[str, type] = {
    "rules": Rules,
    "risk": RiskSettings,
    "solver": SolverSettings,
    "year": YearSettings,
}


def _closest(word: str, choices: list[str]) -> str:
    match = difflib.get_close_matches(word, choices, n=1, cutoff=0.5)
    return f" Did you mean '{match[0]}'?" if match else f" Known keys: {', '.join(choices)}."


class _Collector:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.file, message, column=key))


def _number(
    c: _Collector,
    key: str,
    value: Any,
    *,
    low: float,
    high: float | None = None,
    integer: bool = False,
    low_open: bool = False,
) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        c.add(key, f"must be a number, got {value!r}.")
        return None
    if integer and not float(value).is_integer():
        c.add(key, f"must be a whole number, got {value!r}.")
        return None
    too_low = value <= low if low_open else value < low
    if too_low or (high is not None and value > high):
        bound = f"greater than {low}" if low_open else f"at least {low}"
        rng = f"{bound}" + (f" and at most {high}" if high is not None else "")
        c.add(key, f"must be {rng}, got {value!r}.")
        return None
    return int(value) if integer else float(value)


def _check_keys(c: _Collector, data: Mapping[str, Any], allowed: list[str], prefix: str) -> None:
    for key in data:
        if key not in allowed:
            c.add(prefix + key, f"unknown key '{prefix}{key}'.{_closest(key, allowed)}")


def parse_scenario(
    data: Mapping[str, Any], *, file: str = "scenario", today: dt.date | None = None
) -> Scenario:
    """Build a validated Scenario from parsed TOML; raise InputError listing every problem."""
    c = _Collector(file)
    top = ["name", "horizon", "weights", *_SECTIONS]
    _check_keys(c, data, top, "")

    name = data.get("name", "督导计划")
    if not isinstance(name, str) or not name.strip():
        c.add("name", "must be a non-empty text.")
        name = "督导计划"

    hz = _table(c, data, "horizon")
    _check_keys(c, hz, ["start", "weeks"], "horizon.")
    start = hz.get("start", next_monday(today))
    if isinstance(start, str):
        try:
            start = dt.date.fromisoformat(start)
        except ValueError:
            c.add("horizon.start", f"must be a date like 2027-01-04, got {start!r}.")
            start = next_monday(today)
    elif isinstance(start, dt.datetime) or not isinstance(start, dt.date):
        c.add("horizon.start", f"must be a date like 2027-01-04, got {start!r}.")
        start = next_monday(today)
    weeks = _number(c, "horizon.weeks", hz.get("weeks", 13), low=1, high=104, integer=True)

    wt = _table(c, data, "weights")
    _check_keys(c, wt, list(DIMENSIONS), "weights.")
    weights = {d: _number(c, f"weights.{d}", wt.get(d, 1.0), low=0) for d in DIMENSIONS}

    sections: dict[str, Any] = {}
    for section, cls in _SECTIONS.items():
        table = _table(c, data, section)
        names = [f.name for f in fields(cls) if f.name != "enabled"]
        _check_keys(c, table, names, f"{section}.")
        defaults = cls()
        values = {n: table.get(n, getattr(defaults, n)) for n in names}
        sections[section] = _validate_section(c, section, values, defaults)

    if c.problems:
        raise InputError(c.problems)
    rules: Rules = sections["rules"]
    risk: RiskSettings = sections["risk"]
    if sum(weights.values()) + risk.staleness_weight == 0:
        c.add("weights", "every weight is 0, so no branch has any risk; give one a weight.")
    if len(rules.repeat_value) < rules.max_visits_per_branch:
        c.add(
            "rules.repeat_value",
            f"needs a value for each of the {rules.max_visits_per_branch}"
            f" visits allowed per branch, got {len(rules.repeat_value)}.",
        )
    if risk.medium_from > risk.high_from:
        c.add("risk.medium_from", "must not be above risk.high_from.")
    year: YearSettings = sections["year"]
    year_start = year.start or default_year_start(start)
    # as solved: a re-read scenario keeps the same year
    year = replace(year, start=year_start, enabled="year" in data)
    if not year_start <= start < year_start + dt.timedelta(weeks=52):
        c.add(
            "year.start",
            f"the plan starts on {start}, outside the year from {year_start} (52 weeks); "
            "set year.start to the first day of the office's year the plan belongs to.",
        )
    if c.problems:
        raise InputError(c.problems)
    return Scenario(
        horizon=Horizon(start=start, weeks=weeks),
        name=name.strip(),
        weights=weights,
        rules=rules,
        risk=risk,
        solver=sections["solver"],
        year=year,
    )


def _table(c: _Collector, data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    table = data.get(key, {})
    if not isinstance(table, Mapping):
        c.add(key, f"must be a table ([{key}]).")
        return {}
    return table


def _validate_section(c: _Collector, section: str, v: dict[str, Any], defaults: Any) -> Any:
    k = f"{section}."
    if section == "rules":
        repeat = v["repeat_value"]
        if not isinstance(repeat, list | tuple) or not repeat:
            c.add(k + "repeat_value", f"must be a list of numbers like [1.0, 0.5], got {repeat!r}.")
            repeat = defaults.repeat_value
        repeat = tuple(_number(c, k + "repeat_value", x, low=0) or 0.0 for x in repeat)
        flag = v["one_responsible_supervisor"]
        if not isinstance(flag, bool):
            c.add(k + "one_responsible_supervisor", f"must be true or false, got {flag!r}.")
            flag = True
        keep = v["keep_responsible"]
        if not isinstance(keep, bool):
            c.add(k + "keep_responsible", f"must be true or false, got {keep!r}.")
            keep = True
        return Rules(
            max_visits_per_branch=_number(
                c, k + "max_visits_per_branch", v["max_visits_per_branch"], low=1, high=12, integer=True
            ),
            min_weeks_between_visits=_number(
                c, k + "min_weeks_between_visits", v["min_weeks_between_visits"], low=1, integer=True
            ),
            weak_lax_min_visits=_number(
                c, k + "weak_lax_min_visits", v["weak_lax_min_visits"], low=0, integer=True
            ),
            overdue_days=_number(c, k + "overdue_days", v["overdue_days"], low=0, integer=True),
            district_min_share=_number(c, k + "district_min_share", v["district_min_share"], low=0, high=1),
            repeat_value=repeat,
            one_responsible_supervisor=flag,
            travel_penalty=_number(c, k + "travel_penalty", v["travel_penalty"], low=0),
            audit_share=_number(c, k + "audit_share", v["audit_share"], low=0, high=1),
            audit_seed=_number(c, k + "audit_seed", v["audit_seed"], low=0, integer=True),
            keep_responsible=keep,
        )
    if section == "risk":
        return RiskSettings(
            staleness_weight=_number(c, k + "staleness_weight", v["staleness_weight"], low=0),
            staleness_full_days=_number(
                c, k + "staleness_full_days", v["staleness_full_days"], low=1, integer=True
            ),
            high_from=_number(c, k + "high_from", v["high_from"], low=0, high=100),
            medium_from=_number(c, k + "medium_from", v["medium_from"], low=0, high=100),
        )
    if section == "year":
        day = v["start"]
        if isinstance(day, str):
            try:
                day = dt.date.fromisoformat(day)
            except ValueError:
                day = "bad"
        if day is not None and (isinstance(day, dt.datetime) or not isinstance(day, dt.date)):
            c.add(k + "start", f"must be a date like 2027-01-01, got {v['start']!r}.")
            day = None
        return YearSettings(
            start=day,
            min_visits=_number(c, k + "min_visits", v["min_visits"], low=0, high=12, integer=True),
            contact_min_visits=_number(
                c, k + "contact_min_visits", v["contact_min_visits"], low=0, high=52, integer=True
            ),
            followup_months=_number(c, k + "followup_months", v["followup_months"], low=0, integer=True),
            followup_min_visits=_number(
                c, k + "followup_min_visits", v["followup_min_visits"], low=0, high=12, integer=True
            ),
        )
    name = v["name"]
    if not isinstance(name, str) or name.lower() not in ("highs", "cbc"):
        c.add(k + "name", f"must be 'highs' or 'cbc', got {name!r}.")
        name = "highs"
    return SolverSettings(
        name=name.lower(),
        time_limit_s=_number(c, k + "time_limit_s", v["time_limit_s"], low=0, low_open=True),
        gap=_number(c, k + "gap", v["gap"], low=0, high=0.99),
    )


def load_scenario(path: Path | None, *, today: dt.date | None = None) -> Scenario:
    """Read a scenario TOML file (None: all defaults)."""
    if path is None:
        return parse_scenario({}, today=today)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError([Problem(str(path), f"cannot be read: {exc.strerror}.")]) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError([Problem(Path(path).name, f"is not valid TOML: {exc}.")]) from exc
    return parse_scenario(data, file=Path(path).name, today=today)


def scenario_to_dict(s: Scenario) -> dict[str, Any]:
    return {
        "name": s.name,
        "horizon": {"start": s.horizon.start, "weeks": s.horizon.weeks},
        "weights": dict(s.weights),
        "rules": {
            f.name: (list(v) if isinstance(v := getattr(s.rules, f.name), tuple) else v)
            for f in fields(Rules)
        },
        "risk": {f.name: getattr(s.risk, f.name) for f in fields(RiskSettings)},
        "solver": {f.name: getattr(s.solver, f.name) for f in fields(SolverSettings)},
    } | (
        {
            "year": {f.name: getattr(s.year, f.name) for f in fields(YearSettings) if f.name != "enabled"}
            | {"start": s.year_start}
        }
        if s.year.enabled
        else {}
    )


def scenario_to_toml(s: Scenario) -> str:
    """The scenario with every default filled in; parse_scenario reads it back unchanged."""
    return tomli_w.dumps(scenario_to_dict(s))
