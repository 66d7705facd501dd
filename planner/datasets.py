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
    history: pd.DataFrame | None = None  # the office's past visits (督导台账), with `year`


def sample_paths() -> tuple[Path, Path, Path]:
    """The sample county's branches, supervisors and scenario files."""
    folder = sample_dir()
    return (folder / "branches.csv", folder / "supervisors.csv", folder / "scenario.toml")


def sample_history_path() -> Path:
    """The sample county's history of visits (督导台账)."""
    return sample_dir() / "history.csv"


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
    year: bool = False,
) -> County:
    """A synthetic county (n_counties=1) or province, deterministic for `seed`.

    With `year`, the office's year too: standing 责任人, contact points, rectified branches and
    a history of the past year's visits (drawn from a separate stream: the rest is unchanged).
    """
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
    county_b = pd.concat(branches, ignore_index=True)
    county_s = pd.concat(supervisors, ignore_index=True)
    if not year:
        return County(county_b, county_s)
    return _with_year(county_b, county_s, start, np.random.default_rng([seed, 14]))


def _with_year(b: pd.DataFrame, s: pd.DataFrame, start: pd.Timestamp, rng: np.random.Generator) -> County:
    """Standing 责任人 for most branches (a supervisor of the district, by capacity), two or three
    contact points per supervisor, a few rectified branches, and the history behind last_visit."""
    b, s = b.copy(), s.copy()
    county_b = b["county"] if "county" in b.columns else pd.Series("", index=b.index)
    county_s = s["county"] if "county" in s.columns else pd.Series("", index=s.index)
    excluded = [set(str(x).split()) for x in s["excluded_branches"]]
    skills = [str(x).split("、") if x else list(DIMENSIONS) for x in s["skills"]]
    owner = []
    # the visits each supervisor owes as standing 责任人 stay within 40 % of their slots
    leave = [len(str(x).split(",")) if x else 0 for x in s["unavailable_weeks"]]
    slots = s["weekly_capacity"].to_numpy(int) * (HORIZON_WEEKS - np.array(leave, dtype=int))
    last = pd.to_datetime(b["last_visit"].replace("", None))
    overdue = (last.isna() | (last < start - pd.Timedelta(days=365))).to_numpy()
    need = np.maximum(np.where(b["weak_lax"] == "是", 2, 0), overdue.astype(int))
    load = np.zeros(len(s))
    for i, (bid, district, county) in enumerate(zip(b["branch_id"], b["district"], county_b, strict=True)):
        pool = [
            j
            for j in range(len(s))
            if s["home_district"].iat[j] == district and bid not in excluded[j] and county_s.iat[j] == county
        ]
        if not pool:
            pool = [j for j in range(len(s)) if bid not in excluded[j] and county_s.iat[j] == county]
        weight = s["weekly_capacity"].to_numpy(float)[pool]
        j = int(rng.choice(pool, p=weight / weight.sum())) if pool and weight.sum() else -1
        if rng.random() >= 0.85 or (j >= 0 and load[j] + need[i] > 0.4 * slots[j]):
            j = -1
        if j >= 0:
            load[j] += need[i]
        owner.append(j)
    contact: list[list[str]] = [[] for _ in range(len(s))]
    taken: set[int] = set()
    for j in range(len(s)):
        local = [
            i
            for i in (int(x) for x in np.flatnonzero(b["district"].to_numpy() == s["home_district"].iat[j]))
            if i not in taken and str(b["branch_id"].iat[i]) not in excluded[j] and owner[i] in (j, -1)
        ]
        for i in rng.choice(local, size=min(len(local), int(rng.integers(2, 4))), replace=False):
            taken.add(int(i))
            owner[int(i)] = j
            contact[j].append(str(b["branch_id"].iat[int(i)]))
    b["responsible_supervisor"] = [str(s["supervisor_id"].iat[j]) if j >= 0 else "" for j in owner]
    rectified = [""] * len(b)
    calm = np.flatnonzero((b["weak_lax"] == "否").to_numpy())
    for i in rng.choice(calm, size=min(len(calm), max(1, len(b) // 60)), replace=False):
        rectified[int(i)] = (start - pd.Timedelta(days=int(rng.integers(30, 330)))).strftime("%Y-%m-%d")
    b["rectified_on"] = rectified
    s["contact_branches"] = [" ".join(sorted(c)) for c in contact]
    home = s.groupby("home_district").indices
    rows = []
    for i, last in enumerate(b["last_visit"]):
        if not last:
            continue
        j = owner[i] if owner[i] >= 0 else int(rng.choice(home.get(b["district"].iat[i], np.arange(len(s)))))
        day = pd.Timestamp(last)
        days = [day]
        if rng.random() < 0.35 or str(b["branch_id"].iat[i]) in contact[j]:
            days.insert(0, day - pd.Timedelta(days=int(rng.integers(35, 150))))
        for d in days:
            rows.append(
                {
                    "branch_id": b["branch_id"].iat[i],
                    "supervisor_id": s["supervisor_id"].iat[j],
                    "date": d.strftime("%Y-%m-%d"),
                    "focus": str(rng.choice(skills[j])),
                }
            )
    history = pd.DataFrame(rows, columns=["branch_id", "supervisor_id", "date", "focus"])
    history = history.sort_values(["date", "branch_id"], kind="stable").reset_index(drop=True)
    return County(b, s, history)


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


def write_county(county: County, out: Path, *, flag: str | None = None) -> tuple[Path, ...]:
    """Write branches.csv and supervisors.csv (and history.csv) (UTF-8) into the new (or empty)
    folder `out`; return their paths."""
    with atomic_output(Path(out), folder=True, flag=flag) as tmp:
        write_csv(county.branches, tmp / "branches.csv", encoding="utf-8")
        write_csv(county.supervisors, tmp / "supervisors.csv", encoding="utf-8")
        if county.history is not None:
            write_csv(county.history, tmp / "history.csv", encoding="utf-8")
    paths = out / "branches.csv", out / "supervisors.csv"
    return (*paths, out / "history.csv") if county.history is not None else paths


SAMPLE_SEED = 2027


def sample_county() -> County:
    """The sample county as the generator makes it (what `data/` holds)."""
    return generate(600, 16, n_districts=12, seed=SAMPLE_SEED, year=True)
