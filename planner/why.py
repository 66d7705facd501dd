"""Why each branch is, or is not, visited: read from the solved plan, in Chinese and English.

A visited branch is there for a mandatory reason (weak-and-lax, overdue, ...), because its visits
were kept from an earlier plan, or for its risk rank within its district. An unvisited branch
with lower risk than every visited branch of its district needs no more words. For an unvisited
branch that is riskier than a visited one of its district, the reason comes from the solved
allocation: which supervisors may visit it at all (conflict of interest, county), whether they
have a free slot in the weeks planned (capacity slack of the solution), what the least valuable
visit they could give up is worth, the travel cost, and — for the riskiest few, through a
targeted re-solve with a visit forced there — how much risk addressed a visit would cost.

Pure functions: no solver here (the re-solve is a callback the pipeline passes in).
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from planner.labels import MANDATORY_REASONS as REASONS
from planner.labels import WHY_TEXT as TEXT
from planner.problem import Instance

RESOLVE_TOP = 1  # unvisited branches explained with a re-solve (the riskiest; ~1 solve each)
NAMED_SUPERVISORS = 4  # more candidates than this are counted, not named


class WhyKind(enum.Enum):
    MANDATORY = "mandatory"
    KEPT = "kept"
    RANK = "rank"
    LOWER = "lower"
    NO_SUPERVISOR = "no_supervisor"
    FULL = "full"
    TRAVEL = "travel"
    TOLERANCE = "tolerance"


@dataclass(frozen=True)
class Why:
    """The reason for one branch; `render` turns it into a sentence."""

    kind: WhyKind
    district: str
    risk: float
    reasons: tuple[str, ...] = ()  # MANDATORY: reason codes
    rank: int = 0  # RANK: 1 = riskiest of its district
    of: int = 0  # RANK: branches in the district
    lowest_visited: float = 0.0  # LOWER and the comparison of the unvisited
    lowest_note: str = ""  # why the lowest visited branch was visited: a reason code or "other:<sid>"
    supervisors: tuple[str, ...] = ()  # the allowed (FULL) or free (TRAVEL, TOLERANCE) supervisors
    n_allowed: int = 0
    excluded: tuple[str, ...] = ()  # supervisors with a free slot who must keep away (conflict of interest)
    county: str = ""  # NO_SUPERVISOR: the county with no supervisor
    weeks: tuple[int, int] = (1, 1)  # the weeks planned
    least_value: float | None = None  # FULL: the least valuable visit the allowed could give up
    least_branch: str = ""
    least_visit_no: int = 0
    own_value: float = 0.0  # FULL: what a visit here adds (its risk, less travel)
    share_district: str = ""  # FULL: a cheaper visit is held by this district's share
    travel_penalty: float = 0.0
    gap: float = 0.0
    cost: float | None = None  # re-solved: risk addressed lost by forcing a visit here (inf: impossible)


def _join(items: Sequence[str], lang: str) -> str:
    if lang == "en" and len(items) == 2:
        return f"{items[0]} and {items[1]}"
    return TEXT["and"][lang].join(items)


def _num(x: float) -> str:
    return f"{x:.1f}"


def reason_label(code: str, lang: str) -> str:
    return REASONS.get(code, {}).get(lang, code)


def reasons_text(codes: str | Sequence[str], lang: str) -> str:
    """Mandatory reason codes ("weak_lax, overdue") in words."""
    items = [c.strip() for c in codes.split(",")] if isinstance(codes, str) else list(codes)
    return TEXT["and"][lang].join(reason_label(c, lang) for c in items if c)


@functools.cache
def _texts(lang: str) -> dict[str, str]:
    return {k: v[lang] for k, v in TEXT.items()}


def render(w: Why, lang: str) -> str:
    """The reason as a sentence in `lang` (zh | en)."""
    T = _texts(lang)
    if w.kind is WhyKind.MANDATORY:
        return T["mandatory"].format(reasons=reasons_text(w.reasons, lang))
    if w.kind is WhyKind.KEPT:
        return T["kept"]
    if w.kind is WhyKind.RANK:
        return T["rank"].format(risk=_num(w.risk), district=w.district, rank=w.rank, of=w.of)
    if w.kind is WhyKind.LOWER:
        return T["lower"].format(risk=_num(w.risk), district=w.district, lowest=_num(w.lowest_visited))
    parts: list[str] = []
    own = _num(w.risk)
    if w.kind is WhyKind.NO_SUPERVISOR:
        if w.excluded:
            parts.append(T["no_supervisor_excluded"].format(sups=_join(w.excluded, lang)))
        elif w.county:
            parts.append(T["no_supervisor_county"].format(county=w.county))
        else:
            parts.append(T["no_supervisor_time"])
    elif w.kind is WhyKind.FULL:
        if w.excluded:
            parts.append(T["excluded_free"].format(sups=_join(w.excluded, lang)))
        a, b = w.weeks
        if w.supervisors:
            key = "full_one" if len(w.supervisors) == 1 else "full_named"
            parts.append(T[key].format(sups=_join(w.supervisors, lang), a=a, b=b))
        else:
            parts.append(T["full_all"].format(n=w.n_allowed, a=a, b=b))
        if w.least_value is None:
            parts.append(T["only_mandatory"])
        else:
            key = "least" if w.least_value >= w.own_value - 1e-6 else "least_below"
            travel = T["after_travel"] if w.own_value < w.risk - 1e-9 else ""
            parts.append(
                T[key].format(
                    value=_num(w.least_value),
                    branch=w.least_branch,
                    no=w.least_visit_no,
                    own=_num(w.own_value),
                    travel=travel,
                )
            )
        if w.share_district:
            parts.append(T["share_held"].format(district=w.share_district))
    elif w.kind is WhyKind.TRAVEL:
        parts.append(
            T["travel"].format(
                sups=_join(w.supervisors, lang), district=w.district, penalty=f"{w.travel_penalty:g}", own=own
            )
        )
    elif w.kind is WhyKind.TOLERANCE:
        parts.append(T["tolerance"].format(sups=_join(w.supervisors, lang), gap=f"{w.gap:.2%}"))
    if w.lowest_note:
        note = w.lowest_note
        if note.startswith("other:"):
            note = T["by_other"].format(sid=note.removeprefix("other:"))
        else:
            note = T["mandatory"].format(reasons=reasons_text(note, lang))
        parts.append(T["lowest"].format(district=w.district, lowest=_num(w.lowest_visited), note=note))
    elif w.lowest_visited and w.kind is not WhyKind.NO_SUPERVISOR:
        parts.append(T["lowest_plain"].format(district=w.district, lowest=_num(w.lowest_visited)))
    if w.cost is not None:
        if np.isfinite(w.cost):
            parts.append(T["cost"].format(cost=_num(max(w.cost, 0.0))))  # -0.0 of rounding
        else:
            parts.append(T["cost_none"])
    return T["sep"].join(parts)


@dataclass(frozen=True)
class PlanFacts:
    """What `explain` reads: the model's instance, the solved visits and the branch table."""

    inst: Instance
    branch_ids: Sequence[str]
    names: Sequence[str]
    districts: Sequence[str]
    counties: Sequence[str]
    visits_per_branch: np.ndarray
    responsible: Sequence[str]  # per branch: the supervisor id visiting it ("" none)
    mandatory_reason: Sequence[str]  # per branch: reason codes, "" none
    mandatory_visits: np.ndarray
    supervisor_ids: Sequence[str]
    supervisor_counties: Sequence[str]
    district_names: Sequence[str]  # by the model's district index
    excluded: Sequence[Sequence[str]]  # per supervisor: excluded branch ids
    visits: pd.DataFrame  # branch_id, supervisor_id, week, visit_no (the solved plan)
    gap: float = 0.0


@dataclass
class _GroupFacts:
    """What a group's unvisited branches share in their reason (see `explain`)."""

    free: list[int]  # allowed supervisors with a free slot, by position
    travel: dict[int, float]  # per allowed supervisor: the travel penalty of a visit here
    best: int = -1  # free: the one whose visit would be worth most
    chosen: int | None = None  # none free: whose least valuable visit is the closest swap
    named: tuple[str, ...] = ()
    share_district: str = ""


def explain(facts: PlanFacts) -> list[Why]:
    """One `Why` per branch; what a visit to the riskiest unvisited branches would cost is added
    by `with_costs` (a re-solve each, chosen by `to_price`)."""
    f, inst = facts, facts.inst
    n, weeks, first = inst.n_branches, inst.weeks, inst.from_week
    risk = inst.risk
    b_pos = {bid: i for i, bid in enumerate(f.branch_ids)}
    s_pos = {sid: i for i, sid in enumerate(f.supervisor_ids)}
    visited = f.visits_per_branch > 0
    districts = np.asarray(f.districts, dtype=object)

    # the solution's load and each supervisor's least valuable visit that could be given up:
    # not kept, not mandatory, and not a first visit a district's share still needs
    load = np.zeros_like(inst.capacity)
    least: dict[int, tuple[float, int, int]] = {}  # supervisor -> (value, branch, visit_no)
    v = f.visits
    bi = v["branch_id"].map(b_pos).to_numpy(int)
    si = v["supervisor_id"].map(s_pos).to_numpy(int)
    wk = v["week"].to_numpy(int)
    no = v["visit_no"].to_numpy(int)
    np.add.at(load, (si, wk - 1), 1)
    district_of = np.array([inst.groups[int(g)].district for g in inst.group_of], dtype=int)
    visited_in = np.bincount(district_of[visited], minlength=max(district_of.max(initial=0) + 1, 1))
    share_holds = {d for d, need in inst.district_min_branches.items() if need > 0 and visited_in[d] <= need}
    held: dict[int, tuple[float, int]] = {}  # supervisor -> cheapest visit a share holds (value, district)
    for b, s, w, k in zip(bi.tolist(), si.tolist(), wk.tolist(), no.tolist(), strict=True):
        if w < first or k <= f.mandatory_visits[b]:
            continue  # kept or mandatory: cannot be given up
        value = risk[b] * inst.repeat_value[k - 1]
        if inst.home[s] != district_of[b]:
            value -= inst.travel_penalty
        if k == 1 and district_of[b] in share_holds:
            if s not in held or value < held[s][0]:
                held[s] = (value, int(district_of[b]))
            continue
        if s not in least or value < least[s][0]:
            least[s] = (value, b, int(k))
    slack = (inst.capacity - load)[:, first - 1 :].clip(min=0).sum(axis=1)
    working = inst.capacity[:, first - 1 :].sum(axis=1) > 0

    # per district: its visited branches' lowest risk, and the visited branches ranked by risk
    frame = pd.DataFrame({"d": districts, "r": risk, "v": visited})
    lowest_idx = frame[frame["v"]].groupby("d")["r"].idxmin().to_dict()
    rank = frame.groupby("d")["r"].rank(ascending=False, method="min").to_numpy(int)
    size = frame.groupby("d")["r"].transform("size").to_numpy(int)

    excluded_of: dict[str, list[int]] = {}
    for s, ids in enumerate(f.excluded):
        for bid in ids:
            excluded_of.setdefault(str(bid), []).append(s)

    def comparison(b: int, allowed: set[int]) -> tuple[float, str]:
        c = lowest_idx.get(districts[b])
        if c is None:
            return 0.0, ""
        if f.mandatory_reason[c]:
            return float(risk[c]), str(f.mandatory_reason[c])
        who = f.responsible[c]
        if who and s_pos.get(who, -1) not in allowed:
            return float(risk[c]), f"other:{who}"
        return float(risk[c]), ""

    def _group_facts(g: int, allowed: set[int], district: int) -> _GroupFacts:
        travel = {s: inst.travel_penalty if inst.home[s] != district else 0.0 for s in allowed}
        free = sorted(s for s in allowed if slack[s] > 0)
        if free:
            # the supervisor whose visit here would be worth most: the least travel, then by id
            return _GroupFacts(free=free, travel=travel, best=min(free, key=lambda s: (travel[s], s)))
        # the closest swap: give up s's least valuable visit for a visit here by s (the same s
        # for every branch of the group: the branch's own worth is common to all of them)
        options = [(least[s][0] + travel[s], s) for s in allowed if s in least]
        chosen = min(options)[1] if options else None
        cheaper = [
            held[s] for s in allowed if s in held and (chosen is None or held[s][0] < least[chosen][0])
        ]
        named = (
            tuple(sorted(f.supervisor_ids[s] for s in allowed)) if len(allowed) <= NAMED_SUPERVISORS else ()
        )
        return _GroupFacts(
            free=free,
            travel=travel,
            chosen=chosen,
            named=named,
            share_district=str(f.district_names[min(cheaper)[1]]) if cheaper else "",
        )

    out: list[Why] = []
    per_group: dict[int, _GroupFacts] = {}
    county_staff: dict[str, set[int]] = {}  # working supervisors who may serve a county
    allowed_of: dict[int, set[int]] = {}  # per group: its candidate supervisors
    for b in range(n):
        d = str(districts[b])
        r = float(risk[b])
        if visited[b]:
            if f.mandatory_reason[b]:
                codes = tuple(x.strip() for x in str(f.mandatory_reason[b]).split(",") if x.strip())
                out.append(Why(WhyKind.MANDATORY, d, r, reasons=codes))
            elif inst.pinned_visits(b):
                out.append(Why(WhyKind.KEPT, d, r))
            else:
                out.append(Why(WhyKind.RANK, d, r, rank=int(rank[b]), of=int(size[b])))
            continue
        c = lowest_idx.get(d)
        if c is not None and r <= risk[c] + 1e-9:
            out.append(Why(WhyKind.LOWER, d, r, lowest_visited=float(risk[c])))
            continue
        group = inst.groups[int(inst.group_of[b])]
        g = int(inst.group_of[b])
        if g not in allowed_of:
            allowed_of[g] = set(group.candidates)
        allowed = allowed_of[g]
        lowest, note = comparison(b, allowed)
        base = Why(WhyKind.FULL, d, r, lowest_visited=lowest, lowest_note=note, weeks=(first, weeks))
        county = str(f.counties[b])
        if county not in county_staff:
            county_staff[county] = {
                s
                for s in range(len(f.supervisor_ids))
                if working[s] and (not county or str(f.supervisor_counties[s]) in ("", county))
            }
        same_county = county_staff[county]
        if not allowed:
            excl = [s for s in excluded_of.get(str(f.branch_ids[b]), []) if s in same_county]
            out.append(
                replace(
                    base,
                    kind=WhyKind.NO_SUPERVISOR,
                    excluded=tuple(f.supervisor_ids[s] for s in excl) if excl and same_county else (),
                    county=county if not same_county else "",
                )
            )
            continue
        # what depends only on the group (its supervisors, their slack and home districts) is
        # worked out once per group: a visit's worth differs between supervisors only by travel
        if g not in per_group:
            per_group[g] = _group_facts(g, allowed, group.district)
        facts_g = per_group[g]
        own = r * inst.repeat_value[0]
        if not facts_g.free:
            excl_free = [
                f.supervisor_ids[s]
                for s in excluded_of.get(str(f.branch_ids[b]), [])
                if s in same_county and slack[s] > 0
            ]
            chosen = facts_g.chosen
            out.append(
                replace(
                    base,
                    supervisors=facts_g.named,
                    n_allowed=len(allowed),
                    excluded=tuple(excl_free),
                    least_value=least[chosen][0] if chosen is not None else None,
                    least_branch=str(f.names[least[chosen][1]]) if chosen is not None else "",
                    least_visit_no=least[chosen][2] if chosen is not None else 0,
                    own_value=own - facts_g.travel[chosen] if chosen is not None else r,
                    share_district=facts_g.share_district,
                )
            )
            continue
        ids = tuple(f.supervisor_ids[s] for s in facts_g.free[:NAMED_SUPERVISORS])
        best = facts_g.best
        if own - facts_g.travel[best] <= 1e-9:
            out.append(
                replace(base, kind=WhyKind.TRAVEL, supervisors=ids, travel_penalty=inst.travel_penalty)
            )
        else:
            out.append(
                replace(base, kind=WhyKind.TOLERANCE, supervisors=(f.supervisor_ids[best],), gap=f.gap)
            )
    return out


# the kinds of unvisited branch that are riskier than a visited one of their district and that
# someone may visit (for a NO_SUPERVISOR branch a re-solve would only say so again)
_PRICED_KINDS = frozenset({WhyKind.FULL, WhyKind.TRAVEL, WhyKind.TOLERANCE})


def to_price(whys: Sequence[Why], top: int = RESOLVE_TOP) -> list[int]:
    """The branches whose `Why` gains the cost of a visit (a re-solve each): the `top` riskiest
    unvisited branches someone could visit, ties by position."""
    open_ = [b for b, w in enumerate(whys) if w.kind in _PRICED_KINDS]
    return sorted(open_, key=lambda b: (-whys[b].risk, b))[:top]


def with_costs(
    whys: Sequence[Why], texts: dict[str, list[str]], costs: dict[int, float]
) -> tuple[list[Why], dict[str, list[str]]]:
    """`whys` and their sentences (`columns`) with `costs[b]`, the risk addressed given up when
    branch b must get a visit: only the priced branches' sentences are written again."""
    priced = [replace(w, cost=costs[b]) if b in costs else w for b, w in enumerate(whys)]
    out = {key: list(values) for key, values in texts.items()}
    for b in costs:
        for lang in ("zh", "en"):
            out[f"why_{lang}"][b] = render(priced[b], lang)
    return priced, out


def columns(whys: Sequence[Why]) -> dict[str, list[str]]:
    """branches.csv's `why_zh` and `why_en`."""
    return {f"why_{lang}": [render(w, lang) for w in whys] for lang in ("zh", "en")}
