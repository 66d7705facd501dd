"""The input column guide, generated from the column descriptions in `planner.schema`.

`docs/columns.md` is `column_guide()`'s output (a test keeps it so); the app's spreadsheet
templates can use `column_rows()` for their guide sheet.
"""

from __future__ import annotations

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


if __name__ == "__main__":
    print(column_guide(), end="")
