"""The office's year (DOMAIN.md, "The office's year"): visits done and owed, never too late,
keep pace, contact points (联系点), follow-up (回头看) and the standing 责任人.

Pure functions of the validated inputs and the scenario; the model, the baseline, the plan
tables and the report all read the year from here.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.inputs import Inputs
from planner.scenario import Rules, Scenario
from planner.summary import YearProgress

YEAR_WEEKS = 52


@dataclass(frozen=True)
class YearWindow:
    """Where the plan sits in the office's year, in whole plan-weeks."""

    start: dt.date  # first day of the year
    end: dt.date  # first day after the year (start + 52 weeks)
    inside: int  # H: the plan's weeks that start inside the year
    remaining: int  # R: weeks from horizon.start to the year's end
    after: int  # A: the year's weeks after the plan


def window(scenario: Scenario) -> YearWindow:
    start = scenario.year_start
    end = start + dt.timedelta(weeks=YEAR_WEEKS)
    remaining = max(0, math.ceil((end - scenario.horizon.start).days / 7))
    inside = min(scenario.horizon.weeks, remaining)
    return YearWindow(start, end, inside, remaining, remaining - inside)


def late_cap(after: int, rules: Rules) -> int:
    """The most owed visits a branch may still carry when `after` weeks of the year are left."""
    if after <= 0:
        return 0
    return min(rules.max_visits_per_branch, 1 + (after - 1) // rules.min_weeks_between_visits)


def months_before(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(y, m + 1, min(day.day, calendar.monthrange(y, m + 1)[1]))


@dataclass(frozen=True)
class YearDemand:
    """Per branch (indexed like the branch table) what the year asks of this plan."""

    window: YearWindow
    done: pd.Series  # visits this year before the plan
    owed: pd.Series  # visits still owed this year: the larger of coverage and contact
    contact: pd.Series  # bool: a contact point
    followup: pd.Series  # bool: under follow-up (回头看)
    must: pd.Series  # visits this plan must make (never too late, follow-up)
    # visits that must also fall inside the year: when the plan runs past the year's end, the
    # owed visits (coverage, contact) must be made in the plan's first `window.inside` weeks
    due: pd.Series
    reason: pd.Series  # "coverage", "contact", "followup" joined by ", "
    pace: int  # owed visits the plan makes at least (keep pace)

    @property
    def pace_share(self) -> float:
        w = self.window
        return w.inside / w.remaining if w.remaining else 1.0


def contact_supervisor(inputs: Inputs) -> pd.Series:
    """Per branch: the supervisor whose contact point it is, or ''."""
    owner = {
        bid: sid
        for sid, ids in zip(
            inputs.supervisors["supervisor_id"], inputs.supervisors["contact_branches"], strict=True
        )
        for bid in ids
    }
    ids = inputs.branches["branch_id"]
    return pd.Series([owner.get(bid, "") for bid in ids.tolist()], index=ids.index, dtype=object)


def done_this_year(inputs: Inputs, scenario: Scenario) -> pd.Series:
    """Visits in the year before horizon.start: from the history, else 1 if last_visit is in it."""
    b = inputs.branches
    first, start = scenario.year_start, scenario.horizon.start
    if inputs.history is not None:
        h = inputs.history
        counted = h[(h["date"] >= first) & (h["date"] < start)]
        return b["branch_id"].map(counted["branch_id"].value_counts()).fillna(0).astype(int)
    return b["last_visit"].map(lambda d: int(d is not None and first <= d < start)).astype(int)


def demand(inputs: Inputs, scenario: Scenario) -> YearDemand:
    b = inputs.branches
    y, rules = scenario.year, scenario.rules
    w = window(scenario)
    done = done_this_year(inputs, scenario)
    contact = contact_supervisor(inputs) != ""
    # without a [year] table and a history the visits owed count for nothing (plans as before)
    counts = (y.enabled or inputs.history is not None) and w.start <= scenario.horizon.start < w.end
    owed_coverage = (y.min_visits - done).clip(lower=0) * counts
    owed_contact = ((y.contact_min_visits - done).clip(lower=0)).where(contact, 0) * counts
    owed = np.maximum(owed_coverage, owed_contact)
    cap = late_cap(w.after, rules)
    must_coverage = (owed_coverage - cap).clip(lower=0)
    must_contact = (owed_contact - cap).clip(lower=0)
    followup = pd.Series(False, index=b.index)
    if y.followup_months > 0 and y.followup_min_visits > 0:
        since = months_before(scenario.horizon.start, y.followup_months)
        followup = b["rectified_on"].map(lambda d: d is not None and since <= d <= scenario.horizon.start)
        followup = followup.astype(bool)
    must = np.maximum(np.maximum(must_coverage, must_contact), np.where(followup, y.followup_min_visits, 0))
    past_year_end = w.after == 0 and w.inside < scenario.horizon.weeks
    due = np.maximum(must_coverage, must_contact) * past_year_end
    reason = [
        ", ".join(r for r, on in (("coverage", c), ("contact", k), ("followup", f)) if on)
        for c, k, f in zip(
            (must_coverage > 0).tolist(), (must_contact > 0).tolist(), followup.tolist(), strict=True
        )
    ]
    pace = math.ceil(int(owed.sum()) * (w.inside / w.remaining if w.remaining else 1.0) - 1e-9)
    return YearDemand(
        window=w,
        done=done,
        owed=pd.Series(owed, index=b.index).astype(int),
        contact=contact,
        followup=followup,
        must=pd.Series(must, index=b.index).astype(int),
        due=pd.Series(due, index=b.index).astype(int),
        reason=pd.Series(reason, index=b.index),
        pace=pace,
    )


@dataclass(frozen=True)
class Standing:
    """Per branch: the supervisor (position) it keeps, whether that is binding, and if not why."""

    supervisor: np.ndarray  # position of the standing 责任人 (contact supervisor first), -1 none
    binding: np.ndarray  # bool: every visit must be theirs
    changed: list[str]  # a labels.CHANGE_REASONS key where the standing 责任人 cannot be kept, else ""
    named: list[str]  # the supervisor_id the files name as 责任人 ('' none)
    contact: np.ndarray  # bool: a contact point (its contact supervisor is binding)


def standing(inputs: Inputs, scenario: Scenario, capacity: np.ndarray, from_week: int = 1) -> Standing:
    """Resolve each branch's standing 责任人 against today's files (capacity: supervisors x weeks)."""
    b, s = inputs.branches, inputs.supervisors
    pos = {sid: i for i, sid in enumerate(s["supervisor_id"])}
    excluded = [set(x) for x in s["excluded_branches"]]
    county = s["county"].to_numpy()
    free = capacity[:, from_week - 1 :].sum(axis=1) > 0
    contact = contact_supervisor(inputs)
    keep = scenario.rules.keep_responsible
    sup = np.full(len(b), -1)
    binding = np.zeros(len(b), dtype=bool)
    changed, named = [], []
    for i, (bid, own, c, bc) in enumerate(
        zip(b["branch_id"], b["responsible_supervisor"], contact, b["county"], strict=True)
    ):
        # the 责任人 the files name: the branch file's, else the contact supervisor's
        named.append(own or c)
        reason = ""
        if c:  # a contact point: always its contact supervisor's (validated against the files)
            sup[i], binding[i] = pos[c], True
            reason = "" if not own or own == c else "contact_point"
            if not free[pos[c]]:
                reason = "no_capacity"
        elif own:
            j = pos.get(own, -1)
            if j < 0:
                reason = "not_in_file"
            elif bid in excluded[j]:
                reason = "excluded"
            elif bc and county[j] and county[j] != bc:
                reason = "other_county"
            elif not free[j]:
                reason = "no_capacity"
            else:
                sup[i], binding[i] = j, keep
                reason = "" if keep else "rule_off"
        changed.append(reason)
    return Standing(sup, binding, changed, named, (contact != "").to_numpy())


def release_overloaded(
    stand: Standing,
    need: np.ndarray,
    risk: np.ndarray,
    slots: np.ndarray,
    due: np.ndarray | None = None,
    due_slots: np.ndarray | None = None,
) -> Standing:
    """A standing 责任人 whose visit-slots cannot hold the mandatory visits of every branch bound
    to them cannot make them all: the least risky of those branches (never a contact point) are
    released to other supervisors, reason `overloaded`, until the rest fit. When the plan runs
    past the year's end, the visits owed this year (`due`) must also fit in the slots before it
    (`due_slots`)."""
    binding = stand.binding.copy()
    changed = list(stand.changed)
    demands = [(need, slots)] + ([(due, due_slots)] if due is not None and due_slots is not None else [])
    for visits, room in demands:
        for s in np.unique(stand.supervisor[binding]):
            mine = np.flatnonzero(binding & (stand.supervisor == s))
            load = int(visits[mine].sum())
            if load <= room[s]:
                continue
            for i in sorted(
                (i for i in mine if not stand.contact[i] and visits[i] > 0), key=lambda i: (risk[i], i)
            ):
                if load <= room[s]:
                    break
                binding[i] = False
                changed[i] = "overloaded"
                load -= int(visits[i])
    return Standing(stand.supervisor, binding, changed, stand.named, stand.contact)


def responsible_changed(
    named: list[str], reasons: list[str], responsible: pd.Series, visits: pd.Series
) -> list[str]:
    """branches.csv `responsible_changed`: '<reason>: <old> → <new>' where the 责任人 changed."""
    out = []
    for old, why, new, n in zip(named, reasons, responsible, visits, strict=True):
        if not old or (new == old) or (not n and why in ("", "rule_off", "contact_point")):
            out.append("")
            continue
        out.append(f"{why or 'kept_visits'}: {old} → {new or '—'}")
    return out


def made_in_year(visits: pd.DataFrame, branch_ids: pd.Series, scenario: Scenario) -> pd.Series:
    """Per branch: the plan's visits that fall inside the year (a plan may run past its end)."""
    in_year = visits[visits["week"].astype(int) <= window(scenario).inside]
    return branch_ids.map(in_year["branch_id"].value_counts()).fillna(0).astype(int)


def progress(
    branches: pd.DataFrame,
    need: YearDemand,
    visits: pd.DataFrame,
    named: list[str],
    changed: list[str],
    scenario: Scenario,
) -> YearProgress:
    """The year after a plan: branches (branch_id, district), the year's demand, the plan's
    visits, the 责任人 the files name and branches.csv's `responsible_changed`."""
    made = made_in_year(visits, branches["branch_id"], scenario)
    done, owed = need.done, need.owed
    after = (owed - made).clip(lower=0)
    least = scenario.year.min_visits
    contact, followup = need.contact, need.followup
    has = np.array([bool(x) for x in named], dtype=bool)
    moved = np.array([bool(c) for c in changed], dtype=bool)
    return YearProgress(
        year_start=need.window.start,
        branches=len(branches),
        covered_before=int((done >= least).sum()),
        covered_after=int((done + made >= least).sum()),
        owed_before=int(owed.sum()),
        owed_after=int(after.sum()),
        owed_by_district={str(k): int(v) for k, v in after.groupby(branches["district"]).sum().items() if v},
        contact_points=int(contact.sum()),
        contact_owed_after=int(after[contact].sum()),
        followups_due=int(followup.sum()),
        followups_met=int((followup & (made >= scenario.year.followup_min_visits)).sum()),
        standing=int(has.sum()),
        standing_kept=int((has & ~moved).sum()),
        standing_changed=int(moved.sum()),
        pace_required=need.pace,
        pace_made=int(np.minimum(made, owed).sum()),
    )
