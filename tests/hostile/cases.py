"""Every kind of hostile or odd input we know (issue 11's 52 kinds and the classics before them).

Each case writes its files into a fresh folder and names the `planner` command to run, what a
correct planner does (reject with exit 2 naming the problem, plan with exit 0, or exit 3), and,
for a plan, a check that the output is right. `run.py` runs them all and counts the outcomes.
"""

from __future__ import annotations

import csv
import io
import os
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pandas as pd

from planner.schema import DIMENSIONS

DIMS = list(DIMENSIONS)
B_HEADER = ["branch_id", "name", "district", "org_type", "members", *DIMS, "last_visit", "weak_lax"]
S_HEADER = [
    "supervisor_id",
    "name",
    "home_district",
    "weekly_capacity",
    "skills",
    "unavailable_weeks",
    "excluded_branches",
]
SCENARIO = "[horizon]\nstart = 2027-01-04\nweeks = 4\n"


def brow(
    bid: str, name: str | None = None, district: str = "东镇", score: str = "50", **kw: str
) -> list[str]:
    row = dict(
        zip(
            B_HEADER,
            [bid, name or f"{bid}党支部", district, "党支部", "10", *[score] * 8, "2026-06-01", "否"],
            strict=True,
        )
    )
    row.update(kw)
    return [row[c] for c in B_HEADER]


def srow(sid: str, name: str = "王芳", home: str = "东镇", cap: str = "2", **kw: str) -> list[str]:
    row = dict(zip(S_HEADER, [sid, name, home, cap, "", "", ""], strict=True))
    row.update(kw)
    return [row[c] for c in S_HEADER]


def write(
    path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8", sep: str = ","
) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


BRANCHES = [
    brow("B1"),
    brow("B2", score="40"),
    brow("B3", district="西镇"),
    brow("B4", district="西镇", score="70"),
]
SUPERVISORS = [srow("S1"), srow("S2", name="李强", home="西镇")]


@dataclass
class Files:
    tmp: Path
    branches: list[list[str]] = field(default_factory=lambda: [list(r) for r in BRANCHES])
    supervisors: list[list[str]] = field(default_factory=lambda: [list(r) for r in SUPERVISORS])
    scenario: str = SCENARIO

    def paths(self) -> tuple[Path, Path, Path]:
        """The three files, written once (a case may then replace one with something odd)."""
        b, s, sc = self.tmp / "b.csv", self.tmp / "s.csv", self.tmp / "sc.toml"
        if not sc.exists():
            write(b, B_HEADER, self.branches)
            write(s, S_HEADER, self.supervisors)
            sc.write_text(self.scenario, encoding="utf-8")
        return b, s, sc

    def args(
        self, command: str = "plan", b: Path | None = None, s: Path | None = None, sc: Path | None = None
    ) -> list[str]:
        pb, ps, psc = self.paths()
        args = [
            command,
            "--branches",
            str(b or pb),
            "--supervisors",
            str(s or ps),
            "--scenario",
            str(sc or psc),
        ]
        if command == "plan":
            args += ["--out", str(self.tmp / "plan"), "--no-report"]
        return args


Check = Callable[[Path], str | None]  # the plan folder's parent -> what is wrong, or None


@dataclass(frozen=True)
class Case:
    kind: str
    item: str  # the item (or "classic" for kinds handled before issue 11)
    build: Callable[[Path], list[str]]  # writes the files, returns the planner arguments
    expect: str = "reject"  # reject (exit 2) | accept (exit 0) | infeasible (exit 3)
    words: tuple[str, ...] = ()  # what the message must say (reject) or the names to find (accept)
    check: Check | None = None
    python_flags: tuple[str, ...] = ()
    timeout: float = 180


def visits(tmp: Path) -> pd.DataFrame:
    from planner.folder import read_plan

    return read_plan(tmp / "plan").visits


def names_in_outputs(*names: str) -> Check:
    """Every name comes out intact in visits.csv (read back), and no CSV cell is a formula."""

    def check(tmp: Path) -> str | None:
        v = visits(tmp)
        shown = (
            set(v["branch_name"]) | set(v["supervisor_name"]) | set(v["district"]) | set(v["supervisor_id"])
        )
        missing = [n for n in names if n not in shown]
        if missing:
            return f"missing from visits.csv: {missing!r}"
        for f in ("visits.csv", "branches.csv", "baseline_visits.csv"):
            with (tmp / "plan" / f).open(encoding="utf-8-sig", newline="") as fh:
                bad = [c for row in csv.reader(fh) for c in row if c[:1] in ("=", "+", "@", "\t", "\r")]
            if bad:
                return f"{f} has formula-like cells {bad[:3]!r}"
        return None

    return check


def scenario_case(kind: str, toml: str, item: str = "1 (labels)") -> Case:
    def build(tmp: Path) -> list[str]:
        return Files(tmp, scenario=SCENARIO + toml).args("validate")

    return Case(kind, item, build, words=("sc.toml",))


def with_branches(
    kind: str,
    item: str,
    edit: Callable[[Files], None],
    words: tuple[str, ...] = (),
    expect: str = "reject",
    check: Check | None = None,
    command: str = "validate",
) -> Case:
    def build(tmp: Path) -> list[str]:
        f = Files(tmp)
        edit(f)
        return f.args(command)

    return Case(kind, item, build, expect=expect, words=words, check=check)


def _set(rows: list[list[str]], header: list[str], i: int, col: str, value: str) -> None:
    rows[i][header.index(col)] = value


def _raw_file(
    name: str, content: bytes, which: str = "b", command: str = "validate"
) -> Callable[[Path], list[str]]:
    def build(tmp: Path) -> list[str]:
        f = Files(tmp)
        _b, _s, _sc = f.paths()
        path = tmp / name
        path.write_bytes(content)
        return f.args(command, **{which: path})

    return build


def _big_csv(rows: int, same_id: bool) -> Callable[[Path], list[str]]:
    def build(tmp: Path) -> list[str]:
        f = Files(tmp)
        f.branches = [brow("B1" if same_id else f"B{i:06d}") for i in range(rows)]
        if not same_id:
            f.branches[-1][0] = "B000007"
        return f.args("validate")

    return build


def _zip_bomb(tmp: Path) -> list[str]:
    book = openpyxl.Workbook()
    book.active.append(["branch_id"])
    buffer = io.BytesIO()
    book.save(buffer)
    row = b'<row><c t="inlineStr"><is><t>B1</t></is></c></row>' * 1000
    path = tmp / "bomb.xlsx"
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with dst.open(item.filename, "w", force_zip64=True) as out:
                    out.write(
                        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    )
                    out.write(b"<sheetData>")
                    for _ in range(24_000):  # 1.2 M rows
                        out.write(row)
                    out.write(b"</sheetData></worksheet>")
            else:
                dst.writestr(item, src.read(item))
    f = Files(tmp)
    return f.args("validate", b=path)


def _xlsx(tmp: Path, sheets: dict[str, list[list[object]]], name: str = "b.xlsx") -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for r in rows:
            ws.append(r)
    book.save(tmp / name)
    return tmp / name


def _formula_xlsx(tmp: Path) -> list[str]:
    path = _xlsx(tmp, {"组织": [B_HEADER, *BRANCHES]})
    book = openpyxl.load_workbook(path)
    book.active["F2"] = "=40+10"
    book.save(path)
    return Files(tmp).args("validate", b=path)


def _shuffled(tmp: Path) -> list[str]:
    from planner import datasets

    bf, sf, scf = datasets.sample_paths()
    rng = random.Random(5)
    for k in (0, 1):
        paths = []
        for src in (bf, sf):
            lines = src.read_text(encoding="utf-8-sig").splitlines()
            body = lines[1:]
            if k:
                rng.shuffle(body)
            (tmp / f"{k}{src.name}").write_text("\n".join([lines[0], *body]) + "\n", encoding="utf-8")
            paths.append(tmp / f"{k}{src.name}")
        if k == 0:
            from planner.cli import main

            with open(os.devnull, "w") as devnull:
                import contextlib

                with contextlib.redirect_stdout(devnull), contextlib.redirect_stderr(devnull):
                    main(
                        [
                            "plan",
                            "--branches",
                            str(paths[0]),
                            "--supervisors",
                            str(paths[1]),
                            "--scenario",
                            str(scf),
                            "--out",
                            str(tmp / "plan0"),
                            "--no-report",
                        ]
                    )
    return [
        "plan",
        "--branches",
        str(paths[0]),
        "--supervisors",
        str(paths[1]),
        "--scenario",
        str(scf),
        "--out",
        str(tmp / "plan"),
        "--no-report",
    ]


def _same_visits(tmp: Path) -> str | None:
    a, b = (tmp / "plan0" / "visits.csv").read_bytes(), (tmp / "plan" / "visits.csv").read_bytes()
    return None if a == b else "shuffled rows gave a different plan"


def _record_case(
    kind: str, branches_from_supervisors: bool, out_name: str, check: Check | None = None
) -> Case:
    def build(tmp: Path) -> list[str]:
        from planner.cli import main

        f = Files(tmp)
        f.branches[0][1] = '=HYPERLINK("http://evil.example","点")'
        f.branches[1][1] = "@SUM(1+1)"
        b, s, _sc = f.paths()
        with open(os.devnull, "w") as devnull:
            import contextlib

            with contextlib.redirect_stdout(devnull), contextlib.redirect_stderr(devnull):
                assert main(f.args("plan")) == 0
        v = visits(tmp)
        log = tmp / "log.csv"
        pd.DataFrame({"走访编号": v["visit_id"], "走访日期": v["week_start"]}).to_csv(log, index=False)
        return [
            "record",
            str(tmp / "plan"),
            str(log),
            "--branches",
            str(s if branches_from_supervisors else b),
            "--out",
            str(tmp / out_name),
        ]

    expect = "reject" if branches_from_supervisors else "accept"
    return Case(
        kind,
        "7" if branches_from_supervisors else "3",
        build,
        expect=expect,
        words=("s.csv",) if branches_from_supervisors else (),
        check=check,
    )


def _record_xlsx_has_no_formulas(tmp: Path) -> str | None:
    book = openpyxl.load_workbook(tmp / "next.xlsx")
    bad = [c.coordinate for row in book.active.iter_rows() for c in row if c.data_type == "f"]
    return f"live formulas in {bad}" if bad else None


def _record_csv_is_safe(tmp: Path) -> str | None:
    with (tmp / "next.csv").open(encoding="utf-8-sig", newline="") as fh:
        bad = [c for row in csv.reader(fh) for c in row if c[:1] in ("=", "@")]
    return f"formula-like cells {bad}" if bad else None


def _ics_ok(tmp: Path) -> str | None:
    from icalendar import Calendar

    for f in (tmp / "plan" / "calendars").glob("*.ics"):
        raw = f.read_bytes()
        cal = Calendar.from_ical(raw)
        if raw.count(b"\nBEGIN:VEVENT\r\n") != len(list(cal.walk("VEVENT"))) or b"\nX-INJECTED" in raw:
            return f"{f.name}: a name started a property of its own"
    return None


def _plan_with_report(kind: str, item: str, edit: Callable[[Files], None], *names: str) -> Case:
    def build(tmp: Path) -> list[str]:
        f = Files(tmp)
        edit(f)
        args = f.args("plan")
        args.remove("--no-report")
        return args

    def check(tmp: Path) -> str | None:
        from html.parser import HTMLParser

        problem = names_in_outputs(*names)(tmp) or _ics_ok(tmp)
        if problem:
            return problem

        class Text(HTMLParser):
            def __init__(self) -> None:
                super().__init__()
                self.text: list[str] = []
                self.scripts = 0

            def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
                self.scripts += tag == "script" or any(a.startswith("on") for a, _ in attrs)

            def handle_data(self, data: str) -> None:
                self.text.append(data)

        page = Text()
        page.feed((tmp / "plan" / "report.html").read_text(encoding="utf-8"))
        text = "".join(page.text)
        missing = [n for n in names if n not in text]
        if missing or page.scripts:
            return f"report.html: missing {missing!r}, {page.scripts} scripts"
        return None

    return Case(kind, item, build, expect="accept", check=check, timeout=300)


def _rename(i: int, value: str, col: str = "name", sup: bool = False) -> Callable[[Files], None]:
    def edit(f: Files) -> None:
        if sup:
            _set(f.supervisors, S_HEADER, i, col, value)
        else:
            _set(f.branches, B_HEADER, i, col, value)

    return edit


def _both(*edits: Callable[[Files], None]) -> Callable[[Files], None]:
    def edit(f: Files) -> None:
        for e in edits:
            e(f)

    return edit


def _district(name: str) -> Callable[[Files], None]:
    def edit(f: Files) -> None:
        for r in f.branches:
            if r[2] == "西镇":
                r[2] = name
        for r in f.supervisors:
            if r[2] == "西镇":
                r[2] = name

    return edit


LONG_ID = "S" + "长" * 100


def _long_id(f: Files) -> None:
    f.supervisors[0][0] = LONG_ID


def _scenario_text(text: str) -> Callable[[Files], None]:
    def edit(f: Files) -> None:
        f.scenario = text

    return edit


def _gbk_toml(tmp: Path) -> list[str]:
    f = Files(tmp)
    f.paths()
    (tmp / "sc.toml").write_bytes('name = "第一季度计划"\n[horizon]\nstart = 2027-01-04\n'.encode("gbk"))
    return [
        "validate",
        "--branches",
        str(tmp / "b.csv"),
        "--supervisors",
        str(tmp / "s.csv"),
        "--scenario",
        str(tmp / "sc.toml"),
    ]


def _encoded(encoding: str, which: str, rows_edit: Callable[[Files], None]) -> Callable[[Path], list[str]]:
    def build(tmp: Path) -> list[str]:
        f = Files(tmp)
        rows_edit(f)
        b, s, sc = f.paths()
        if which == "b":
            write(b, B_HEADER, f.branches, encoding=encoding)
        else:
            write(s, S_HEADER, f.supervisors, encoding=encoding)
        return [
            "plan",
            "--branches",
            str(b),
            "--supervisors",
            str(s),
            "--scenario",
            str(sc),
            "--out",
            str(tmp / "plan"),
            "--no-report",
        ]

    return build


def _traditional(f: Files) -> None:
    names = ["城關鎮東莊村黨支部", "青山鎮中心小學黨支部", "河口鎮衛生院黨支部", "石橋鎮機械廠黨支部"]
    towns = {"东镇": "東鎮", "西镇": "西鎮"}
    for r, name in zip(f.branches, names, strict=True):
        r[1], r[2] = name, towns[r[2]]
    for r in f.supervisors:
        r[2] = towns[r[2]]


def _latin(f: Files) -> None:
    f.supervisors[0][1] = "Jürgen Müller"
    f.supervisors[1][1] = "François Lefèvre"
    towns = {"东镇": "Köln", "西镇": "Besançon"}
    for r in f.branches:
        r[2] = towns[r[2]]
    for r in f.supervisors:
        r[2] = towns[r[2]]


def _utf16(tmp: Path) -> list[str]:
    f = Files(tmp)
    b, _s, _sc = f.paths()
    write(b, B_HEADER, f.branches, encoding="utf-16", sep="\t")
    return f.args("validate", b=b)


def _title_row(tmp: Path) -> list[str]:
    f = Files(tmp)
    b, _s, _sc = f.paths()
    b.write_text("示例县基层党组织名单（2027年）\n" + b.read_text(encoding="utf-8"), encoding="utf-8")
    return f.args("validate", b=b)


def _other_sheet(tmp: Path) -> list[str]:
    path = _xlsx(tmp, {"说明": [["本表为组织名单"]], "组织": [B_HEADER, *BRANCHES]})
    return Files(tmp).args("validate", b=path)


def _exact_dup_header(tmp: Path) -> list[str]:
    f = Files(tmp)
    b, _s, _sc = f.paths()
    write(b, [*B_HEADER, "name"], [[*r, "另一个名称"] for r in f.branches])
    return f.args("validate", b=b)


def _en_zh_dup_header(tmp: Path) -> list[str]:
    f = Files(tmp)
    b, _s, _sc = f.paths()
    write(b, [*B_HEADER, "组织名称"], [[*r, "另一个名称"] for r in f.branches])
    return f.args("validate", b=b)


def _missing_column(tmp: Path) -> list[str]:
    f = Files(tmp)
    b, _s, _sc = f.paths()
    i = B_HEADER.index("members")
    write(b, B_HEADER[:i] + B_HEADER[i + 1 :], [r[:i] + r[i + 1 :] for r in f.branches])
    return f.args("validate", b=b)


def _semicolons(tmp: Path) -> list[str]:
    f = Files(tmp)
    b, _s, _sc = f.paths()
    write(b, B_HEADER, f.branches, sep=";")
    return f.args("validate", b=b)


def _ragged(tmp: Path) -> list[str]:
    f = Files(tmp)
    b, _s, _sc = f.paths()
    b.write_text(b.read_text(encoding="utf-8").replace("B2党支部", "B2党支部,第二党小组"), encoding="utf-8")
    return f.args("validate", b=b)


def _read_only_out(tmp: Path) -> list[str]:
    f = Files(tmp)
    ro = tmp / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    args = f.args("plan")
    args[args.index("--out") + 1] = str(ro / "plan")
    return args


def _stale_partial(tmp: Path) -> list[str]:
    (tmp / ".old.partial-999999").mkdir()
    return Files(tmp).args("plan")


def _stale_partial_gone(tmp: Path) -> str | None:
    return "a stale .partial folder was left behind" if (tmp / ".old.partial-999999").exists() else None


def _existing_out(tmp: Path) -> list[str]:
    (tmp / "plan").mkdir()
    (tmp / "plan" / "keep.txt").write_text("mine", encoding="utf-8")
    return Files(tmp).args("plan")


def _infeasible(f: Files) -> None:
    f.branches = [brow(f"B{i}", weak_lax="是") for i in range(30)]
    f.supervisors = [srow("S1", cap="1")]


def _python_o_newline(tmp: Path) -> list[str]:
    f = Files(tmp)
    f.supervisors[0][1] = "王芳\r\nX-INJECTED:1\r\nBEGIN:VEVENT"
    return f.args("plan")


CASES: list[Case] = [
    # item 1 (owned by the labels helper): scenario numbers
    scenario_case("weights nan", "[weights]\nplanning = nan\n"),
    scenario_case("weights inf", "[weights]\nplanning = inf\n"),
    scenario_case("repeat_value inf", "[rules]\nrepeat_value = [1.0, inf, 0.25]\n"),
    scenario_case("travel_penalty inf", "[rules]\ntravel_penalty = inf\n"),
    scenario_case("staleness_weight nan", "[risk]\nstaleness_weight = nan\n"),
    scenario_case("gap nan", "[solver]\ngap = nan\n"),
    scenario_case("district_min_share nan", "[rules]\ndistrict_min_share = nan\n"),
    scenario_case("high_from nan", "[risk]\nhigh_from = nan\n"),
    scenario_case("audit_share nan", "[rules]\naudit_share = nan\n"),
    # item 3: formula injection
    with_branches(
        "branch name =1+1",
        "3",
        _rename(0, "=1+1"),
        expect="accept",
        check=names_in_outputs("=1+1"),
        command="plan",
    ),
    with_branches(
        "supervisor name @SUM",
        "3",
        _rename(0, "@SUM(1+1)", sup=True),
        expect="accept",
        check=names_in_outputs("@SUM(1+1)"),
        command="plan",
    ),
    with_branches(
        "district +cmd / -2+3",
        "3",
        _district("-2+3"),
        expect="accept",
        check=names_in_outputs("-2+3"),
        command="plan",
    ),
    _record_case("record --out xlsx with formula names", False, "next.xlsx", _record_xlsx_has_no_formulas),
    _record_case("record --out csv with formula names", False, "next.csv", _record_csv_is_safe),
    # item 4: realistic names
    with_branches(
        "line break in supervisor name",
        "4",
        _rename(0, "王\n芳", sup=True),
        expect="accept",
        check=lambda t: names_in_outputs("王\n芳")(t) or _ics_ok(t),
        command="plan",
    ),
    with_branches(
        "line break in scenario name",
        "4",
        _scenario_text('name = "一季度\\n计划"\n' + SCENARIO),
        expect="accept",
        check=_ics_ok,
        command="plan",
    ),
    Case(
        "ICS injection under python -O",
        "4",
        _python_o_newline,
        expect="accept",
        check=_ics_ok,
        python_flags=("-O",),
    ),
    with_branches(
        "control characters in names",
        "4",
        _both(_rename(0, "控\x07制"), _rename(1, "李\x01强", sup=True)),
        expect="accept",
        check=names_in_outputs("控\x07制", "李\x01强"),
        command="plan",
    ),
    with_branches(
        "supervisor id of 301 bytes",
        "4",
        _long_id,
        expect="accept",
        check=names_in_outputs(LONG_ID),
        command="plan",
    ),
    _plan_with_report("district with $x^2$ (report)", "4", _district("$x^2$镇"), "$x^2$镇"),
    _plan_with_report(
        "<script> in names (report)",
        "4",
        _rename(0, "<script>alert(1)</script>"),
        "<script>alert(1)</script>",
    ),
    # item 5: small files, huge resources
    Case("10k rows, one duplicated id", "5", _big_csv(10_000, False), words=("B000007", "row 9")),
    Case("10k rows, all the same id", "5", _big_csv(10_000, True), words=("more problems",)),
    Case("zip bomb xlsx (1.2 M rows)", "5", _zip_bomb, words=("unpacked",)),
    Case("400k-row CSV", "5", _big_csv(400_000, False), words=("rows",)),
    # item 6: encodings
    Case("Big5 branch file", "6", _encoded("big5", "b", _traditional), words=("b.csv", "Big5")),
    Case("Latin-1 supervisor file", "6", _encoded("latin-1", "s", _latin), words=("s.csv", "Latin-1")),
    Case("UTF-16 tab-separated (Excel Unicode text)", "6", _utf16, words=("b.csv", "tabs")),
    Case(
        "GB18030 file",
        "6",
        _encoded("gb18030", "b", lambda f: None),
        expect="accept",
        check=names_in_outputs("B1党支部"),
    ),
    Case(
        "random bytes as CSV",
        "6",
        _raw_file("b.csv", random.Random(1).randbytes(4000)),
        words=("b.csv",),
    ),
    # item 7: silent acceptances
    with_branches("score 8,5", "7", _rename(0, "8,5", col="planning"), words=("decimal comma",)),
    with_branches("score 8_5", "7", _rename(0, "8_5", col="planning"), words=("not a number",)),
    Case("exact duplicate header column", "7", _exact_dup_header, words=("appears twice",)),
    with_branches(
        "last_visit in the future", "7", _rename(0, "2027-03-01", col="last_visit"), words=("future",)
    ),
    with_branches(
        "horizon.start on a Wednesday",
        "7",
        _scenario_text("[horizon]\nstart = 2027-01-06\n"),
        words=("Monday",),
    ),
    Case("GBK-encoded TOML", "7", _gbk_toml, words=("sc.toml", "UTF-8")),
    with_branches("members 2^63", "7", _rename(0, str(2**63), col="members"), words=("too large",)),
    _record_case("record --branches <supervisor file>", True, "next.csv"),
    # item 8: determinism
    Case("shuffled rows of both inputs", "8", _shuffled, expect="accept", check=_same_visits),
    # item 9: leftovers
    Case(
        "generate --supervisors 2000",
        "9",
        lambda t: ["generate", "--branches", "3000", "--supervisors", "2000", "--out", str(t / "g")],
        expect="accept",
    ),
    Case("read-only --out (9, types)", "9 (types)", _read_only_out, words=("ro",)),
    Case(
        "stale .partial folder (9, types)",
        "9 (types)",
        _stale_partial,
        expect="accept",
        check=_stale_partial_gone,
    ),
    # item 10: messages that mislead
    Case("semicolon-separated CSV", "10", _semicolons, words=("semicolons",)),
    Case("data on another sheet", "10", _other_sheet, words=("sheet '组织'",)),
    Case("title row above the header", "10", _title_row, words=("row 2",)),
    with_branches(
        "score 100.0000001", "10", _rename(0, "100.0000001", col="planning"), words=("100.0000001",)
    ),
    Case("formula without a saved value", "10", _formula_xlsx, words=("formula without a saved value",)),
    # classics: kinds handled before issue 11, kept honest
    Case("missing required column", "classic", _missing_column, words=("members",)),
    Case("empty file", "classic", _raw_file("b.csv", b""), words=("empty",)),
    Case("header only", "classic", _raw_file("b.csv", ",".join(B_HEADER).encode()), words=("no data rows",)),
    Case(
        "file does not exist",
        "classic",
        lambda t: Files(t).args("validate", b=t / "nope.csv"),
        words=("nope.csv",),
    ),
    Case(
        "a folder as --branches",
        "classic",
        lambda t: Files(t).args("validate", b=t),
        words=("folder",),
    ),
    Case("old .xls file", "classic", _raw_file("b.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 500), words=(".xlsx",)),
    Case("corrupt .xlsx", "classic", _raw_file("b.xlsx", b"PK\x03\x04 not really"), words=("b.xlsx",)),
    with_branches("score 150", "classic", _rename(0, "150", col="planning"), words=("outside",)),
    with_branches("negative members", "classic", _rename(0, "-4", col="members"), words=("negative",)),
    with_branches("date 2026-13-45", "classic", _rename(0, "2026-13-45", col="last_visit"), words=("date",)),
    with_branches("weak_lax maybe", "classic", _rename(0, "maybe", col="weak_lax"), words=("是/否",)),
    with_branches("blank required score", "classic", _rename(0, "", col="planning"), words=("empty",)),
    with_branches(
        "unknown home district", "classic", _rename(0, "北镇", col="home_district", sup=True), words=("北镇",)
    ),
    with_branches(
        "unknown skill", "classic", _rename(0, "cooking", col="skills", sup=True), words=("cooking",)
    ),
    with_branches(
        "leave week 99", "classic", _rename(0, "99", col="unavailable_weeks", sup=True), words=("99",)
    ),
    with_branches(
        "excluded unknown branch",
        "classic",
        _rename(0, "B99", col="excluded_branches", sup=True),
        words=("B99",),
    ),
    Case("column in English and Chinese", "classic", _en_zh_dup_header, words=("twice",)),
    Case("unquoted comma in a name", "classic", _ragged, words=("quotes",)),
    with_branches(
        "unknown scenario key",
        "classic",
        _scenario_text("[rules]\nmax_visit = 2\n"),
        words=("max_visits_per_branch",),
    ),
    with_branches("invalid TOML", "classic", _scenario_text("[rules\n"), words=("TOML",)),
    Case("--out not empty", "classic", _existing_out, words=("already exists",)),
    with_branches("infeasible rules", "classic", _infeasible, expect="infeasible", command="plan"),
]
