"""The scenario (方案): rules, weights, capacities and solver settings, loaded from TOML.

Every setting is described once, in the metadata of its dataclass field (`setting(...)`): its
type, bounds, default, labels and help in Chinese and English. That description drives the
TOML parser and its validation, the workbook's controls, the report's rule table and
`docs/scenario.md` (`planner.guide.scenario_guide()`). `SETTINGS` lists them all, keyed by their TOML path.

Every key has a default, so an empty file is a valid scenario; an unknown key is an error
with a did-you-mean hint, because a typo must never be silently ignored. Every number must be
finite and within its bounds.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

import tomli_w

from planner.errors import InputError, Problem
from planner.labels import yes_no
from planner.schema import DIMENSION_ZH, DIMENSIONS

Kind = Literal["int", "float", "bool", "text", "date", "choice", "floats"]


def next_monday(today: dt.date | None = None) -> dt.date:
    day = today or dt.date.today()
    return day + dt.timedelta(days=7 - day.weekday())


@dataclass(frozen=True)
class Setting:
    """One scenario setting: where it lives in the TOML, what it may be, what it means."""

    key: str  # its TOML path, e.g. "rules.max_visits_per_branch"
    kind: Kind
    default: Any  # None: computed (horizon.start is the next Monday)
    zh: str
    en: str
    help_zh: str
    help_en: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False  # the bound itself is not allowed
    choices: tuple[str, ...] = ()
    step: float = 1.0  # the step of the workbook's control

    @property
    def section(self) -> str:
        return self.key.partition(".")[0] if "." in self.key else ""

    @property
    def name(self) -> str:
        return self.key.rpartition(".")[2]

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def help(self, lang: str) -> str:
        return self.help_zh if lang == "zh" else self.help_en

    def allowed(self) -> str:
        """The allowed values in words, e.g. "a whole number at least 1 and at most 12"."""
        if self.kind == "bool":
            return "true or false"
        if self.kind == "date":
            return "a date like 2027-01-04"
        if self.kind == "text":
            return "a non-empty text"
        if self.kind == "choice":
            return " or ".join(f"'{c}'" for c in self.choices)
        what = "a whole number" if self.kind == "int" else "a number"
        if self.kind == "floats":
            what = "a list of numbers, each"
        parts = []
        if self.low is not None:
            parts.append(f"greater than {_g(self.low)}" if self.low_open else f"at least {_g(self.low)}")
        if self.high is not None:
            parts.append(f"at most {_g(self.high)}")
        return f"{what} {' and '.join(parts)}".strip()

    def format(self, value: Any, lang: str) -> str:
        """A value as the report shows it."""
        if self.kind == "bool":
            return yes_no(bool(value), lang)
        if self.kind == "floats":
            return " / ".join(f"{v:g}" for v in value)
        return str(value)

    def check(self, value: Any, problems: _Collector) -> Any:
        """The value as the scenario holds it, or None after noting what is wrong (or when the
        setting is computed from others and was not given: its default is None)."""
        if value is None and self.default is None:
            return None
        if self.kind == "floats":
            if not isinstance(value, list | tuple) or not value:
                problems.add(self.key, f"must be {self.allowed()}, like [1.0, 0.5], got {value!r}.")
                return None
            items = [self._number(x, problems) for x in value]
            return None if any(x is None for x in items) else tuple(items)
        if self.kind in ("int", "float"):
            return self._number(value, problems)
        if self.kind == "bool":
            if isinstance(value, bool):
                return value
        elif self.kind == "text":
            if isinstance(value, str) and value.strip():
                return value.strip()
        elif self.kind == "choice":
            if isinstance(value, str) and value.lower() in self.choices:
                return value.lower()
        elif self.kind == "date":
            if isinstance(value, str):
                try:
                    return dt.date.fromisoformat(value)
                except ValueError:
                    pass
            elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                return value
        problems.add(self.key, f"must be {self.allowed()}, got {value!r}.")
        return None

    def _number(self, value: Any, problems: _Collector) -> int | float | None:
        wrong = f"must be {self.allowed()}, got {value!r}."
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.add(self.key, wrong)
            return None
        if not math.isfinite(value):
            problems.add(self.key, wrong)
            return None
        if self.kind == "int" and not float(value).is_integer():
            problems.add(self.key, wrong)
            return None
        low_ok = self.low is None or (value > self.low if self.low_open else value >= self.low)
        if not low_ok or (self.high is not None and value > self.high):
            problems.add(self.key, wrong)
            return None
        return int(value) if self.kind == "int" else float(value)


def _g(x: float) -> str:
    return f"{x:g}" if abs(x) < 1e6 else f"{x:,.0f}"


def setting(
    default: Any,
    kind: Kind,
    zh: str,
    en: str,
    help_zh: str,
    help_en: str,
    **bounds: Any,
) -> Any:
    """A dataclass field with its description; the key is filled in from the field's place."""
    spec = {"default": default, "kind": kind, "zh": zh, "en": en, "help_zh": help_zh, "help_en": help_en}
    meta = {"setting": {**spec, **bounds}}
    if default is None:
        return field(metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Horizon:
    start: dt.date = setting(
        None,
        "date",
        "计划起始（周一）",
        "First Monday",
        "计划第一周的周一；缺省为下一个周一。",
        "The Monday of the plan's first week; default: the next Monday.",
    )
    weeks: int = setting(
        13,
        "int",
        "计划周数",
        "Weeks",
        "计划覆盖的周数（一个季度约 13 周）。",
        "How many weeks the plan covers (a quarter is about 13).",
        low=1,
        high=104,
    )

    def week_start(self, week: int) -> dt.date:
        """The Monday of 1-based `week`."""
        return self.start + dt.timedelta(weeks=week - 1)


@dataclass(frozen=True)
class Rules:
    max_visits_per_branch: int = setting(
        3,
        "int",
        "每个组织最多走访次数",
        "Most visits per branch",
        "本期每个组织最多安排的走访次数。",
        "The most visits one branch gets in the plan.",
        low=1,
        high=12,
    )
    min_weeks_between_visits: int = setting(
        3,
        "int",
        "两次走访最少间隔（周）",
        "Weeks between two visits",
        "同一组织的两次走访至少相隔的周数。",
        "Two visits to one branch are at least this many weeks apart.",
        low=1,
        high=104,
    )
    weak_lax_min_visits: int = setting(
        2,
        "int",
        "软弱涣散组织最少走访",
        "Visits to each weak-and-lax branch",
        "每个软弱涣散组织至少安排的走访次数。",
        "Every weak-and-lax (软弱涣散) branch gets at least this many visits.",
        low=0,
        high=12,
    )
    overdue_days: int = setting(
        365,
        "int",
        "超期未督导天数",
        "Overdue after (days)",
        "上次督导距计划起始超过此天数（或从未督导）的组织至少走访一次；0 表示不启用。",
        "A branch last visited more than this many days before the start (or never) gets at "
        "least one visit; 0 switches the rule off.",
        low=0,
        high=36500,
    )
    district_min_share: float = setting(
        0.0,
        "float",
        "各片区最低覆盖比例",
        "Least share visited per district",
        "每个片区至少有此比例的组织得到走访（0–1）。",
        "In every district at least this share of branches is visited (0–1).",
        low=0,
        high=1,
        step=0.05,
    )
    repeat_value: tuple[float, ...] = setting(
        (1.0, 0.5, 0.25),
        "floats",
        "第 1/2/3 次走访的价值",
        "Worth of the 1st/2nd/3rd visit",
        "对同一组织第 1、2、3……次走访的价值，占其风险分的比例；个数不少于最多走访次数。",
        "What the 1st, 2nd, 3rd … visit to a branch is worth, as a share of its risk; one value "
        "for each visit allowed per branch.",
        low=0,
        high=10,
    )
    one_responsible_supervisor: bool = setting(
        True,
        "bool",
        "每个组织一名责任人",
        "One responsible supervisor",
        "同一组织的全部走访由同一名督导员（责任人）完成。",
        "All visits to a branch are made by one supervisor (责任人).",
    )
    travel_penalty: float = setting(
        0.0,
        "float",
        "跨片区走访成本",
        "Travel penalty per visit",
        "督导员到本片区以外走访一次所扣的风险分。",
        "Risk points charged for a visit outside the supervisor's home district.",
        low=0,
        high=1000,
        step=0.5,
    )
    audit_share: float = setting(
        0.0,
        "float",
        "随机抽查占用容量比例",
        "Share of slots for audit visits",
        "留给随机抽查（从中、低风险组织中抽取）的走访容量比例（0–1）。",
        "The share of visit slots reserved for random audit visits to low- and middle-tier branches (0–1).",
        low=0,
        high=1,
        step=0.05,
    )
    audit_seed: int = setting(
        0,
        "int",
        "随机抽查种子",
        "Audit draw seed",
        "随机抽查的随机数种子：相同种子抽中相同组织。",
        "The seed of the audit draws: the same seed draws the same branches.",
        low=0,
        high=2**31 - 1,
    )
    keep_responsible: bool = setting(
        True,
        "bool",
        "保持固定责任人",
        "Keep the standing responsible supervisor",
        "已有责任人的组织，其全部走访由该督导员完成，"
        "除非规则使其无法走访（此时在 branches.csv 中说明原因）。",
        "A branch with a standing 责任人 gets all its visits from that supervisor unless a rule makes "
        "it impossible (then branches.csv says why).",
    )

    def visit_value(self, k: int) -> float:
        """What the k-th (1-based) visit to a branch is worth, as a share of its risk."""
        return self.repeat_value[k - 1]


@dataclass(frozen=True)
class RiskSettings:
    """Extension of the DOMAIN contract: how time since the last visit and tiers enter risk."""

    staleness_weight: float = setting(
        1.0,
        "float",
        "久未督导权重",
        "Staleness weight",
        "距上次督导的时间计入风险的权重；0 表示不计。",
        "How much the time since the last visit counts toward risk; 0 leaves it out.",
        low=0,
        high=100,
        step=0.1,
    )
    staleness_full_days: int = setting(
        730,
        "int",
        "久未督导满分天数",
        "Staleness full after (days)",
        "距上次督导达到此天数（或从未督导）时，久未督导因素取满分。",
        "After this many days without a visit (or never visited) staleness counts in full.",
        low=1,
        high=36500,
    )
    high_from: float = setting(
        45.0,
        "float",
        "高风险起点",
        "High tier from",
        "风险分达到此值为高风险（0–100）。",
        "A branch is in the high tier from this risk score (0–100).",
        low=0,
        high=100,
    )
    medium_from: float = setting(
        30.0,
        "float",
        "中风险起点",
        "Medium tier from",
        "风险分达到此值为中风险，不得高于高风险起点。",
        "A branch is in the medium tier from this risk score; not above the high tier's.",
        low=0,
        high=100,
    )


def default_year_start(start: dt.date) -> dt.date:
    """1 January of the plan's year (a plan starting in the year's last day or two, after its
    52 weeks, starts a year of its own)."""
    first = dt.date(start.year, 1, 1)
    return first if start < first + dt.timedelta(weeks=52) else start


@dataclass(frozen=True)
class YearSettings:
    """The office's year (DOMAIN.md): coverage, contact points and follow-up over 52 weeks."""

    start: dt.date | None = setting(
        None,
        "date",
        "督导年度起始日",
        "First day of the year",
        "督导年度的第一天（年度共 52 周）；缺省为计划起始所在年的 1 月 1 日。",
        "The first day of the office's year (52 weeks); default: 1 January of horizon.start's year.",
    )
    min_visits: int = setting(
        1,
        "int",
        "全覆盖：每年最少走访",
        "Coverage: visits a year",
        "每个组织每年至少走访的次数（全覆盖）；0 表示不启用。",
        "Every branch gets at least this many visits in the year (全覆盖); 0 switches it off.",
        low=0,
        high=12,
    )
    contact_min_visits: int = setting(
        2,
        "int",
        "联系点每年最少走访",
        "Visits a year to a contact point",
        "每个联系点每年至少走访的次数（由其联系领导走访）。",
        "A contact point (联系点) gets at least this many visits in the year, from its contact supervisor.",
        low=0,
        high=52,
    )
    followup_months: int = setting(
        12,
        "int",
        "回头看期限（月）",
        "Follow-up period (months)",
        "整顿销号后在此月数内为回头看期。",
        "After its rectification is accepted (销号) a branch is under follow-up (回头看) "
        "for this many months.",
        low=0,
        high=120,
    )
    followup_min_visits: int = setting(
        1,
        "int",
        "回头看每期最少走访",
        "Follow-up visits per plan",
        "回头看期内的组织在每期计划中至少走访的次数。",
        "A branch under follow-up gets at least this many visits in every plan.",
        low=0,
        high=12,
    )
    # the visits owed (coverage, contact points) count only when the scenario has a [year]
    # table or a history is given: without them plans are as before (not a setting)
    enabled: bool = False


@dataclass(frozen=True)
class SolverSettings:
    name: str = setting(
        "highs",
        "choice",
        "求解器",
        "Solver",
        "所用的整数规划求解器。",
        "The integer-programming solver.",
        choices=("highs", "cbc"),
    )
    time_limit_s: float = setting(
        60.0,
        "float",
        "求解时限（秒）",
        "Time limit (s)",
        "求解的最长时间；到时给出当前最好的计划及其差距。",
        "The longest a solve may take; then the best plan found so far is used, with its gap.",
        low=0,
        low_open=True,
        high=86400,
        step=10,
    )
    gap: float = setting(
        0.001,
        "float",
        "最优性差距",
        "Optimality gap",
        "相对最优性差距达到此值时求解器可以停止。",
        "The relative optimality gap at which the solver may stop.",
        low=0,
        high=0.99,
        step=0.001,
    )


_NAME = Setting(
    key="name",
    kind="text",
    default="督导计划",
    zh="方案名称",
    en="Scenario name",
    help_zh="方案的名称，显示在报告和文件夹名中。",
    help_en="The scenario's name, shown in the report and the plan folder's name.",
)

_SECTIONS: dict[str, type] = {
    "horizon": Horizon,
    "rules": Rules,
    "risk": RiskSettings,
    "solver": SolverSettings,
    "year": YearSettings,
}


def _weight(d: str) -> Setting:
    return Setting(
        key=f"weights.{d}",
        kind="float",
        default=1.0,
        zh=DIMENSION_ZH[d],
        en=d,
        help_zh=f"“{DIMENSION_ZH[d]}”不足计入风险的权重；0 表示不计此维度。",
        help_en=f"How much a deficit in {d} counts toward risk; 0 switches the dimension off.",
        low=0,
        high=100,
        step=0.1,
    )


def _described(section: str, cls: type) -> list[Setting]:
    described = (f for f in fields(cls) if "setting" in f.metadata)  # `enabled` is not a setting
    return [Setting(key=f"{section}.{f.name}", **f.metadata["setting"]) for f in described]


SETTINGS: Mapping[str, Setting] = {
    s.key: s
    for s in [
        _NAME,
        *_described("horizon", Horizon),
        *(_weight(d) for d in DIMENSIONS),
        *(s for section, cls in _SECTIONS.items() if section != "horizon" for s in _described(section, cls)),
    ]
}
SECTIONS: tuple[str, ...] = ("horizon", "weights", "rules", "risk", "solver", "year")


def section_settings(section: str) -> list[Setting]:
    """The settings of one TOML table, in their order."""
    return [s for s in SETTINGS.values() if s.section == section]


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

    def value(self, key: str) -> Any:
        """A setting's value by its TOML path (`rules.travel_penalty`, `weights.training`)."""
        if key == "name":
            return self.name
        section, _, name = key.partition(".")
        if section == "weights":
            return self.weights[name]
        return getattr(getattr(self, section), name)


def _closest(word: str, choices: list[str]) -> str:
    match = difflib.get_close_matches(word, choices, n=1, cutoff=0.5)
    return f" Did you mean '{match[0]}'?" if match else f" Known keys: {', '.join(choices)}."


class _Collector:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.file, message, column=key))


def _check_keys(c: _Collector, data: Mapping[str, Any], allowed: list[str], prefix: str) -> None:
    for key in data:
        if key not in allowed:
            c.add(prefix + key, f"unknown key '{prefix}{key}'.{_closest(key, allowed)}")


def parse_scenario(
    data: Mapping[str, Any], *, file: str = "scenario", today: dt.date | None = None
) -> Scenario:
    """Build a validated Scenario from parsed TOML; raise InputError listing every problem."""
    c = _Collector(file)
    _check_keys(c, data, ["name", *SECTIONS], "")
    values: dict[str, Any] = {}
    for s in SETTINGS.values():
        table = data if not s.section else _table(c, data, s.section)
        default = next_monday(today) if s.key == "horizon.start" else s.default
        values[s.key] = s.check(table.get(s.name, default), c)  # a None default stays None
    for section in SECTIONS:
        known = [s.name for s in section_settings(section)]
        _check_keys(c, _table(c, data, section, quiet=True), known, f"{section}.")
    start = values["horizon.start"]
    if isinstance(start, dt.date) and start.weekday() != 0:
        # weeks run Monday to Friday in the schedule, the calendars and the report: refuse
        # rather than move the plan silently
        monday = start - dt.timedelta(days=start.weekday())
        c.add(
            "horizon.start",
            f"{start} is a {start:%A}; a plan starts on a Monday: use {monday} (that week's Monday) "
            f"or {monday + dt.timedelta(weeks=1)}.",
        )
    if c.problems:
        raise InputError(c.problems)

    def build(section: str) -> dict[str, Any]:
        return {s.name: values[s.key] for s in section_settings(section)}

    rules, risk = Rules(**build("rules")), RiskSettings(**build("risk"))
    weights = build("weights")
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
    year = YearSettings(**build("year"))
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
        horizon=Horizon(**build("horizon")),
        name=values["name"],
        weights=weights,
        rules=rules,
        risk=risk,
        solver=SolverSettings(**build("solver")),
        year=year,
    )


def _table(c: _Collector, data: Mapping[str, Any], key: str, *, quiet: bool = False) -> Mapping[str, Any]:
    table = data.get(key, {})
    if not isinstance(table, Mapping):
        if not quiet and not any(p.column == key for p in c.problems):
            c.add(key, f"must be a table ([{key}]).")
        return {}
    return table


def load_scenario(path: Path | None, *, today: dt.date | None = None) -> Scenario:
    """Read a scenario TOML file (None: all defaults)."""
    if path is None:
        return parse_scenario({}, today=today)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError([Problem(str(path), f"cannot be read: {exc.strerror}.")]) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            raw.decode("gb18030")
            guess = " (it looks like GBK/GB18030, as Notepad saves it on a Chinese Windows)"
        except UnicodeDecodeError:
            guess = ""
        raise InputError(
            [
                Problem(
                    Path(path).name,
                    f"is not UTF-8 text{guess}; a scenario file must be UTF-8: save it again choosing "
                    "the encoding UTF-8.",
                )
            ]
        ) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError([Problem(Path(path).name, f"is not valid TOML: {exc}.")]) from exc
    return parse_scenario(data, file=Path(path).name, today=today)


def scenario_to_dict(s: Scenario) -> dict[str, Any]:
    """The scenario as TOML data: every setting, by section (the year only when it is on)."""
    out: dict[str, Any] = {"name": s.name}
    for section in SECTIONS:
        if section == "year" and not s.year.enabled:
            continue
        out[section] = {
            x.name: (list(v) if isinstance(v := s.value(x.key), tuple) else v)
            for x in section_settings(section)
            if s.value(x.key) is not None  # computed settings left unset are not written
        }
    if s.year.enabled:
        out["year"]["start"] = s.year_start
    return out


def scenario_to_toml(s: Scenario) -> str:
    """The scenario with every default filled in; parse_scenario reads it back unchanged."""
    return tomli_w.dumps(scenario_to_dict(s))
