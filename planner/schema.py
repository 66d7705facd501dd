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
    """One input column, described once: parsing, validation, templates and the docs use it."""

    key: str
    zh: str
    kind: Kind
    required: bool
    help_en: str = ""
    help_zh: str = ""
    example: str = ""


_SCORE_EN = "health score 0-100, higher is healthier"
_SCORE_ZH = "健康评分 0-100，越高越好"
_LIST_EN = "separated by , ; 、 or spaces"
_LIST_ZH = "用 , ; 、 或空格分隔"

BRANCH_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("branch_id", "组织编号", "text", True, "unique id", "唯一编号", "B0001"),
    ColumnSpec("name", "组织名称", "text", True, "name of the organisation", "组织全称", "城关镇第一党支部"),
    ColumnSpec(
        "district", "所属片区", "text", True, "district (town, street, system)", "乡镇/街道/系统", "城关镇"
    ),
    ColumnSpec(
        "org_type",
        "组织类型",
        "org_type",
        False,
        "党委, 党总支 or 党支部; blank = 党支部",
        "党委、党总支或党支部；空白为党支部",
        "党支部",
    ),
    ColumnSpec(
        "members", "党员人数", "int", True, "party members, whole number >= 0", "党员人数，非负整数", "23"
    ),
    *(ColumnSpec(d, DIMENSION_ZH[d], "score", True, _SCORE_EN, _SCORE_ZH, "62") for d in DIMENSIONS),
    ColumnSpec(
        "last_visit",
        "上次督导日期",
        "date",
        False,
        "date YYYY-MM-DD; blank = never",
        "日期 YYYY-MM-DD；空白为从未督导",
        "2026-05-12",
    ),
    ColumnSpec("weak_lax", "软弱涣散", "bool", False, "是/否, yes/no; blank = no", "是/否；空白为否", "否"),
    # Extension of the contract: supervisors serve only branches of their own county.
    ColumnSpec(
        "county", "所属县区", "text", False, "county, for a province's file", "所属县区（全省文件时填写）", ""
    ),
    # The office's year (DOMAIN.md): the standing 责任人 and the day a rectification was accepted.
    ColumnSpec(
        "responsible_supervisor",
        "责任人",
        "text",
        False,
        "supervisor_id of the branch's standing responsible supervisor; blank = none yet",
        "该组织固定责任人的督导员编号；空白为尚无",
        "S01",
    ),
    ColumnSpec(
        "rectified_on",
        "整顿销号日期",
        "date",
        False,
        "day the weak-and-lax rectification was accepted (销号); blank = none",
        "软弱涣散整顿验收销号日期；空白为无",
        "2026-09-30",
    ),
)

SUPERVISOR_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("supervisor_id", "督导员编号", "text", True, "unique id", "唯一编号", "S01"),
    ColumnSpec("name", "姓名", "text", True, "full name", "姓名", "张伟"),
    ColumnSpec(
        "home_district",
        "所在片区",
        "text",
        True,
        "a district of the branches",
        "须为组织表中的片区",
        "城关镇",
    ),
    ColumnSpec(
        "weekly_capacity",
        "每周可督导次数",
        "int",
        True,
        "visits a week, whole number >= 0",
        "每周最多走访次数",
        "3",
    ),
    ColumnSpec(
        "skills",
        "专长",
        "list",
        False,
        f"dimension names, {_LIST_EN}; blank = all",
        f"维度名称，{_LIST_ZH}；空白为全部",
        "教育培训、制度建设",
    ),
    ColumnSpec(
        "unavailable_weeks",
        "不可用周次",
        "weeks",
        False,
        f"week numbers, {_LIST_EN}",
        f"周次，{_LIST_ZH}",
        "5、6",
    ),
    ColumnSpec(
        "excluded_branches",
        "回避组织",
        "list",
        False,
        f"branch ids to avoid (conflict of interest), {_LIST_EN}",
        f"需回避的组织编号，{_LIST_ZH}",
        "",
    ),
    ColumnSpec(
        "county", "所属县区", "text", False, "county, for a province's file", "所属县区（全省文件时填写）", ""
    ),
    ColumnSpec(
        "contact_branches",
        "联系点",
        "list",
        False,
        f"branch ids of this supervisor's contact points (they are their 责任人), {_LIST_EN}",
        f"本人联系点的组织编号（即其责任人），{_LIST_ZH}",
        "B0001",
    ),
)

# The history (督导台账): one row per visit that happened, any year.
HISTORY_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("branch_id", "组织编号", "text", True, "the visited branch", "被走访组织编号", "B0001"),
    ColumnSpec("supervisor_id", "督导员编号", "text", True, "who made the visit", "走访的督导员编号", "S01"),
    ColumnSpec("date", "走访日期", "date", True, "date YYYY-MM-DD", "日期 YYYY-MM-DD", "2026-11-03"),
    ColumnSpec(
        "focus",
        "督导重点",
        "text",
        False,
        "dimension name; blank = not recorded",
        "维度名称；可空白",
        "教育培训",
    ),
)

OUTCOME_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec(
        "visit_id",
        "走访编号",
        "text",
        False,
        "the visit's id from visits.csv",
        "visits.csv 中的走访编号",
        "V0001",
    ),
    ColumnSpec(
        "branch_id",
        "组织编号",
        "text",
        False,
        "for a visit that was not planned",
        "计划外走访时填写组织编号",
        "",
    ),
    ColumnSpec("date", "走访日期", "date", True, "date YYYY-MM-DD", "日期 YYYY-MM-DD", "2027-01-06"),
    ColumnSpec("happened", "是否完成", "bool", False, "是/否; blank = yes", "是/否；空白为是", "是"),
    *(
        ColumnSpec(d, DIMENSION_ZH[d], "score", False, "score assessed at the visit", "走访时评定的分数", "")
        for d in DIMENSIONS
    ),
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
