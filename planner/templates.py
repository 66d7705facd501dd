"""Empty input templates (组织.xlsx, 督导员.xlsx, 督导台账.xlsx) generated from the input schema.

Each workbook's first sheet has the Chinese headers of `planner.schema` and one filled example
row (a valid file as it is: replace the example with your own rows); a second sheet guides each
column: its English key, whether it is required, and what goes in it.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from planner.guide import column_rows
from planner.schema import BRANCH_COLUMNS, HISTORY_COLUMNS, SUPERVISOR_COLUMNS, ColumnSpec

TEMPLATE_NAMES = {"branches": "组织.xlsx", "supervisors": "督导员.xlsx", "history": "督导台账.xlsx"}
_SPECS: dict[str, tuple[ColumnSpec, ...]] = {
    "branches": BRANCH_COLUMNS,
    "supervisors": SUPERVISOR_COLUMNS,
    "history": HISTORY_COLUMNS,
}


def _example(spec: ColumnSpec) -> str | int:
    """The schema's example value, as a number where Excel should hold a number."""
    if spec.kind in ("int", "score") and spec.example.isdigit():
        return int(spec.example)
    return spec.example


def template_xlsx(kind: str) -> bytes:
    """The template workbook for `branches`, `supervisors` or `history` (督导台账), as bytes."""
    specs = _SPECS[kind]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = TEMPLATE_NAMES[kind].removesuffix(".xlsx")
    head = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="F3E5E5")
    for col, spec in enumerate(specs, start=1):
        cell = sheet.cell(row=1, column=col, value=spec.zh)
        cell.font = head
        if spec.required:
            cell.fill = required_fill
        value = _example(spec)
        sheet.cell(row=2, column=col, value=value).number_format = (
            "@" if isinstance(value, str) else "General"
        )
        sheet.column_dimensions[cell.column_letter].width = max(10, 2 * len(spec.zh) + 4)
    sheet.freeze_panes = "A2"
    guide = book.create_sheet("填写说明")
    guide.append(["列名", "英文列名", "是否必填", "填写内容", "示例"])
    for cell in guide[1]:
        cell.font = head
    for row in column_rows(specs, "zh"):
        guide.append(list(row))
    guide.append([])
    guide.append(["说明", "", "", "第一张表的第 2 行是示例，请替换为实际数据；表头也可使用英文列名。"])
    for letter, width in zip("ABCDE", (16, 22, 10, 60, 20), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=2):
        row[3].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
