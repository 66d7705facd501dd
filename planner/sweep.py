"""Scenario sweeps: one parameter along a range, every point solved, the KPIs side by side.

Parameters: `capacity` (a factor on every supervisor's weekly capacity), `capacity.<supervisor_id>`
(one supervisor's weekly capacity), or any scenario key by its TOML path (`rules.travel_penalty`,
`weights.training`, `horizon.weeks`, ...). Each point is validated like a scenario file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from planner.charts import style
from planner.errors import InfeasibleError, InputError, Problem
from planner.inputs import Inputs, scaled_capacity
from planner.labels import KPI_ORDER, format_kpi, kpi, kpi_value, t
from planner.plan import plan
from planner.scenario import Scenario, parse_scenario, scenario_to_dict

# the KPIs in the one order, with the solver's figures beside the objective
KPI_COLUMNS = (
    "objective",
    "bound",
    "gap",
    *(k for k in KPI_ORDER if k != "objective"),
    "mandatory_visits_required",
    "baseline_objective",
    "solve_seconds",
)


def parse_values(text: str) -> list[float]:
    """`A:B:STEP` (both ends included) or a comma-separated list."""
    try:
        if ":" in text:
            a, b, step = (float(x) for x in text.split(":"))
            if step <= 0 or b < a:
                raise ValueError
            n = math.floor((b - a) / step + 1e-9) + 1
            values = [round(a + i * step, 10) for i in range(n)]
        else:
            values = [float(x) for x in text.split(",") if x.strip()]
        if not values or not all(math.isfinite(v) for v in values):
            raise ValueError
        return values
    except (ValueError, OverflowError) as exc:
        raise InputError(
            [
                Problem(
                    "command line",
                    f"--values '{text}' is not A:B:STEP with STEP > 0 and B >= A, nor a list like 1,2,3"
                    " (finite numbers).",
                )
            ]
        ) from exc


@dataclass(frozen=True)
class Point:
    param: str
    value: float
    inputs: Inputs
    scenario: Scenario


def point(inputs: Inputs, scenario: Scenario, param: str, value: float) -> Point:
    """The inputs and scenario of one sweep point (validated)."""
    if param == "capacity":
        return Point(param, value, scaled_capacity(inputs, value), scenario)
    if param.startswith("capacity."):
        sid = param.removeprefix("capacity.")
        if sid not in set(inputs.supervisors["supervisor_id"]):
            raise InputError([Problem("command line", f"--param {param}: no supervisor '{sid}'.")])
        return Point(param, value, scaled_capacity(inputs, 1.0, {sid: int(value)}), scenario)
    data = scenario_to_dict(scenario)
    section, _, key = param.partition(".")
    if not key or not isinstance(data.get(section), dict) or key not in data[section]:
        raise InputError(
            [
                Problem(
                    "command line",
                    f"--param {param} is not capacity, "
                    "capacity.<supervisor_id>, or a scenario key such as "
                    "rules.travel_penalty or weights.training.",
                )
            ]
        )
    current = data[section][key]
    whole = isinstance(current, int) and not isinstance(current, bool) and float(value).is_integer()
    data[section][key] = int(value) if whole else value  # not whole: the parser says so
    return Point(param, value, inputs, parse_scenario(data, file=f"--param {param}={value:g}"))


def solve_point(p: Point) -> dict[str, Any]:
    """One row of the sweep: the KPIs, or the status when the rules cannot hold."""
    row: dict[str, Any] = {"param": p.param, "value": p.value}
    try:
        result = plan(p.inputs, p.scenario, workers=1, marginals=False)
    except InfeasibleError as exc:
        return {**row, "status": "infeasible", "note": str(exc.conflicts[0])}
    s, k = result.summary, result.summary["kpis"]
    solver = {
        "objective": s["objective"],
        "bound": s["bound"],
        "gap": s["gap"],
        "baseline_objective": kpi_value(s["baseline"], "objective"),
        "solve_seconds": s["solve_seconds"],
    }
    kpis = {key: kpi_value(k, key) for key in KPI_COLUMNS if key not in solver}
    return {**row, "status": s["status"], **solver, **kpis, "note": ""}


def sweep(
    inputs: Inputs,
    scenario: Scenario,
    param: str,
    values: list[float],
    *,
    workers: int | None = None,
    dask: str | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Every point solved (in parallel on local cores by default, or on a Dask cluster)."""
    from planner.parallel import run_map

    points = [point(inputs, scenario, param, v) for v in values]
    rows = run_map(
        solve_point, points, workers=workers, dask=dask, progress=f"sweep {param}" if progress else None
    )
    table = pd.DataFrame(rows)
    for col in KPI_COLUMNS:
        if col not in table:
            table[col] = np.nan
    return table[["param", "value", "status", *KPI_COLUMNS, "note"]]


def chart(table: pd.DataFrame, lang: str = "zh") -> Figure:
    """The frontier: risk addressed (optimizer and hand ranking) along the swept value."""
    with style():
        fig, ax = plt.subplots(figsize=(8, 3.4), dpi=90)
        ok = table[table["status"] != "infeasible"]
        ax.plot(ok["value"], ok["objective"], marker="o", color="#c0392b", label=t("sweep_optimizer", lang))
        ax.plot(
            ok["value"],
            ok["baseline_objective"],
            marker="s",
            color="#7f8c8d",
            label=t("sweep_baseline", lang),
            linestyle="--",
        )
        for v in table.loc[table["status"] == "infeasible", "value"]:
            ax.axvline(v, color="#bbb", linewidth=6, alpha=0.5)
        ax.set_xlabel(str(table["param"].iloc[0]) if len(table) else "")
        ax.set_ylabel(t("sweep_objective", lang))
        ax.legend(frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
    plt.close(fig)
    return fig


def readable(table: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The sweep as a planner reads it: the value, the status, the KPIs in their order, formatted."""
    status = table["status"].map(lambda x: t(str(x), lang))
    out = pd.DataFrame({t("sweep_value", lang): table["value"], t("status", lang): status})
    out[t("sweep_objective", lang)] = table["objective"].map(lambda v: _or_blank(v, "objective", lang))
    out[t("baseline_objective", lang)] = table["baseline_objective"].map(
        lambda v: _or_blank(v, "objective", lang)
    )
    for key in KPI_ORDER[1:]:
        k = kpi(key)
        if k.of:
            cells = [
                "" if pd.isna(v) else format_kpi(key, v, lang, of=o)
                for v, o in zip(table[key], table[k.of], strict=True)
            ]
        else:
            cells = [_or_blank(v, key, lang) for v in table[key]]
        out[k.label(lang)] = cells
    return out


def _or_blank(value: Any, key: str, lang: str) -> str:
    return "" if pd.isna(value) else format_kpi(key, value, lang)
