"""Expanding the model's aggregated answer into individual visits: who, which branch, which week.

Two facts make this stage unable to fail or to lose value (tests check both on random cases):

* Within a group, branches are interchangeable for every rule, so any assignment of the group's
  branches to supervisors that matches the model's counts is feasible. We pick the one that best
  matches each supervisor's skills to the branch's weakest dimensions (an assignment problem).
* The model's spacing constraints are exactly Hall's condition for pairing each (k+1)-th visit with
  a distinct k-th visit at least `gap` weeks earlier; pairing greedily in week order finds it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from planner.problem import Allocation, Instance

_lsap: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None


def linear_sum_assignment(cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """scipy's assignment solver (rows, columns of a minimum-cost assignment).

    `import scipy.optimize` loads all of scipy.optimize (half a second or more of every
    `planner plan`); the solver is one compiled module, so it is loaded on its own when it can
    be, and through the public import otherwise (tests check that both agree).
    """
    global _lsap
    if _lsap is None:
        _lsap = _compiled_lsap() or _public_lsap()
    return _lsap(cost)


def _public_lsap() -> Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]:
    from scipy.optimize import linear_sum_assignment as public

    return public  # type: ignore[no-any-return]


def _compiled_lsap() -> Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]] | None:
    import importlib.machinery
    import importlib.util
    from pathlib import Path

    try:
        scipy = importlib.util.find_spec("scipy")
        if scipy is None or scipy.origin is None:
            return None
        folder = Path(scipy.origin).parent / "optimize"
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = folder / f"_lsap{suffix}"
            if path.is_file():
                loader = importlib.machinery.ExtensionFileLoader("_lsap", str(path))
                spec = importlib.util.spec_from_file_location("_lsap", path, loader=loader)
                if spec is None:
                    return None
                module: Any = importlib.util.module_from_spec(spec)
                loader.exec_module(module)
                return module.linear_sum_assignment  # type: ignore[no-any-return]
    except (ImportError, OSError, AttributeError):
        return None
    return None


class CalendarError(RuntimeError):
    """The allocation cannot be expanded: a bug, never a user error."""


def build_chains(kth_weeks: dict[int, list[int]], gap: int, max_visits: int) -> list[list[int]]:
    """Link k-th visit weeks into per-branch sequences whose steps are at least `gap` weeks."""
    chains = [[w] for w in sorted(kth_weeks.get(1, []))]
    for k in range(2, max_visits + 1):
        waiting = sorted((c for c in chains if len(c) == k - 1), key=lambda c: c[-1])
        later = sorted(kth_weeks.get(k, []))
        if len(later) > len(waiting):
            raise CalendarError(f"{len(later)} visits number {k} but only {len(waiting)} number {k - 1}")
        # the earliest-ending sequence is eligible whenever any is, so pair in order
        for chain, w in zip(waiting, later, strict=False):
            if chain[-1] > w - gap:
                raise CalendarError(f"visit {k} in week {w} has no earlier visit {gap} weeks before")
            chain.append(w)
    return chains


def _match(branches: list[int], slots: list[int], affinity: np.ndarray) -> dict[int, int]:
    """Assign each branch one slot (a supervisor), maximising total skill affinity."""
    if len(branches) != len(slots):
        raise CalendarError(f"{len(branches)} branches but {len(slots)} supervisor slots")
    if not branches:
        return {}
    sups = np.array(slots)
    cost = -affinity[np.ix_(np.array(branches), sups)] if affinity.size else np.zeros((len(branches),) * 2)
    rows, cols = linear_sum_assignment(cost)
    return {branches[r]: int(sups[c]) for r, c in zip(rows, cols, strict=True)}


def skill_affinity(deficits: np.ndarray, skills: np.ndarray) -> np.ndarray:
    """affinity[b, s]: the largest weighted deficit of branch b among supervisor s's skills."""
    return (deficits[:, None, :] * skills[None, :, :]).max(axis=2)


def _weeks_by_k(entries: dict[tuple[int, ...], int], owner: tuple[int, ...]) -> dict[int, list[int]]:
    """The weeks of each k-th visit of one owner: (group,) or (supervisor, due)."""
    out: dict[int, list[int]] = defaultdict(list)
    for (*o, k, w), n in entries.items():
        if tuple(o) == owner:
            out[k].extend([w] * n)
    return out


def expand(inst: Instance, alloc: Allocation, deficits: np.ndarray, skills: np.ndarray) -> pd.DataFrame:
    """One row per visit: branch, supervisor, week, visit_no (positions, 1-based weeks)."""
    members = inst.group_members()
    # riskiest first, then file order: the riskiest branches get the earliest weeks
    order = {b: (-inst.risk[b], b) for b in range(inst.n_branches)}
    rows: list[tuple[int, int, int, int]] = []
    if inst.one_responsible:
        rows = _expand_responsible(inst, alloc, deficits, skills, members, order)
    else:
        rows = _expand_shared(inst, alloc, deficits, skills, members, order)
    rows += _expand_pinned(inst, alloc)
    visits = pd.DataFrame(rows, columns=["branch", "supervisor", "week", "visit_no"])
    return visits.sort_values(["week", "supervisor", "branch"], kind="stable").reset_index(drop=True)


def _expand_responsible(
    inst: Instance,
    alloc: Allocation,
    deficits: np.ndarray,
    skills: np.ndarray,
    members: list[list[int]],
    order: dict[int, tuple[float, int]],
) -> list[tuple[int, int, int, int]]:
    served = alloc.served
    responsible: dict[int, int] = {}
    for g, group in enumerate(inst.groups):
        if group.pinned:
            continue
        for n in range(1, inst.max_visits + 1):
            branches = [b for b in members[g] if alloc.visits[b] == n]
            slots = []
            for s in group.candidates:
                exact = served.get((g, s, n), 0) - served.get((g, s, n + 1), 0)
                slots += [s] * exact
            if branches or slots:
                cand = list(group.candidates)
                sub = skill_affinity(deficits[branches], skills[cand])
                local = _match(list(range(len(branches))), [cand.index(s) for s in slots], sub)
                responsible.update({branches[i]: cand[j] for i, j in local.items()})
    rows = []
    # each supervisor's visits come in pools by the visits their branches owe inside the year
    pool_of = {b: (s, inst.groups[int(inst.group_of[b])].due) for b, s in responsible.items()}
    for pool in sorted(set(pool_of.values())):
        s = pool[0]
        chains = build_chains(_weeks_by_k(alloc.kth_in_week, pool), inst.gap, inst.max_visits)
        mine = sorted((b for b, p in pool_of.items() if p == pool), key=order.__getitem__)
        for n in range(1, inst.max_visits + 1):
            branches = [b for b in mine if alloc.visits[b] == n]
            seqs = sorted(c for c in chains if len(c) == n)
            if len(branches) != len(seqs):
                raise CalendarError(
                    f"supervisor {s}: {len(branches)} branches with {n} visits, {len(seqs)} week sequences"
                )
            for b, seq in zip(branches, seqs, strict=True):
                rows += [(b, s, w, i + 1) for i, w in enumerate(seq)]
    return rows


def _expand_shared(
    inst: Instance,
    alloc: Allocation,
    deficits: np.ndarray,
    skills: np.ndarray,
    members: list[list[int]],
    order: dict[int, tuple[float, int]],
) -> list[tuple[int, int, int, int]]:
    rows = []
    for g, group in enumerate(inst.groups):
        if group.pinned:
            continue
        chains = build_chains(_weeks_by_k(alloc.kth_in_week, (g,)), inst.gap, inst.max_visits)
        in_week: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for n in range(1, inst.max_visits + 1):
            branches = sorted((b for b in members[g] if alloc.visits[b] == n), key=order.__getitem__)
            seqs = sorted(c for c in chains if len(c) == n)
            if len(branches) != len(seqs):
                raise CalendarError(
                    f"group {g}: {len(branches)} branches with {n} visits, {len(seqs)} week sequences"
                )
            for b, seq in zip(branches, seqs, strict=True):
                for i, w in enumerate(seq):
                    in_week[w].append((b, i + 1))
        cand = list(group.candidates)
        for w, visits in sorted(in_week.items()):
            slots = []
            for j, s in enumerate(cand):
                slots += [j] * alloc.group_supervisor_week.get((g, s, w), 0)
            branches = [b for b, _ in visits]
            sub = skill_affinity(deficits[branches], skills[cand])
            local = _match(list(range(len(visits))), slots, sub)
            rows += [(visits[i][0], cand[j], w, visits[i][1]) for i, j in local.items()]
    return rows


def _expand_pinned(inst: Instance, alloc: Allocation) -> list[tuple[int, int, int, int]]:
    """Kept visits as they were, then the new visits the model gave those branches."""
    rows = []
    new: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for b, s, w in alloc.pinned_new:
        new[b].append((w, s))
    for b in range(inst.n_branches):
        kept = [(w, s) for s, w in inst.pinned_visits(b)]
        for i, (w, s) in enumerate(sorted(kept) + sorted(new.get(b, []))):
            rows.append((b, s, w, i + 1))
    return rows
