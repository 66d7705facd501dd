"""Demo data: the sample county shipped in `data/`, and seeded synthetic counties and provinces.

The generator is deterministic for a seed. Mandatory demand (weak-and-lax and long-unvisited
branches) is sized against the supervisors' capacity, as it is in a real county whose office has
been visiting what it can, so generated instances are feasible under the default rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from planner.atomic import atomic_output
from planner.resources import sample_dir
from planner.safety import write_csv
from planner.schema import DIMENSIONS

SAMPLE_START = pd.Timestamp("2027-01-04")
HORIZON_WEEKS = 13

_TOWNS = (
    "城关镇",
    "东城街道",
    "西城街道",
    "青山镇",
    "河口镇",
    "石桥镇",
    "白沙乡",
    "柳林镇",
    "新华街道",
    "红旗镇",
    "长岭乡",
    "凤凰镇",
)
_PLACE_A = tuple("东西南北大小新老上下前后王李张刘陈杨黄赵石柳杏桃梨枣松竹梅兰金马高龙")
_PLACE_B = tuple("庄屯河沟湾坡岭坪营堡寨店桥塘园洼")
_TOWN_B = ("镇", "乡", "街道")
_UNITS = (
    "卫生院",
    "中心小学",
    "初级中学",
    "供电所",
    "派出所",
    "农业服务中心",
    "敬老院",
    "市场监管所",
    "财政所",
    "文化站",
)
_COMPANIES = (
    "农业发展有限公司",
    "建材有限公司",
    "物流有限公司",
    "食品有限公司",
    "机械厂",
    "纺织有限公司",
    "电子科技有限公司",
    "旅游开发有限公司",
)
_SURNAMES = tuple("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐")
_GIVEN = (
    "建国",
    "秀英",
    "志强",
    "桂兰",
    "海燕",
    "国华",
    "丽娟",
    "明辉",
    "玉梅",
    "卫东",
    "晓峰",
    "春梅",
    "文斌",
    "红霞",
    "永刚",
    "静",
    "磊",
    "敏",
    "勇",
    "芳",
    "军",
    "洁",
)


@dataclass(frozen=True)
class County:
    branches: pd.DataFrame
    supervisors: pd.DataFrame


def sample_paths() -> tuple[Path, Path, Path]:
    """The sample county's branches, supervisors and scenario files."""
    folder = sample_dir()
    return (folder / "branches.csv", folder / "supervisors.csv", folder / "scenario.toml")


def _district_names(rng: np.random.Generator, n: int) -> list[str]:
    if n <= len(_TOWNS):
        return list(_TOWNS[:n])
    names: list[str] = list(_TOWNS)
    while len(names) < n:
        name = rng.choice(_PLACE_A) + rng.choice(_PLACE_A) + rng.choice(_TOWN_B)
        if name not in names:
            names.append(str(name))
    return names


def _branch_names(rng: np.random.Generator, district: str, n: int) -> tuple[list[str], list[str]]:
    names: list[str] = []
    types: list[str] = []
    used: set[str] = set()
    short = district.removesuffix("街道").removesuffix("镇").removesuffix("乡")
    while len(names) < n:
        roll = rng.random()
        if roll < 0.70:
            kind = "社区" if district.endswith("街道") else "村"
            base = f"{district}{rng.choice(_PLACE_A)}{rng.choice(_PLACE_B)}{kind}"
            org = "党支部" if rng.random() < 0.9 else "党总支"
        elif roll < 0.88:
            base = f"{short}{rng.choice(_UNITS)}"
            org = "党支部"
        else:
            base = f"{short}{rng.choice(_PLACE_A)}{rng.choice(_PLACE_B)}{rng.choice(_COMPANIES)}"
            org = "党委" if rng.random() < 0.3 else "党支部"
        name = base + org
        if name in used:
            continue
        used.add(name)
        names.append(name)
        types.append(org)
    return names, types


def generate(
    n_branches: int,
    n_supervisors: int,
    *,
    n_districts: int | None = None,
    n_counties: int = 1,
    seed: int = 0,
    start: pd.Timestamp = SAMPLE_START,
) -> County:
    """A synthetic county (n_counties=1) or province, deterministic for `seed`."""
    if n_counties < 1 or n_branches < n_counties or n_supervisors < n_counties:
        raise ValueError("need at least one branch and one supervisor per county")
    rng = np.random.default_rng(seed)
    per_county_b = np.diff(np.linspace(0, n_branches, n_counties + 1).round().astype(int))
    per_county_s = np.diff(np.linspace(0, n_supervisors, n_counties + 1).round().astype(int))
    branches, supervisors = [], []
    for c in range(n_counties):
        county = f"第{c + 1:03d}县" if n_counties > 1 else ""
        prefix = f"C{c + 1:03d}-" if n_counties > 1 else ""
        d = n_districts or max(1, min(60, round(int(per_county_b[c]) / 50)))
        d = max(1, min(d, int(per_county_b[c]), int(per_county_s[c]) * 3))
        b, s = _county(rng, int(per_county_b[c]), int(per_county_s[c]), d, prefix, start)
        if n_counties > 1:
            b["county"] = county
            s["county"] = county
            b["district"] = county + b["district"]
            s["home_district"] = county + s["home_district"]
        branches.append(b)
        supervisors.append(s)
    return County(pd.concat(branches, ignore_index=True), pd.concat(supervisors, ignore_index=True))


def _county(
    rng: np.random.Generator, n_b: int, n_s: int, n_d: int, prefix: str, start: pd.Timestamp
) -> tuple[pd.DataFrame, pd.DataFrame]:
    districts = _district_names(rng, n_d)
    sizes = rng.dirichlet(np.full(n_d, 6.0)) * n_b
    counts = np.maximum(1, np.floor(sizes)).astype(int)
    while counts.sum() < n_b:
        counts[int(np.argmax(sizes - counts))] += 1
    while counts.sum() > n_b:
        counts[int(np.argmax(counts))] -= 1

    capacity = rng.choice([1, 2, 2, 2, 3], size=n_s)
    slots = int(capacity.sum()) * HORIZON_WEEKS * 0.9
    weak_share = min(0.06, 0.12 * slots / (2 * n_b))
    overdue_share = min(0.15, 0.25 * slots / n_b)

    rows = []
    for district, count in zip(districts, counts, strict=True):
        effect = rng.normal(0, 4, size=len(DIMENSIONS))
        names, types = _branch_names(rng, district, int(count))
        for name, org in zip(names, types, strict=True):
            weak = rng.random() < weak_share
            base = rng.normal(50, 8) if weak else rng.normal(77, 9)
            scores = np.clip(base + effect + rng.normal(0, 8, size=len(DIMENSIONS)), 5, 100).round()
            if rng.random() < overdue_share:
                last = None if rng.random() < 0.3 else start - pd.Timedelta(days=int(rng.integers(380, 900)))
            else:
                last = start - pd.Timedelta(days=int(rng.integers(40, 350)))
            members = int(rng.integers(3, 30) if org == "党支部" else rng.integers(20, 150))
            rows.append(
                {
                    "district": district,
                    "name": name,
                    "org_type": org,
                    "members": members,
                    **dict(zip(DIMENSIONS, scores.astype(int).tolist(), strict=True)),
                    "last_visit": "" if last is None else last.strftime("%Y-%m-%d"),
                    "weak_lax": "是" if weak else "否",
                }
            )
    branches = pd.DataFrame(rows)
    branches.insert(0, "branch_id", [f"{prefix}B{i + 1:05d}" for i in range(len(branches))])

    sups = []
    used: set[str] = set()
    pool = len(_SURNAMES) * len(_GIVEN)
    for i in range(n_s):
        while True:
            person = str(rng.choice(_SURNAMES)) + str(rng.choice(_GIVEN))
            if len(used) >= pool:
                # every two-part name is taken: people of the same name exist, and the
                # supervisor_id tells them apart; a middle character keeps most names distinct
                person = person[0] + str(rng.choice(_PLACE_A)) + person[1:]
            if person not in used or len(used) >= pool:
                used.add(person)
                break
        home = districts[i % n_d] if i < n_d else districts[int(rng.integers(n_d))]
        skills = (
            ""
            if rng.random() < 0.2
            else "、".join(
                str(x) for x in rng.choice(DIMENSIONS, size=int(rng.integers(2, 4)), replace=False)
            )
        )
        leave = ""
        if rng.random() < 0.5:
            first = int(rng.integers(1, HORIZON_WEEKS))
            leave = ",".join(
                str(w) for w in range(first, min(HORIZON_WEEKS, first + int(rng.integers(1, 3))) + 1)
            )
        local = branches.index[branches["district"] == home]
        excluded = " ".join(
            branches.loc[
                rng.choice(local, size=min(len(local), int(rng.integers(0, 3))), replace=False), "branch_id"
            ]
        )
        sups.append(
            {
                "supervisor_id": f"{prefix}S{i + 1:03d}",
                "name": person,
                "home_district": home,
                "weekly_capacity": int(capacity[i]),
                "skills": skills,
                "unavailable_weeks": leave,
                "excluded_branches": excluded,
            }
        )
    return branches, pd.DataFrame(sups)


def write_county(county: County, out: Path, *, flag: str | None = None) -> tuple[Path, Path]:
    """Write branches.csv and supervisors.csv (UTF-8) into the new (or empty) folder `out`."""
    with atomic_output(Path(out), folder=True, flag=flag) as tmp:
        write_csv(county.branches, tmp / "branches.csv", encoding="utf-8")
        write_csv(county.supervisors, tmp / "supervisors.csv", encoding="utf-8")
    return out / "branches.csv", out / "supervisors.csv"


SAMPLE_SEED = 2027


def sample_county() -> County:
    """The sample county as the generator makes it (what `data/` holds)."""
    return generate(600, 16, n_districts=12, seed=SAMPLE_SEED)
