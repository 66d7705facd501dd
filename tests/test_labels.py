"""The words a planner reads: every text in both languages, one KPI order, no side effects."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from planner import labels
from planner.kpis import kpis
from planner.scenario import SETTINGS, Rules


def test_every_text_has_chinese_and_english():
    for table in (labels.TEXT, labels.COLUMNS):
        for key, texts in table.items():
            assert set(texts) == {"zh", "en"}, key
            assert all(v.strip() for v in texts.values()), key
    for k in (*labels.KPIS, *labels.KPI_DETAILS):
        assert k.zh.strip() and k.en.strip(), k.key
    for key, s in SETTINGS.items():
        assert s.label("zh") and s.label("en") and s.help("zh") and s.help("en"), key
        assert s.label("zh") != s.label("en") or key.startswith("weights."), key


def test_the_kpi_order_covers_every_kpi():
    visits = pd.DataFrame({"branch_id": ["A", "A", "B"], "supervisor_id": ["s1", "s1", "s2"]})
    branches = pd.DataFrame(
        {
            "branch_id": ["A", "B", "C"],
            "district": ["d1", "d1", "d2"],
            "risk_score": [50.0, 20.0, 10.0],
            "risk_tier": ["高", "低", "低"],
            "mandatory_visits": [1, 0, 1],
        }
    )
    supervisors = pd.DataFrame({"supervisor_id": ["s1", "s2"], "home_district": ["d1", "d2"]})
    k = kpis(visits, branches, supervisors, Rules())
    shown = set(labels.KPI_ORDER)
    folded = {x.of for x in labels.KPIS if x.of}
    details = {x.key for x in labels.KPI_DETAILS}
    assert set(k) == shown | details, "a KPI without a label or a place in the order"
    assert folded <= details and not shown & details
    # risk to one decimal, counts whole, shares in %, met/required
    assert labels.format_kpi_of(k, "objective") == "95.0"  # A twice: 50 × (1 + 0.5); B once: 20
    assert labels.format_kpi_of(k, "visits") == "3"
    assert labels.format_kpi_of(k, "high_risk_visited_share") == "100.0%"
    assert labels.format_kpi_of(k, "mandatory_visits_met") == "1/2"
    assert labels.format_kpi_of(k, "visits_outside_home_district") == "1"  # s2 (d2) visits B (d1)
    assert labels.format_kpi_difference("risk_share_of_visited_branches", 0.5, 0.25) == "+25.0 pp"
    assert labels.format_kpi_difference("objective", 110.0, 100.0) == "+10.0 (+10.00%)"


def test_texts_fill_in_names_as_data():
    text = labels.t("calendar_event", "en", branch="{focus} $x$ <b>", focus="training")
    assert text == "Supervisory visit: {focus} $x$ <b> (focus: training)"


@pytest.mark.parametrize("module", ["planner.labels", "planner.scenario"])
def test_importing_has_no_side_effects(module):
    code = (
        "import sys\n"
        f"import {module}\n"
        "heavy = sorted(m for m in ('matplotlib', 'ipywidgets', 'IPython') if m in sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_charts_leave_matplotlib_settings_alone():
    code = (
        "import matplotlib as mpl\n"
        "before = dict(mpl.rcParams)\n"
        "import planner.report, planner.overview, planner.sweep\n"
        "from planner.charts import style\n"
        "with style():\n"
        "    inside = mpl.rcParams['font.family']\n"
        "after = dict(mpl.rcParams)\n"
        "changed = sorted(k for k in before if before[k] != after[k])\n"
        "assert not changed, changed\n"
        "assert inside[-1] == 'DejaVu Sans', inside\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_a_sweep_reads_in_the_kpi_order_with_blanks_where_infeasible():
    from planner.sweep import KPI_COLUMNS, readable

    row = dict.fromkeys(KPI_COLUMNS, float("nan"))
    ok = {**row, "objective": 12.345, "baseline_objective": 10.0, "visits": 4, "mandatory_visits_met": 2}
    ok |= {"mandatory_visits_required": 3, "high_risk_visited_share": 0.5}
    table = pd.DataFrame(
        [{"value": 0.0, "status": "infeasible", **row}, {"value": 1.0, "status": "optimal", **ok}]
    )
    out = readable(table, "en")
    assert list(out.columns[2:4]) == ["objective (risk addressed)", "Ranking by hand · Objective"]
    assert list(out.columns[4:]) == [labels.kpi_label(k, "en") for k in labels.KPI_ORDER[1:]]
    assert list(out.iloc[0, 1:4]) == ["infeasible", "", ""]
    assert list(out.iloc[1, 1:6]) == ["proven optimal", "12.3", "10.0", "4", ""]
    assert out.loc[1, "Mandatory visits met"] == "2/3"
    assert out.loc[1, "High-risk branches visited"] == "50.0%"
