from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

DIMS = "planning,function,management,publicity,understanding,training,positioning,implementation"


def branch_row(
    bid: str,
    district: str,
    score: int,
    *,
    last: str = "2026-06-01",  # before any default horizon start (next Monday)
    weak: str = "否",
    name: str | None = None,
    members: int = 10,
) -> str:
    scores = ",".join([str(score)] * 8)
    return f"{bid},{name or bid + '党支部'},{district},党支部,{members},{scores},{last},{weak}"


BRANCH_HEADER = f"branch_id,name,district,org_type,members,{DIMS},last_visit,weak_lax"
SUPERVISOR_HEADER = (
    "supervisor_id,name,home_district,weekly_capacity,skills,unavailable_weeks,excluded_branches"
)


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write dedented text to a file in tmp_path (encoding selectable)."""

    def _write(name: str, text: str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding=encoding)
        return path

    return _write
