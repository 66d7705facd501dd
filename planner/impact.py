"""What did the visits do? An estimate from an office's own successive branch files.

The data: branch files of the same county at successive dates (the quarter's assessment, as
`planner record` writes it each quarter) and the visit log (history: branch_id, date, focus).
One observation is a (branch, dimension, period between two files):

    change     = score in the later file − score in the earlier file
    treated    = 1 if the branch had at least one visit with that dimension as its focus in the period

The estimand is the average effect on the treated: for the (branch, dimension, period) cells
with a visit of that focus, how much higher the dimension ends the period than it would have
without those visits. It is estimated by comparing with comparable cells without one — a panel
regression (statsmodels OLS) of the change on the treatment and, as controls, the dimension's
gap to 100 at the start (and its square), the weeks since the branch's last visit at the start
(and its square and product with the gap), weak-and-lax, and the number of the branch's visits
with another focus in the period, with a fixed effect per period (per period and dimension
when the dimensions are pooled). The treatment is interacted with every control centred at the
treated cells' means, so its coefficient is the average effect on the treated even when the
effect differs between branches (weaker branches gaining more, say). Standard errors are
clustered by branch; the interval is 95 %.

What it needs to be right: the files re-assess every branch, visited or not (a branch whose
scores were simply carried over looks unchanged; `unchanged_unvisited` counts them), and visits
are chosen on what the files show (risk, time since the last visit, weak-and-lax) — the way the
planner chooses them. Visits chosen on something the files do not show would bias it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels.api as sm
from threadpoolctl import threadpool_limits

from planner.atomic import atomic_output
from planner.errors import InputError, Problem
from planner.inputs import FIRST_DATA_ROW, load_branches, read_table
from planner.labels import Lang
from planner.labels import evidence_label as label
from planner.safety import write_csv
from planner.schema import DIMENSION_ZH, DIMENSIONS, dimension_key

NEVER_WEEKS = 104.0  # weeks since the last visit for a branch never visited (and the cap)
MIN_TREATED = 30  # fewer treated (or untreated) cells than this: no estimate for the row
COLUMNS = (
    "dimension",
    "effect",
    "std_error",
    "ci_low",
    "ci_high",
    "treated",
    "excluded",
    "observations",
    "branches",
)


@dataclass(frozen=True)
class Effect:
    dimension: str  # a dimension key, or "all"
    effect: float
    std_error: float
    ci_low: float
    ci_high: float
    treated: int
    excluded: int  # treated cells left out: no comparable untreated ones
    observations: int
    branches: int


@dataclass(frozen=True)
class Impact:
    effects: tuple[Effect, ...]  # "all" first, then the dimensions in order
    periods: int
    unchanged_unvisited: int  # branch-periods with no visit and not one score changed

    def table(self, lang: Lang | None = None) -> pd.DataFrame:
        """One row per Effect; with `lang`, labelled headers and dimension names."""
        t = pd.DataFrame([e.__dict__ for e in self.effects], columns=list(COLUMNS))
        if lang is None:
            return t
        t["dimension"] = [_dimension_label(d, lang) for d in t["dimension"]]
        for c in ("effect", "std_error", "ci_low", "ci_high"):
            t[c] = t[c].round(3)
        return t.rename(columns={c: label(c, lang) for c in COLUMNS})


def _dimension_label(key: str, lang: Lang) -> str:
    if key == "all":
        return label("all", lang)
    return DIMENSION_ZH[key] if lang == "zh" else key


def panel(snapshots: Sequence[pd.DataFrame], dates: Sequence[dt.date], visits: pd.DataFrame) -> pd.DataFrame:
    """The long panel: one row per (branch, period, dimension) present in both files.

    `snapshots` are validated branch tables (dimension scores as numbers, `last_visit` dates or
    None, `weak_lax` booleans); `visits` has branch_id, date and focus (a key, or None).
    """
    visits = visits.assign(date=pd.to_datetime(visits["date"]))
    rows = []
    for t in range(len(snapshots) - 1):
        start, end = pd.Timestamp(dates[t]), pd.Timestamp(dates[t + 1])
        a = snapshots[t].set_index("branch_id")
        b = snapshots[t + 1].set_index("branch_id")
        ids = a.index.intersection(b.index)
        a, b = a.loc[ids], b.loc[ids]
        inside = visits[(visits["date"] >= start) & (visits["date"] < end) & visits["branch_id"].isin(ids)]
        before = (
            visits[(visits["date"] < start) & visits["branch_id"].isin(ids)]
            .groupby("branch_id")["date"]
            .max()
        )
        last = pd.to_datetime(a["last_visit"], errors="coerce")
        last = pd.concat([last, before.reindex(ids)], axis=1).max(axis=1)
        since = ((start - last).dt.days / 7.0).clip(lower=0, upper=NEVER_WEEKS).fillna(NEVER_WEEKS)
        total = inside.groupby("branch_id").size().reindex(ids, fill_value=0)
        by_focus = (
            inside.groupby(["branch_id", "focus"]).size().unstack(fill_value=0).reindex(ids, fill_value=0)
        )
        weak = a["weak_lax"].astype(float) if "weak_lax" in a.columns else pd.Series(0.0, index=ids)
        for d in DIMENSIONS:
            focus_n = by_focus[d] if d in by_focus.columns else pd.Series(0, index=ids)
            rows.append(
                pd.DataFrame(
                    {
                        "branch_id": ids,
                        "period": t,
                        "period_weeks": (end - start).days / 7.0,
                        "dimension": d,
                        "change": (b[d].astype(float) - a[d].astype(float)).to_numpy(),
                        "treated": (focus_n > 0).astype(float).to_numpy(),
                        "gap": (100.0 - a[d].astype(float)).to_numpy(),
                        "since": since.to_numpy(),
                        "weak_lax": weak.to_numpy(),
                        "other_visits": (total - focus_n).astype(float).to_numpy(),
                        "visits": total.to_numpy(),
                    }
                )
            )
    return pd.concat(rows, ignore_index=True)


def _controls(p: pd.DataFrame, pooled: bool) -> pd.DataFrame:
    gap, since = p["gap"], p["since"]
    recent = np.minimum(since, p["period_weeks"])  # weeks since the last visit, up to a period
    base = pd.DataFrame(
        {
            "gap": gap,
            "gap2": gap**2 / 100.0,
            "near_100": np.maximum(0.0, 5.0 - gap),  # scores stop at 100: changes there are cut
            "recent": recent,
            "recent2": recent**2 / 13.0,
            "gap_recent": gap * recent / 100.0,
            "gap2_recent": gap**2 * recent / 1e4,
            "over_2_periods": (since >= 2 * p["period_weeks"]).astype(float),
            "weak_lax": p["weak_lax"],
        },
        index=p.index,
    )
    # a branch visited with another focus is compared with others visited so: its own slopes
    otherwise = base.mul((p["other_visits"] > 0).astype(float), axis=0).add_prefix("other_x_")
    cell = p["period"].astype(str) + ("/" + p["dimension"] if pooled else "")
    fixed = pd.get_dummies(cell, prefix="fe", drop_first=True, dtype=float)
    x = pd.concat([base, otherwise, p["other_visits"], fixed], axis=1)
    return x.loc[:, x.std() > 0]  # a control that never varies says nothing


def comparable(p: pd.DataFrame) -> pd.Series:
    """Treated cells that have comparable untreated ones: at least MIN_TREATED untreated cells of
    the same kind (weak-and-lax or not, visited with another focus or not). Weak-and-lax branches
    that the rules always visit have none: what they would do unvisited is not in the data."""
    kind = p["weak_lax"].astype(int) * 2 + (p["other_visits"] > 0).astype(int)
    controls = kind[p["treated"] == 0].value_counts()
    return (p["treated"] == 0) | kind.map(controls).fillna(0).ge(MIN_TREATED)


def estimate(p: pd.DataFrame, dimension: str = "all") -> Effect:
    """The average effect on the treated of visits with that focus, clustered by branch.

    Treated cells without comparable untreated ones are left out (`excluded`)."""
    rows = p if dimension == "all" else p[p["dimension"] == dimension]
    keep = comparable(rows)
    excluded = int((~keep).sum())
    rows = rows[keep].reset_index(drop=True)
    treated = rows["treated"].to_numpy(float)
    n_t, n, n_b = int(treated.sum()), len(rows), int(rows["branch_id"].nunique())
    if n_t < MIN_TREATED or n - n_t < MIN_TREATED:
        return Effect(dimension, math.nan, math.nan, math.nan, math.nan, n_t, excluded, n, n_b)
    x = _controls(rows, pooled=dimension == "all")
    centred = x - x[treated == 1].mean()
    inter = centred.mul(treated, axis=0).add_prefix("treated_x_")
    inter = inter.loc[:, inter.std() > 0]
    design = pd.concat([pd.Series(treated, name="treated"), x, inter], axis=1)
    design = sm.add_constant(design, has_constant="add")
    groups = pd.factorize(rows["branch_id"])[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rank-deficient controls: pinv still separates the effect
        fit = sm.OLS(rows["change"].to_numpy(float), design).fit(
            cov_type="cluster", cov_kwds={"groups": groups}
        )
    low, high = fit.conf_int(alpha=0.05).loc["treated"]
    return Effect(
        dimension,
        float(fit.params["treated"]),
        float(fit.bse["treated"]),
        float(low),
        float(high),
        n_t,
        excluded,
        n,
        n_b,
    )


def impact(snapshots: Sequence[pd.DataFrame], dates: Sequence[dt.date], visits: pd.DataFrame) -> Impact:
    """Effects pooled over the dimensions and per dimension."""
    p = panel(snapshots, dates, visits)
    with threadpool_limits(1):  # small matrices: BLAS threads would only contend for the cores
        effects = tuple(estimate(p, d) for d in ("all", *DIMENSIONS))
    per_branch = p.groupby(["period", "branch_id"]).agg(visits=("visits", "first"), moved=("change", "any"))
    unchanged = int(((per_branch["visits"] == 0) & ~per_branch["moved"]).sum())
    return Impact(effects=effects, periods=len(snapshots) - 1, unchanged_unvisited=unchanged)


# ---------------------------------------------------------------- files

HISTORY_HEADERS = {
    "branch_id": ("branch_id", "组织编号"),
    "date": ("date", "走访日期"),
    "focus": ("focus", "督导重点"),
}


def load_history(path: Path) -> pd.DataFrame:
    """The visit log (督导台账): branch_id, date, focus (blank: unknown); every problem at once."""
    path = Path(path)
    raw = read_table(path)
    problems: list[Problem] = []
    found = {}
    for key, names in HISTORY_HEADERS.items():
        col = next((c for c in raw.columns if str(c).strip() in names or str(c).strip().lower() == key), None)
        if col is None and key != "focus":
            problems.append(Problem(path.name, f"the column {names[0]} ({names[1]}) is missing."))
        found[key] = col
    if problems:
        raise InputError(problems)
    rows = []
    for i, rec in enumerate(raw.to_dict("records")):
        r = i + FIRST_DATA_ROW
        bid = str(rec[found["branch_id"]]).strip()
        text = str(rec[found["date"]]).strip()
        focus_text = str(rec[found["focus"]]).strip() if found["focus"] is not None else ""
        if not bid and not text:
            continue
        if not bid:
            problems.append(Problem(path.name, "the branch_id is blank.", r, "组织编号"))
        try:
            day = dt.date.fromisoformat(text.replace("/", "-")[:10])
        except ValueError:
            problems.append(Problem(path.name, f"'{text[:40]}' is not a date (YYYY-MM-DD).", r, "走访日期"))
            continue
        focus = dimension_key(focus_text) if focus_text else None
        if focus_text and focus is None:
            problems.append(
                Problem(path.name, f"'{focus_text[:40]}' is not a dimension key or 中文列名.", r, "督导重点")
            )
        rows.append((bid, day, focus))
    if problems:
        raise InputError(problems)
    return pd.DataFrame(rows, columns=["branch_id", "date", "focus"])


def load_branch_file(path: Path) -> pd.DataFrame:
    """A branch file validated as `planner plan` would (the supervisors are not needed)."""
    return load_branches(Path(path))


def parse_dates(text: str, n_files: int) -> list[dt.date]:
    problems, dates = [], []
    parts = [t.strip() for t in text.split(",") if t.strip()]
    for t in parts:
        try:
            dates.append(dt.date.fromisoformat(t))
        except ValueError:
            problems.append(Problem("command line", f"--dates: '{t[:40]}' is not a date (YYYY-MM-DD)."))
    if not problems and len(dates) != n_files:
        problems.append(
            Problem(
                "command line", f"--dates gives {len(dates)} dates for {n_files} branch files; give one each."
            )
        )
    if not problems and any(a >= b for a, b in itertools.pairwise(dates)):
        problems.append(Problem("command line", "--dates must be in increasing order, as the files are."))
    if problems:
        raise InputError(problems)
    return dates


def write_table(table: pd.DataFrame, out: Path) -> Path:
    """CSV (UTF-8 with BOM, so Excel reads the Chinese), written atomically; never overwrites."""
    out = Path(out)
    with atomic_output(out) as partial:
        write_csv(table, partial)  # formula-like text neutralised (planner.safety)
    return out
