"""The hand-ranking baseline: what a planner does today in a spreadsheet.

Branches are taken in the order a planner would: the mandatory ones first (weak-and-lax, then
overdue, riskiest first), then enough of the riskiest unvisited branches of each district to meet
its share, then everyone else by risk. Each in turn gets its visits from one supervisor — the
least-loaded one living in its district if possible, else the least-loaded one anywhere — in the
earliest weeks with room, spaced as the rule says. When a round is done and capacity is left,
another round gives the riskiest branches one more visit. Hard rules that a greedy pass cannot
see coming (a full week, leave) may leave a mandatory visit unmet; the KPIs show it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.model import Instance


def _weeks_for(load: np.ndarray, cap: np.ndarray, taken: list[int], need: int,
               gap: int) -> list[int]:
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


def hand_ranking(inst: Instance) -> pd.DataFrame:
    """Visits (branch, supervisor, week, visit_no) by positions, like `calendar.expand`."""
    load = np.zeros_like(inst.capacity)
    remaining = inst.capacity.sum(axis=1)
    responsible = np.full(inst.n_branches, -1)
    taken: list[list[int]] = [[] for _ in range(inst.n_branches)]
    district = np.array([inst.groups[int(g)].district for g in inst.group_of])
    by_risk = sorted(range(inst.n_branches), key=lambda b: (-inst.risk[b], b))

    def give(b: int, visits: int) -> None:
        need = min(visits, inst.max_visits) - len(taken[b])
        if need <= 0:
            return
        if remaining.sum() == 0:
            return
        cands = [responsible[b]] if responsible[b] >= 0 else sorted(
            inst.groups[int(inst.group_of[b])].candidates,
            key=lambda s: (inst.home[s] != district[b], -remaining[s], s))
        for s in cands:
            if remaining[s] < need:
                continue
            weeks = _weeks_for(load[s], inst.capacity[s], taken[b], need, inst.gap)
            if weeks:
                for w in weeks:
                    load[s, w - 1] += 1
                remaining[s] -= need
                taken[b] = sorted([*taken[b], *weeks])
                responsible[b] = s
                return

    mandatory = sorted((b for b in range(inst.n_branches) if inst.min_visits[b] > 0),
                       key=lambda b: (-inst.min_visits[b], -inst.risk[b], b))
    for b in mandatory:
        give(b, int(inst.min_visits[b]))
    by_district: dict[int, list[int]] = {}
    for b in by_risk:
        by_district.setdefault(int(district[b]), []).append(b)
    for d, need in sorted(inst.district_min_branches.items()):
        ranked = by_district.get(d, [])
        have = sum(1 for b in ranked if taken[b])
        for b in ranked:
            if have >= need:
                break
            if not taken[b]:
                give(b, 1)
                have += bool(taken[b])
    for visits in range(1, inst.max_visits + 1):
        if remaining.sum() == 0:
            break
        for b in by_risk:
            give(b, visits)
    rows = [(b, int(responsible[b]), w, i + 1)
            for b in range(inst.n_branches) for i, w in enumerate(taken[b])]
    return pd.DataFrame(rows, columns=["branch", "supervisor", "week", "visit_no"])

