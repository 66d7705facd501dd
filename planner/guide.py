"""The input column guide and the scenario guide, generated from the descriptions in
`planner.schema` (columns) and `planner.scenario` (settings).

`docs/columns.md` is `column_guide()`'s output and `docs/scenario.md` is `scenario_guide()`'s
(tests keep them so); the app's spreadsheet templates can use `column_rows()` for their guide sheet.
"""

from __future__ import annotations

import sys
from typing import Any

import tomli_w

from planner.scenario import SECTIONS, SETTINGS, Setting, section_settings
from planner.schema import BRANCH_COLUMNS, HISTORY_COLUMNS, OUTCOME_COLUMNS, SUPERVISOR_COLUMNS, ColumnSpec

TABLES: tuple[tuple[str, str, str, tuple[ColumnSpec, ...]], ...] = (
    ("branches", "组织表", "one row per branch (基层党组织)", BRANCH_COLUMNS),
    ("supervisors", "督导员表", "one row per supervisor (督导员)", SUPERVISOR_COLUMNS),
    ("visit log", "走访记录", "what visits found, for `planner record`", OUTCOME_COLUMNS),
    ("history", "督导台账", "visits that happened, any year (`--history`)", HISTORY_COLUMNS),
)


def column_rows(columns: tuple[ColumnSpec, ...], lang: str = "zh") -> list[tuple[str, str, str, str, str]]:
    """(Chinese header, English header, required, meaning, example) per column."""
    yes, no = ("是", "否") if lang == "zh" else ("yes", "no")
    return [
        (c.zh, c.key, yes if c.required else no, c.help_zh if lang == "zh" else c.help_en, c.example)
        for c in columns
    ]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def column_guide() -> str:
    """Markdown: every input column with both header names, whether required, meaning, example."""
    lines = [
        "# Input columns / 输入列说明",
        "",
        "Generated from `planner/schema.py` (`python -m planner.guide > docs/columns.md`).",
        "CSV (UTF-8, UTF-8 with BOM or GB18030) or XLSX (first sheet). A header may be the",
        "English key or the Chinese name, in any order; extra columns are kept and ignored.",
    ]
    for name, zh, what, columns in TABLES:
        lines += ["", f"## {name} / {zh}", "", what, ""]
        lines += ["| 中文列名 | column | required | meaning | 说明 | example |", "|---|---|---|---|---|---|"]
        for c in columns:
            cells = (c.zh, f"`{c.key}`", "yes" if c.required else "no", c.help_en, c.help_zh, c.example)
            lines.append("| " + " | ".join(_cell(x) for x in cells) + " |")
    return "\n".join(lines) + "\n"


SECTION_TITLES = {
    "": "top level / 顶层",
    "horizon": "[horizon] / 计划周期",
    "weights": "[weights] / 维度权重",
    "rules": "[rules] / 规则",
    "year": "[year] / 督导年度",
    "risk": "[risk] / 风险",
    "solver": "[solver] / 求解器",
}


def _default(s: Setting) -> str:
    if s.default is None:
        if s.key == "year.start":
            return "1 January of horizon.start's year"
        return "the next Monday" if s.key == "horizon.start" else "computed"
    if isinstance(s.default, tuple):
        return "`[" + ", ".join(f"{v!r}" for v in s.default) + "]`"
    return "`" + tomli_w.dumps({"x": s.default}).partition("=")[2].strip() + "`"


def scenario_guide() -> str:
    """Markdown: every scenario setting with its labels, allowed values, default and meaning."""
    lines = [
        "# The scenario file / 方案文件",
        "",
        "Generated from `planner/scenario.py` (`python -m planner.guide scenario > docs/scenario.md`).",
        "A scenario is a TOML file. Every key has a default, so an empty file is a valid scenario;",
        "an unknown key is an error, and every number must be finite and within its bounds",
        "(`planner validate --scenario FILE` checks a file without planning).",
    ]
    for section in ("", *SECTIONS):
        settings = section_settings(section) if section else [SETTINGS["name"]]
        lines += ["", f"## {SECTION_TITLES.get(section, f'[{section}]')}", ""]
        lines += ["| key | 名称 | allowed | default | meaning | 说明 |", "|---|---|---|---|---|---|"]
        for x in settings:
            cells: Any = (f"`{x.key}`", x.zh, x.allowed(), _default(x), x.help_en, x.help_zh)
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


GUIDES = {"columns": column_guide, "scenario": scenario_guide}

if __name__ == "__main__":
    print(GUIDES[sys.argv[1] if len(sys.argv) > 1 else "columns"](), end="")
