"""Column keys, their Chinese names, and the vocabulary shared by every module."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DIMENSIONS: tuple[str, ...] = (
    "planning",
    "function",
    "management",
    "publicity",
    "understanding",
    "training",
    "positioning",
    "implementation",
)

DIMENSION_ZH: dict[str, str] = {
    "planning": "主动谋划",
    "function": "职能发挥",
    "management": "制度建设",
    "publicity": "宣传推进",
    "understanding": "思想认识",
    "training": "教育培训",
    "positioning": "工作定位",
    "implementation": "政策落实",
}

# Where the source essay names each weakness; quoted in the risk docs and the report.
DIMENSION_ESSAY_SECTION: dict[str, str] = {
    "planning": "二（一）",
    "function": "二（二）",
    "management": "二（三）",
    "publicity": "二（四）",
    "understanding": "三（一）",
    "training": "三（二）",
    "positioning": "三（三）",
    "implementation": "三（三）",
}

ORG_TYPES: tuple[str, ...] = ("党委", "党总支", "党支部")

Kind = Literal["text", "int", "score", "date", "bool", "list", "weeks", "org_type"]


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    zh: str
    kind: Kind
    required: bool


BRANCH_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("branch_id", "组织编号", "text", True),
    ColumnSpec("name", "组织名称", "text", True),
    ColumnSpec("district", "所属片区", "text", True),
    ColumnSpec("org_type", "组织类型", "org_type", False),
    ColumnSpec("members", "党员人数", "int", True),
    *(ColumnSpec(d, DIMENSION_ZH[d], "score", True) for d in DIMENSIONS),
    ColumnSpec("last_visit", "上次督导日期", "date", False),
    ColumnSpec("weak_lax", "软弱涣散", "bool", False),
    # Extension of the contract: supervisors serve only branches of their own county.
    ColumnSpec("county", "所属县区", "text", False),
)

SUPERVISOR_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("supervisor_id", "督导员编号", "text", True),
    ColumnSpec("name", "姓名", "text", True),
    ColumnSpec("home_district", "所在片区", "text", True),
    ColumnSpec("weekly_capacity", "每周可督导次数", "int", True),
    ColumnSpec("skills", "专长", "list", False),
    ColumnSpec("unavailable_weeks", "不可用周次", "weeks", False),
    ColumnSpec("excluded_branches", "回避组织", "list", False),
    ColumnSpec("county", "所属县区", "text", False),
)

OUTCOME_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("visit_id", "走访编号", "text", False),
    ColumnSpec("branch_id", "组织编号", "text", False),
    ColumnSpec("date", "走访日期", "date", True),
    ColumnSpec("happened", "是否完成", "bool", False),
    *(ColumnSpec(d, DIMENSION_ZH[d], "score", False) for d in DIMENSIONS),
)

TRUE_WORDS = frozenset({"是", "yes", "y", "true", "t", "1", "对", "√"})
FALSE_WORDS = frozenset({"否", "no", "n", "false", "f", "0", "不是", "×", ""})

LIST_SEPARATORS = r"[,;、，；\s]+"

RISK_TIERS: tuple[str, ...] = ("高", "中", "低")


def dimension_key(text: str) -> str | None:
    """The dimension key for an English key or a Chinese column name, else None."""
    word = text.strip()
    if word.lower() in DIMENSIONS:
        return word.lower()
    for key, zh in DIMENSION_ZH.items():
        if word == zh:
            return key
    return None
