"""Why a scenario cannot be planned: counting checks first, then the solver's elastic model."""

from __future__ import annotations

import numpy as np

from planner.errors import Conflict
from planner.problem import Allocation, Instance


def precheck(
    inst: Instance,
    branch_ids: list[str],
    reasons: list[str] | None = None,
    supervisor_ids: list[str] | None = None,
) -> list[Conflict]:
    """Conflicts that simple counting proves, named with the rules and the numbers.

    `reasons`: each branch's mandatory reasons (weak_lax, overdue, coverage, contact, followup).
    """
    conflicts: list[Conflict] = []
    sids = supervisor_ids or [f"#{s + 1}" for s in range(len(inst.home))]
    kept = np.array([len(inst.pinned_visits(b)) for b in range(inst.n_branches)], dtype=int)
    too_many = [branch_ids[b] for b in np.flatnonzero(kept > inst.max_visits)]
    if too_many:
        conflicts.append(
            Conflict(
                "rules.max_visits_per_branch",
                f"{len(too_many)} branches already have more kept visits than the {inst.max_visits} "
                f"allowed ({', '.join(too_many[:5])}).",
                "raise max_visits_per_branch or re-plan from an earlier week.",
            )
        )
    need = np.maximum(inst.min_visits - kept, 0)
    weeks = inst.weeks - inst.from_week + 1
    most = int(need.max(initial=0))
    year_rule = any(r and not {"weak_lax", "overdue"} & set(r.split(", ")) for r in (reasons or []))
    if most > inst.max_visits and not year_rule:
        conflicts.append(
            Conflict(
                "rules.weak_lax_min_visits",
                f"weak-and-lax branches must get {most} visits, but rules.max_visits_per_branch "
                f"allows {inst.max_visits}.",
                f"raise max_visits_per_branch to {most} or lower weak_lax_min_visits.",
            )
        )
    span = (min(most, inst.max_visits) - 1) * inst.gap + 1
    if most > 1 and span > weeks:
        conflicts.append(
            Conflict(
                "rules.min_weeks_between_visits",
                f"{min(most, inst.max_visits)} visits at least {inst.gap} weeks apart take {span} "
                f"weeks; the horizon has {weeks}.",
                "lower min_weeks_between_visits or weak_lax_min_visits, or lengthen horizon.weeks.",
            )
        )
    stranded = [
        branch_ids[b] for b in np.flatnonzero(need > 0) if not inst.groups[int(inst.group_of[b])].candidates
    ]
    if stranded:
        shown = ", ".join(stranded[:5]) + (" …" if len(stranded) > 5 else "")
        conflicts.append(
            Conflict(
                "mandatory visits",
                f"{len(stranded)} branches must be visited but no supervisor with capacity may "
                f"visit them ({shown}): every one is excluded, on leave or in another county.",
                "give those branches a supervisor, or review excluded_branches.",
            )
        )
    slots = int(inst.capacity[:, inst.from_week - 1 :].sum())
    weak_lax = int(need[need > 1].sum())
    overdue = int(need[need == 1].sum())
    if weak_lax + overdue > slots:
        conflicts.append(
            Conflict(
                "mandatory visits",
                f"weak-and-lax branches need {weak_lax} visits and overdue (or audit) branches {overdue} "
                f"({weak_lax + overdue} in all); supervisors have {slots} visit-slots in the "
                f"{weeks} weeks.",
                f"add capacity, lower weak_lax_min_visits, or raise overdue_days (short by "
                f"{weak_lax + overdue - slots}).",
            )
        )
    if inst.district_min_branches:
        district = np.array([inst.groups[int(g)].district for g in inst.group_of])
        needed = 0
        for d, n in inst.district_min_branches.items():
            mask = district == d
            visited = int((kept[mask] > 0).sum())  # kept visits already count for the share
            needed += max(n - visited, int((need[mask] > 0).sum())) + int((need[mask] - 1).clip(0).sum())
        rest = int(need[~np.isin(district, list(inst.district_min_branches))].sum())
        if needed + rest > slots:
            conflicts.append(
                Conflict(
                    "rules.district_min_share",
                    f"district shares and mandatory visits together need {needed + rest} visits; "
                    f"supervisors have {slots} visit-slots.",
                    "lower district_min_share or add capacity.",
                )
            )
    return conflicts + _year_checks(inst, branch_ids, reasons or [""] * inst.n_branches, sids)


_YEAR_KEYS = {
    "coverage": "year.min_visits",
    "contact": "year.contact_min_visits",
    "followup": "year.followup_min_visits",
}


def _year_checks(
    inst: Instance, branch_ids: list[str], reasons: list[str], supervisor_ids: list[str]
) -> list[Conflict]:
    """The office's year: visits owed that no plan can make, pace, and busy 责任人."""
    conflicts: list[Conflict] = []
    kept = np.array([len(inst.pinned_visits(b)) for b in range(inst.n_branches)], dtype=int)
    # branches that must get more visits than a plan may give, by the year's rules that ask it
    too_many: dict[tuple[str, ...], list[int]] = {}
    for b in range(inst.n_branches):
        words = tuple(w for w in _YEAR_KEYS if w in reasons[b].split(", "))
        if words and inst.min_visits[b] > inst.max_visits:
            too_many.setdefault(words, []).append(b)
    for words, over in sorted(too_many.items()):
        most = int(inst.min_visits[over].max())
        keys = " / ".join(_YEAR_KEYS[w] for w in words)
        conflicts.append(
            Conflict(
                keys,
                f"{len(over)} branches must get {most} visits in this plan ({', '.join(words)}), but "
                f"rules.max_visits_per_branch allows {inst.max_visits} "
                f"({', '.join(branch_ids[b] for b in over[:5])}).",
                f"raise max_visits_per_branch to {most}, lower {keys}, or plan a longer horizon earlier "
                "in the year.",
            )
        )
    pace = inst.pace
    if pace > 0:
        reachable = sum(
            min(
                inst.owed_visits(b),
                inst.max_visits if inst.groups[int(inst.group_of[b])].candidates else kept[b],
            )
            for b in range(inst.n_branches)
        )
        slots = int(inst.capacity[:, inst.from_week - 1 :].sum()) + int(kept.sum())
        owed_total = int(inst.owed.sum())
        if pace > min(reachable, slots):
            conflicts.append(
                Conflict(
                    "year.min_visits",
                    f"to keep pace the plan must make {pace} of the {owed_total} visits owed this year "
                    f"(owed × {inst.pace_share:.2f}, the plan's share of the year's remaining weeks); "
                    f"at most {min(reachable, slots)} can be made ({slots} visit-slots, "
                    f"{reachable} owed visits that some supervisor may make).",
                    "add capacity, give the stranded branches a supervisor, or lower year.min_visits / "
                    "year.contact_min_visits.",
                )
            )
    conflicts += _year_end_checks(inst, supervisor_ids)
    # branches only one supervisor may visit (standing 责任人 kept, contact points)
    slots_of = inst.capacity[:, inst.from_week - 1 :].sum(axis=1)
    bound: dict[int, int] = {}
    for b in range(inst.n_branches):
        group = inst.groups[int(inst.group_of[b])]
        if len(group.candidates) == 1 and group.candidates[0] == group.standing and not group.pinned:
            s = group.candidates[0]
            bound[s] = bound.get(s, 0) + int(min(inst.min_visits[b], inst.max_visits))
    busy = _overbooked(bound, slots_of)
    if busy:
        shown = ", ".join(f"{supervisor_ids[s]} needs {bound[s]} with {int(slots_of[s])}" for s in busy[:5])
        conflicts.append(
            Conflict(
                "rules.keep_responsible",
                f"{len(busy)} supervisors must make more mandatory visits to the branches only they may "
                f"visit (their standing 责任人 branches and contact points) than they have visit-slots "
                f"({shown}).",
                "set rules.keep_responsible = false, name other 责任人 in the branch file, or add capacity.",
            )
        )
    return conflicts


def _overbooked(bound: dict[int, int], slots: np.ndarray) -> list[int]:
    """Supervisors who must make more visits than their slots hold, the most short first."""
    return sorted((s for s, n in bound.items() if n > slots[s]), key=lambda s: (slots[s] - bound[s], s))


def _year_end_checks(inst: Instance, supervisor_ids: list[str]) -> list[Conflict]:
    """A plan that runs past the year's end makes the visits owed this year before it ends."""
    if not inst.due_week or inst.due_week >= inst.weeks:
        return []
    due_of = np.array([inst.groups[int(g)].due for g in inst.group_of], dtype=int)
    kept_in_year = np.array(
        [sum(1 for _, w in inst.pinned_visits(b) if w <= inst.due_week) for b in range(inst.n_branches)],
        dtype=int,
    )
    due_new = np.maximum(due_of - kept_in_year, 0)
    in_year = inst.capacity[:, inst.from_week - 1 : inst.due_week].sum(axis=1)
    when = f"the plan's first {inst.due_week} weeks, before the office's year ends"
    if int(due_new.sum()) > int(in_year.sum()):
        return [
            Conflict(
                "year.min_visits",
                f"the plan runs past the end of the office's year: {int(due_new.sum())} visits owed this "
                f"year must be made in {when}, which hold {int(in_year.sum())} visit-slots.",
                "add capacity before the year's end, lower year.min_visits / year.contact_min_visits, or "
                "start the plan earlier.",
            )
        ]
    bound: dict[int, int] = {}
    for b in np.flatnonzero(due_new > 0):
        group = inst.groups[int(inst.group_of[b])]
        if len(group.candidates) == 1:
            s = group.candidates[0]
            bound[s] = bound.get(s, 0) + int(due_new[b])
    busy = _overbooked(bound, in_year)
    if not busy:
        return []
    shown = ", ".join(f"{supervisor_ids[s]} needs {bound[s]} with {int(in_year[s])}" for s in busy[:5])
    return [
        Conflict(
            "rules.keep_responsible",
            f"the plan runs past the end of the office's year: {len(busy)} supervisors must make more "
            f"visits owed this year to the branches only they may visit than they have visit-slots in "
            f"{when} ({shown}).",
            "set rules.keep_responsible = false, name other 责任人 in the branch file, or add capacity "
            "before the year's end.",
        )
    ]


def explain(elastic: list[tuple[str, Allocation]], n_parts: int = 1) -> list[Conflict]:
    """Turn the elastic models' minimal shortfalls into conflicts, one per rule.

    `elastic` holds a label (a county) and the elastic solution of each infeasible part.
    """

    def where(rule: str) -> tuple[int, str]:
        hits = [(label, round(a.shortfall.get(rule, 0.0))) for label, a in elastic]
        hits = [(label, n) for label, n in hits if n]
        total = sum(n for _, n in hits)
        if n_parts == 1 or not hits:
            return total, ""
        hits.sort(key=lambda h: (-h[1], h[0]))
        shown = ", ".join(f"{label} {n}" for label, n in hits[:5])
        more = " …" if len(hits) > 5 else ""
        return total, f" (in {len(hits)} of {n_parts} independent counties: {shown}{more})"

    conflicts = []
    mandatory, in_mandatory = where("mandatory")
    share, in_share = where("district_share")
    pace, in_pace = where("keep_pace")
    if mandatory:
        conflicts.append(
            Conflict(
                "mandatory visits",
                f"at least {mandatory} mandatory visits cannot be fitted into the supervisors' weeks "
                "once weekly capacity, leave weeks, spacing and one responsible supervisor per branch "
                f"are respected{in_mandatory} (mandatory: weak-and-lax, overdue, and the year's "
                "coverage, contact points and follow-ups, each by its standing 责任人).",
                "add capacity in the weeks with leave, lower min_weeks_between_visits, allow "
                "several supervisors per branch (one_responsible_supervisor = false), or let standing "
                "责任人 be replaced (rules.keep_responsible = false).",
            )
        )
    if pace:
        conflicts.append(
            Conflict(
                "year.min_visits",
                f"keeping the year's pace falls {pace} owed visits short once every other rule holds"
                f"{in_pace}.",
                "add capacity, lower year.min_visits or year.contact_min_visits, or set "
                "rules.keep_responsible = false so other supervisors may help.",
            )
        )
    if share:
        conflicts.append(
            Conflict(
                "rules.district_min_share",
                f"the district shares miss {share} branches even with every slot used{in_share}.",
                "lower district_min_share or add capacity.",
            )
        )
    if not conflicts:
        conflicts.append(
            Conflict(
                "rules",
                "the rules cannot all hold together.",
                "relax the scenario's rules one at a time to find the cause.",
            )
        )
    return conflicts
