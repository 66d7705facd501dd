"""The hand-ranking baseline: what a planner does today in a spreadsheet.

Branches are taken in the order a planner would: the mandatory ones first (weak-and-lax,
overdue, the year's coverage, contact points and follow-ups; riskiest first), then the branches
that still owe visits this year, riskiest first, until the year's pace is kept, then enough of
the riskiest unvisited branches of each district to meet its share, then everyone else by risk.
Each in turn gets its visits from one supervisor — its standing 责任人 first, then the
least-loaded one living in its district if possible, else the least-loaded one anywhere — in the
earliest weeks with room, spaced as the rule says. When a round is done and capacity is left,
another round gives the riskiest branches one more visit. Hard rules that a greedy pass cannot
see coming (a full week, leave) may leave a mandatory visit unmet; the KPIs show it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.problem import Instance


def _weeks_for(load: np.ndarray, cap: np.ndarray, taken: list[int], need: int, gap: int) -> list[int]:
    """The earliest weeks with room for `need` more visits, each `gap` from every other."""
    chosen: list[int] = []
    for w in range(1, len(cap) + 1):
        if len(chosen) == need:
            break
        if load[w - 1] >= cap[w - 1]:
            continue
        if all(abs(w - t) >= gap for t in [*taken, *chosen]):
            chosen.append(w)
    return chosen if len(chosen) == need else []


def hand_ranking(
    inst: Instance, order: list[int] | None = None, *, rules_first: bool = True, rounds: int | None = None
) -> pd.DataFrame:
    """Visits (branch, supervisor, week, visit_no) by positions, like `calendar.expand`.

    `order` replaces ranking by risk (other policies in `planner.simulate` use it);
    `rules_first=False` skips the mandatory and district passes; `rounds` caps the rounds.
    """
    capacity = inst.capacity.copy()
    capacity[:, : inst.from_week - 1] = 0  # new visits only from the re-planning week on
    load = np.zeros_like(capacity)
    remaining = capacity.sum(axis=1)
    responsible = np.full(inst.n_branches, -1)
    visits: list[list[tuple[int, int]]] = [[] for _ in range(inst.n_branches)]  # (week, sup)
    for b in range(inst.n_branches):
        visits[b] = sorted((w, s) for s, w in inst.pinned_visits(b))
        if visits[b]:
            responsible[b] = visits[b][0][1]
    district = np.array([inst.groups[int(g)].district for g in inst.group_of])
    by_risk = order if order is not None else sorted(range(inst.n_branches), key=lambda b: (-inst.risk[b], b))

    def give(b: int, target: int) -> None:
        need = min(target, inst.max_visits) - len(visits[b])
        if need <= 0 or remaining.sum() == 0:
            return
        group = inst.groups[int(inst.group_of[b])]
        cands = (
            [responsible[b]]
            if responsible[b] >= 0 and inst.one_responsible
            else sorted(
                group.candidates,
                key=lambda s: (s != group.standing, inst.home[s] != district[b], -remaining[s], s),
            )
        )
        taken = [w for w, _ in visits[b]]
        for s in cands:
            if s not in group.candidates or remaining[s] < need:
                continue
            weeks = _weeks_for(load[s], capacity[s], taken, need, inst.gap)
            if weeks:
                for w in weeks:
                    load[s, w - 1] += 1
                remaining[s] -= need
                visits[b] = sorted([*visits[b], *((w, s) for w in weeks)])
                responsible[b] = s
                return

    mandatory = sorted(
        (b for b in range(inst.n_branches) if inst.min_visits[b] > 0 and rules_first),
        key=lambda b: (-inst.min_visits[b], -inst.risk[b], b),
    )
    for b in mandatory:
        give(b, int(inst.min_visits[b]))
    if rules_first and inst.pace > 0:
        owed = sorted((int(b) for b in np.flatnonzero(inst.owed > 0)), key=lambda b: (-inst.risk[b], b))
        made = sum(min(len(visits[b]), inst.owed_visits(b)) for b in owed)
        for target in range(1, inst.max_visits + 1):
            for b in owed:
                if made >= inst.pace:
                    break
                if target <= inst.owed_visits(b):
                    before = min(len(visits[b]), inst.owed_visits(b))
                    give(b, target)
                    made += min(len(visits[b]), inst.owed_visits(b)) - before
    by_district: dict[int, list[int]] = {}
    for b in by_risk:
        by_district.setdefault(int(district[b]), []).append(b)
    for d, need in sorted(inst.district_min_branches.items() if rules_first else ()):
        ranked = by_district.get(d, [])
        have = sum(1 for b in ranked if visits[b])
        for b in ranked:
            if have >= need:
                break
            if not visits[b]:
                give(b, 1)
                have += bool(visits[b])
    for target in range(1, (rounds or inst.max_visits) + 1):
        if remaining.sum() == 0:
            break
        for b in by_risk:
            give(b, target)
    rows = [(b, s, w, i + 1) for b in range(inst.n_branches) for i, (w, s) in enumerate(visits[b])]
    return pd.DataFrame(rows, columns=["branch", "supervisor", "week", "visit_no"])
