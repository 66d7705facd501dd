"""From validated inputs and risk to the model's plain-array instance, and its independent parts."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from planner import year
from planner.inputs import Inputs
from planner.problem import Group, Instance
from planner.risk import days_since_visit
from planner.scenario import Scenario


@dataclass(frozen=True)
class Mandatory:
    visits: pd.Series  # per branch: mandatory visits
    reason: pd.Series  # per branch: "weak_lax", "overdue", "weak_lax, overdue" or ""
    year: year.YearDemand | None = None  # what the office's year asks of the plan


def mandatory(
    inputs: Inputs, scenario: Scenario, tiers: pd.Series | None = None, from_week: int = 1
) -> Mandatory:
    """Visits the rules demand: weak-and-lax, overdue, (with `tiers`) the audit draw, and the
    year's coverage, contact points and follow-up (never too late)."""
    b = inputs.branches
    rules = scenario.rules
    weak = b["weak_lax"].astype(bool) & (rules.weak_lax_min_visits > 0)
    if rules.overdue_days > 0:
        overdue = days_since_visit(b, scenario).fillna(math.inf) > rules.overdue_days
    else:
        overdue = pd.Series(False, index=b.index)
    audit = pd.Series(False, index=b.index)
    if tiers is not None and rules.audit_share > 0:
        audit = audit_draw(inputs, scenario, tiers, ~(weak | overdue), from_week)
    visits = np.maximum(np.where(weak, rules.weak_lax_min_visits, 0), (overdue | audit).astype(int))
    owed = year.demand(inputs, scenario)
    visits = np.maximum(visits, owed.must.to_numpy(int))
    reason = [
        ", ".join(
            x
            for x in (", ".join(r for r, on in (("weak_lax", w), ("overdue", o), ("audit", a)) if on), y)
            if x
        )
        for w, o, a, y in zip(weak.tolist(), overdue.tolist(), audit.tolist(), owed.reason, strict=True)
    ]
    return Mandatory(pd.Series(visits, index=b.index), pd.Series(reason, index=b.index), owed)


def audit_draw(
    inputs: Inputs, scenario: Scenario, tiers: pd.Series, eligible: pd.Series, from_week: int = 1
) -> pd.Series:
    """Low- and middle-tier branches drawn at random (seeded) for audit visits.

    They take `audit_share` of the visit-slots of the weeks being planned, so the risk scores
    are checked against what supervisors find where the model would not send them.
    """
    rules = scenario.rules
    sups = inputs.supervisors
    weeks = range(from_week, scenario.horizon.weeks + 1)
    slots = sum(
        int(cap) * sum(1 for w in weeks if w not in off)
        for cap, off in zip(sups["weekly_capacity"], sups["unavailable_weeks"], strict=True)
    )
    pool = inputs.branches.loc[eligible & tiers.isin(["中", "低"]), "branch_id"].sort_values()
    count = min(len(pool), math.floor(rules.audit_share * slots))
    rng = np.random.default_rng(rules.audit_seed)
    drawn = set(rng.choice(pool.to_numpy(), size=count, replace=False)) if count else set()
    return inputs.branches["branch_id"].isin(drawn)


def district_names(inputs: Inputs) -> list[str]:
    """Districts in the order of the model's district indices."""
    return sorted(set(inputs.branches["district"]))


def resolve_standing(
    inputs: Inputs,
    scenario: Scenario,
    capacity: np.ndarray,
    need: pd.Series,
    risk: pd.Series,
    from_week: int,
    owed: year.YearDemand,
) -> year.Standing:
    """Each branch's standing 责任人 as this plan keeps it (see `planner.year`); `owed` is the
    year's demand the plan was built with (`Mandatory.year`)."""
    stand = year.standing(inputs, scenario, capacity, from_week)
    slots = capacity[:, from_week - 1 :].sum(axis=1)
    most = scenario.rules.max_visits_per_branch
    need_left = np.minimum(need.to_numpy(int), most)
    due = np.minimum(owed.due.to_numpy(int), most)
    due_slots = capacity[:, from_week - 1 : max(from_week - 1, owed.window.inside)].sum(axis=1)
    return year.release_overloaded(stand, need_left, risk.to_numpy(float), slots, due, due_slots)


def build(
    inputs: Inputs,
    scenario: Scenario,
    risk: pd.Series,
    need: pd.Series,
    pinned: pd.DataFrame | None = None,
    from_week: int = 1,
) -> Instance:
    """`pinned`: visits kept from an earlier plan (branch_id, supervisor_id, week < from_week)."""
    b, s = inputs.branches, inputs.supervisors
    rules = scenario.rules
    districts = district_names(inputs)
    d_index = {d: i for i, d in enumerate(districts)}
    weeks = scenario.horizon.weeks
    capacity = np.repeat(s["weekly_capacity"].to_numpy(int)[:, None], weeks, axis=1)
    for i, off in enumerate(s["unavailable_weeks"]):
        for w in off:
            capacity[i, w - 1] = 0
    excluded: dict[str, set[int]] = {}
    for i, ids in enumerate(s["excluded_branches"]):
        for bid in ids:
            excluded.setdefault(bid, set()).add(i)
    working = capacity.sum(axis=1) > 0
    sup_county = s["county"].to_numpy()
    kept = _kept_visits(b, s, pinned)
    owed = year.demand(inputs, scenario)
    stand = resolve_standing(inputs, scenario, capacity, need, risk, from_week, owed)
    due = np.minimum(owed.due.to_numpy(int), rules.max_visits_per_branch)
    group_index: dict[tuple[int, str, frozenset[int], int, bool, int], int] = {}
    groups: list[Group] = []
    group_of = np.empty(len(b), dtype=int)
    allowed_for: dict[tuple[str, frozenset[int]], tuple[int, ...]] = {}
    for i, (bid, district, county) in enumerate(zip(b["branch_id"], b["district"], b["county"], strict=True)):
        mine, binding = int(stand.supervisor[i]), bool(stand.binding[i])
        key = (d_index[district], county, frozenset(excluded.get(bid, ())), mine, binding, int(due[i]))
        if (county, key[2]) not in allowed_for:
            allowed_for[county, key[2]] = tuple(
                int(j)
                for j in np.flatnonzero(working)
                if j not in key[2] and (not county or sup_county[j] in ("", county))
            )
        allowed = allowed_for[county, key[2]]
        if binding:
            # a contact point, or a standing 责任人 kept (rules.keep_responsible): theirs only
            allowed = tuple(j for j in (mine,) if working[j] and j not in key[2])
        if kept[i]:
            # a branch with kept visits is planned on its own; under 责任人 its responsible
            # supervisor is the one who made the kept visits
            if rules.one_responsible_supervisor:
                made_by = {sup for sup, _ in kept[i]}
                allowed = tuple(j for j in allowed_for[county, key[2]] if made_by == {j})
            group_of[i] = len(groups)
            groups.append(Group(district=key[0], candidates=allowed, pinned=True, standing=mine, due=key[5]))
            continue
        if key not in group_index:
            group_index[key] = len(groups)
            groups.append(Group(district=key[0], candidates=allowed, standing=mine, due=key[5]))
        group_of[i] = group_index[key]
    share_need = {}
    if rules.district_min_share > 0:
        sizes = b["district"].value_counts()
        share_need = {
            d_index[str(d)]: math.ceil(rules.district_min_share * n - 1e-9) for d, n in sizes.items()
        }
    home = np.array([d_index.get(h, -1) for h in s["home_district"]])
    return Instance(
        risk=risk.to_numpy(float),
        group_of=group_of,
        min_visits=need.to_numpy(int),
        groups=tuple(groups),
        district_min_branches=share_need,
        capacity=capacity,
        home=home,
        max_visits=rules.max_visits_per_branch,
        gap=rules.min_weeks_between_visits,
        repeat_value=tuple(rules.repeat_value[: rules.max_visits_per_branch]),
        one_responsible=rules.one_responsible_supervisor,
        travel_penalty=rules.travel_penalty,
        pinned=tuple(kept) if pinned is not None else (),
        from_week=from_week,
        owed=owed.owed.to_numpy(int),
        pace_share=owed.pace_share,
        due_week=min(owed.window.inside, weeks) or weeks,
    )


def _kept_visits(
    b: pd.DataFrame, s: pd.DataFrame, pinned: pd.DataFrame | None
) -> list[tuple[tuple[int, int], ...]]:
    kept: list[list[tuple[int, int]]] = [[] for _ in range(len(b))]
    if pinned is not None:
        b_pos = {bid: i for i, bid in enumerate(b["branch_id"])}
        s_pos = {sid: i for i, sid in enumerate(s["supervisor_id"])}
        for bid, sid, week in zip(pinned["branch_id"], pinned["supervisor_id"], pinned["week"], strict=True):
            kept[b_pos[bid]].append((s_pos[sid], int(week)))
    return [tuple(sorted(k, key=lambda v: (v[1], v[0]))) for k in kept]


@dataclass(frozen=True)
class Part:
    """An independent piece of an instance and where its branches and supervisors came from."""

    instance: Instance
    branches: np.ndarray  # positions in the full instance
    supervisors: np.ndarray


def split(inst: Instance) -> list[Part]:
    """Independent sub-problems: no supervisor, district or rule links two parts."""
    n_g, n_s = len(inst.groups), len(inst.home)
    parent = list(range(n_g + n_s))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(x: int, y: int) -> None:
        parent[find(x)] = find(y)

    first_of_district: dict[int, int] = {}
    for g, group in enumerate(inst.groups):
        union(g, first_of_district.setdefault(group.district, g))
        for s in group.candidates:
            union(g, n_g + s)
    for b, kept in enumerate(inst.pinned):
        for s, _ in kept:  # a kept visit's supervisor, even if no longer a candidate
            union(int(inst.group_of[b]), n_g + s)
    roots: dict[int, int] = {}
    for g in range(n_g):
        roots.setdefault(find(g), len(roots))
    if len(roots) == 1:
        return [Part(inst, np.arange(inst.n_branches), np.arange(n_s))]
    # members of each part in one pass (time linear in the number of counties)
    groups_of: dict[int, list[int]] = {root: [] for root in roots}
    for g in range(n_g):
        groups_of[find(g)].append(g)
    sups_of: dict[int, list[int]] = {root: [] for root in roots}
    for s in range(n_s):
        root = find(n_g + s)
        if root in sups_of:
            sups_of[root].append(s)
    part_of_group = np.empty(n_g, dtype=int)
    for i, root in enumerate(roots):
        part_of_group[groups_of[root]] = i
    order = np.argsort(part_of_group[inst.group_of], kind="stable")
    bounds = np.searchsorted(part_of_group[inst.group_of][order], np.arange(len(roots) + 1))
    parts = []
    for i, root in enumerate(roots):
        gs = groups_of[root]
        ss = np.array(sups_of[root], dtype=int)
        g_new = {g: j for j, g in enumerate(gs)}
        s_new = {int(s): j for j, s in enumerate(ss)}
        bs = np.sort(order[bounds[i] : bounds[i + 1]])
        districts = sorted({inst.groups[g].district for g in gs})
        sub = replace(
            inst,
            risk=inst.risk[bs],
            min_visits=inst.min_visits[bs],
            owed=inst.owed[bs] if len(inst.owed) else inst.owed,
            group_of=np.array([g_new[int(g)] for g in inst.group_of[bs]], dtype=int),
            groups=tuple(
                replace(
                    inst.groups[g],
                    candidates=tuple(s_new[s] for s in inst.groups[g].candidates),
                    standing=s_new.get(inst.groups[g].standing, -1),
                )
                for g in gs
            ),
            pinned=tuple(tuple((s_new[s], w) for s, w in inst.pinned[b]) for b in bs) if inst.pinned else (),
            district_min_branches={
                d: inst.district_min_branches[d] for d in districts if d in inst.district_min_branches
            },
            capacity=inst.capacity[ss] if len(ss) else np.zeros((0, inst.weeks), dtype=int),
            home=inst.home[ss],
        )
        parts.append(Part(sub, bs, ss))
    return parts
