"""Reading and validating the branch and supervisor files: the only reader of user files.

Files are read as text, headers are mapped from English keys or Chinese names, each cell is
parsed leniently (是/否, 、-separated lists, GB18030 CSV), and the typed frame is checked against
the same column specs (planner/schema.py). Every problem is collected in one pass and raised
together as InputError.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import math
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.errors import InputError, Problem
from planner.safety import restore_text
from planner.schema import (
    BRANCH_COLUMNS,
    DIMENSIONS,
    FALSE_WORDS,
    HISTORY_COLUMNS,
    LIST_SEPARATORS,
    ORG_TYPES,
    OUTCOME_COLUMNS,
    SUPERVISOR_COLUMNS,
    TRUE_WORDS,
    ColumnSpec,
    dimension_key,
)

FIRST_DATA_ROW = 2  # the header is row 1 in Excel


@dataclass(frozen=True)
class Inputs:
    """Validated inputs: typed frames indexed 0..n-1 in id order (so that the same data in any
    row order gives the same plan), the files' digests, and how each file was decoded."""

    branches: pd.DataFrame
    supervisors: pd.DataFrame
    sources: Mapping[str, str]
    # what the files do not say but the plan depends on: unknown columns, missing optional ones
    warnings: tuple[str, ...] = ()
    encodings: Mapping[str, str] = field(default_factory=dict)
    # the history (督导台账) of visits that happened: branch_id, supervisor_id, date, focus;
    # only rows of known branches and supervisors (the others are counted in `warnings`)
    history: pd.DataFrame | None = None
    history_file: str | None = None  # the history's file name (summary.json "history_file")


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# Inputs beyond these sizes are refused before they are parsed (README, "Inputs"): a file this
# large is not a county's or a province's list, and parsing it would take minutes and gigabytes.
MAX_ROWS = 300_000
MAX_COLUMNS = 200
MAX_CELLS = 10_000_000
MAX_CSV_BYTES = 200 * 2**20
MAX_XLSX_UNCOMPRESSED = 400 * 2**20
LARGEST_FILE_ROWS = 6_000_000  # --max-rows at most: every grassroots organisation of China (~5.2 M)
HEADER_SEARCH_ROWS = 10  # a header this far down is found and named (a title row above it)


@dataclass(frozen=True)
class SizeLimits:
    """The sizes above which an input file is refused before it is parsed."""

    rows: int
    cells: int
    csv_bytes: int
    xlsx_bytes: int


_SIZE_LIMITS: ContextVar[SizeLimits | None] = ContextVar("dudao_size_limits", default=None)


def _limits() -> SizeLimits:
    return _SIZE_LIMITS.get() or SizeLimits(MAX_ROWS, MAX_CELLS, MAX_CSV_BYTES, MAX_XLSX_UNCOMPRESSED)


@contextmanager
def size_limits(max_rows: int) -> Iterator[None]:
    """Read files of up to `max_rows` rows (a province or a nation: `--max-rows`) in this block;
    the cell and byte limits grow in proportion. Never below the defaults."""
    if not 1 <= max_rows <= LARGEST_FILE_ROWS:
        raise InputError([Problem("command line", f"--max-rows must be 1 to {LARGEST_FILE_ROWS:,}.")])
    scale = max(1.0, max_rows / MAX_ROWS)
    token = _SIZE_LIMITS.set(
        SizeLimits(
            max(max_rows, MAX_ROWS),
            int(MAX_CELLS * scale),
            int(MAX_CSV_BYTES * scale),
            int(MAX_XLSX_UNCOMPRESSED * scale),
        )
    )
    try:
        yield
    finally:
        _SIZE_LIMITS.reset(token)


GB_FAMILY = ("gb18030", "gbk", "gb2312", "hz")


def _known_headers() -> set[str]:
    specs = (*BRANCH_COLUMNS, *SUPERVISOR_COLUMNS, *OUTCOME_COLUMNS)
    return {s.key for s in specs} | {s.zh for s in specs}


def _header_hits(cells: list[str]) -> int:
    known = _known_headers()
    return sum(1 for c in cells if c.strip() in known or c.strip().lower() in known)


def _refuse(file: str, message: str) -> InputError:
    return InputError([Problem(file, message)])


def read_table(path: Path) -> pd.DataFrame:
    """A CSV (UTF-8, UTF-8 with BOM or GB18030) or the first sheet of an XLSX, all as text.

    The columns are the header row's labels as written (duplicates kept, for the validation to
    name); the index is each data row's Excel row number minus FIRST_DATA_ROW. `attrs["encoding"]`
    says how a CSV was decoded. A table that is too large, mis-encoded, split by another delimiter,
    has its header further down or its data on another sheet is refused with a sentence saying so.
    """
    path = Path(path)
    file = path.name
    if path.is_dir():
        raise _refuse(file, f"is a folder, not a file ({path}).")
    if not path.is_file():
        raise _refuse(file, f"does not exist ({path}).")
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise _refuse(
            file, "is an old Excel 97-2003 file; save it as an Excel workbook (.xlsx) or as CSV UTF-8."
        )
    if suffix in (".xlsx", ".xlsm"):
        grid = _read_xlsx(path)
        encoding, quotes = "xlsx", False
    else:
        grid, encoding, quotes = _read_csv(path)
    frame = _frame_from_grid(grid, file)
    if quotes:
        # a text cell this planner neutralised for spreadsheets ('=...) reads back as it was
        labels = list(frame.columns)
        frame.columns = pd.RangeIndex(len(labels))  # labels may repeat; work by position
        for j in range(len(labels)):
            frame[j] = [restore_text(v) if v[:1] == "'" else v for v in frame[j].tolist()]
        frame.columns = labels
    frame.attrs["encoding"] = encoding
    return frame


def _frame_from_grid(grid: list[list[str]], file: str) -> pd.DataFrame:
    if not grid or not any(c.strip() for row in grid[:HEADER_SEARCH_ROWS] for c in row):
        raise _refuse(file, "is empty.")
    width = max(len(r) for r in grid)
    header = [c.strip() for c in grid[0]] + [""] * (width - len(grid[0]))
    if _header_hits(header) == 0:
        for k, row in enumerate(grid[1:HEADER_SEARCH_ROWS], start=2):
            if _header_hits(row) >= 2:
                raise _refuse(
                    file,
                    f"the column headers are on row {k}, not on row 1: delete the row"
                    f"{'s' if k > 2 else ''} above them (a title) so that the headers are the first row.",
                )
    # missing cells of short rows are blank; the columns are the header's labels as written
    frame = pd.DataFrame(grid[1:], columns=range(width), dtype="str").fillna("")
    frame.columns = header
    frame.index = pd.RangeIndex(len(frame))
    return frame


def _check_size(file: str, lines: int, columns: int) -> None:
    """`lines`: the file's rows with its header."""
    limits = _limits()
    rows = max(lines - 1, 0)
    larger = f" (a larger province: planner plan --max-rows, up to {LARGEST_FILE_ROWS:,})"
    if rows > limits.rows:
        raise _refuse(
            file,
            f"has more than {limits.rows:,} rows; the planner reads at most {limits.rows:,} rows per "
            f"file{larger if limits.rows < LARGEST_FILE_ROWS else ''}.",
        )
    if columns > MAX_COLUMNS:
        raise _refuse(file, f"has {columns} columns; the planner reads at most {MAX_COLUMNS}.")
    if rows * columns > limits.cells:
        raise _refuse(
            file, f"has {rows:,} rows × {columns} columns; the planner reads at most {limits.cells:,} cells."
        )


_ENCODING_NAMES = {
    "big5": "Big5 (Traditional Chinese)",
    "big5hkscs": "Big5-HKSCS (Traditional Chinese)",
    "cp950": "Big5 (Traditional Chinese)",
    "cp1252": "Windows-1252 (Western European)",
    "latin_1": "Latin-1 (Western European)",
    "iso8859_1": "Latin-1 (Western European)",
    "shift_jis": "Shift-JIS (Japanese)",
    "cp932": "Shift-JIS (Japanese)",
    "euc_jp": "EUC-JP (Japanese)",
    "cp949": "EUC-KR (Korean)",
    "euc_kr": "EUC-KR (Korean)",
    "utf_16": "UTF-16",
}


def _gb2312_share(text: str) -> float:
    """Of the non-ASCII characters, the share in GB2312 (the common simplified Chinese set)."""
    wide = [ch for ch in text if ord(ch) > 0x7F]
    if not wide:
        return 1.0
    ok = 0
    for ch in wide:
        try:
            ch.encode("gb2312")
            ok += 1
        except UnicodeEncodeError:
            pass
    return ok / len(wide)


def decode_text(raw: bytes, file: str) -> tuple[str, str]:
    """The text of a CSV file and the encoding assumed: UTF-8 (with or without BOM) or GB18030.

    Bytes that are not UTF-8 are taken as GB18030 (what Excel saves on a Chinese Windows) only
    when that reads as common Chinese, or a detector (charset-normalizer) agrees; a file in Big5,
    Latin-1 or anything else would decode to garbled names, so it is refused, naming the
    encoding it most likely is.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    import charset_normalizer

    best = charset_normalizer.from_bytes(raw).best()
    guess = best.encoding if best is not None else None
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and (_gb2312_share(text) >= 0.9 or guess in GB_FAMILY):
        return text, "GB18030"
    save_as = "save it as CSV UTF-8 (Excel: Save As → CSV UTF-8) or as an Excel workbook"
    if guess is not None and guess not in GB_FAMILY:
        name = _ENCODING_NAMES.get(guess, guess)
        if guess.startswith(("cp125", "iso8859", "latin", "mac_")):
            name = f"Latin-1 or another European code page ({guess})"
        raise _refuse(
            file,
            f"is neither UTF-8 nor GB18030 text: it looks like {name}, which would be read as garbled "
            f"names; {save_as}.",
        )
    raise _refuse(file, f"is neither UTF-8 nor GB18030 text (its encoding cannot be told); {save_as}.")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # C0 controls but tab, line feed, return
_DELIMITERS = {";": "semicolons (;)", "\t": "tabs", "|": "vertical bars (|)", "，": "Chinese commas (，)"}


def _read_csv(path: Path) -> tuple[list[list[str]], str, bool]:
    """The rows of a CSV, the encoding assumed, and whether any cell may hold a quote."""
    import csv
    from io import StringIO

    file = path.name
    size = path.stat().st_size
    most = _limits().csv_bytes
    if size > most:
        raise _refuse(
            file, f"is {size / 2**20:.0f} MB; the planner reads CSV files up to {most // 2**20:,} MB."
        )
    raw = path.read_bytes()
    text, encoding = decode_text(raw, file)
    if not text.strip():
        raise _refuse(file, "is empty.")
    controls = len(_CONTROL.findall(text, 0, 100_000))
    if controls > max(3, len(text[:100_000]) // 100):
        raise _refuse(
            file, "is not a text (CSV) file: it holds binary data. Give a CSV or an Excel workbook (.xlsx)."
        )
    # lines end in \r\n, \n or (Excel's "CSV (Macintosh)") a lone \r: StringIO(newline="") splits
    # at each without changing the text, as the csv module wants its lines
    first = StringIO(text.lstrip("\ufeff"), newline="").readline().rstrip("\r\n")
    try:
        header = next(csv.reader([first]), [])
    except csv.Error as exc:
        raise _refuse(file, f"is not a well-formed CSV file: {exc}.") from exc
    _check_size(file, max(text.count("\n"), text.count("\r")), len(header))
    if _header_hits(header) == 0:
        for sep, name in _DELIMITERS.items():
            if _header_hits(first.split(sep)) >= 2:
                raise _refuse(
                    file,
                    f"its columns are separated by {name}, not by commas: save it as CSV "
                    "(comma-separated, UTF-8) or as an Excel workbook.",
                )
    try:
        rows = list(csv.reader(StringIO(text.lstrip("\ufeff"), newline=""), skipinitialspace=True))
    except csv.Error as exc:
        raise _refuse(file, f"is not a well-formed CSV file: {exc}.") from exc
    if _header_hits(header) == 0:
        for k, row in enumerate(rows[1:HEADER_SEARCH_ROWS], start=2):
            if _header_hits(row) >= 2:
                raise _refuse(
                    file,
                    f"the column headers are on row {k}, not on row 1: delete the row"
                    f"{'s' if k > 2 else ''} above them (a title) so that the headers are the first row.",
                )
    width = len(rows[0]) if rows else 0
    ragged = [
        Problem(
            file,
            f"has {len(row)} cells but the header has {width}: a name with a comma must be in quotes.",
            row=r,
        )
        for r, row in enumerate(rows[1:], start=FIRST_DATA_ROW)
        if len(row) > width and any(c.strip() for c in row[width:])
    ]
    if ragged:
        raise InputError(cap_problems(ragged, per_row_problems=True))
    return [r if len(r) <= width else r[:width] for r in rows], encoding, "'" in text


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >/]")


def _read_xlsx(path: Path) -> list[list[str]]:
    try:
        return _read_workbook(path)
    except (InputError, MemoryError):
        raise
    except Exception as exc:  # a damaged part: zipfile, zlib, the XML parser and openpyxl raise many types
        raise _refuse(
            path.name,
            f"is not a readable Excel file: it is damaged ({exc.__class__.__name__}: {exc}). Open and save "
            "it again in Excel/WPS, or save it as CSV UTF-8.",
        ) from exc


def _read_workbook(path: Path) -> list[list[str]]:
    import zipfile

    import openpyxl

    file = path.name
    try:
        with zipfile.ZipFile(path) as z:
            members = z.infolist()
            expanded = sum(m.file_size for m in members)
            most = _limits().xlsx_bytes
            if expanded > most:
                raise _refuse(
                    file,
                    f"expands to {expanded / 2**20:,.0f} MB when unpacked; the planner reads workbooks up "
                    f"to {most // 2**20} MB unpacked (is it really a branch list?).",
                )
            has_formulas = any(
                _member_has(z, m, _FORMULA_TAG)
                for m in members
                if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml")
            )
    except zipfile.BadZipFile as exc:
        raise _refuse(file, "is not a readable Excel file (it is not an .xlsx workbook).") from exc
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise _refuse(file, f"is not a readable Excel file: {exc}.") from exc
    try:
        sheets = book.worksheets
        if not sheets:
            raise _refuse(file, "has no worksheet.")
        grid = _sheet_grid(sheets[0], file)
        if not grid or _header_hits(grid[0]) == 0:
            others = [ws.title for ws in sheets[1:] if _header_hits((_sheet_grid(ws, file, 1) or [[]])[-1])]
            if others:
                raise _refuse(
                    file,
                    f"the first sheet '{sheets[0].title}' has no columns the planner knows; the data seems "
                    f"to be on sheet '{others[0]}': move that sheet to the front (the planner reads the "
                    "first sheet).",
                )
    finally:
        book.close()
    if has_formulas:
        _unsaved_formulas(path, grid)
    return grid


def _unsaved_formulas(path: Path, grid: list[list[str]]) -> None:
    """Refuse a sheet with formulas whose value was never computed (a file written by a program,
    not saved by Excel): they would read as empty cells."""
    import openpyxl

    file = path.name
    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    problems = []
    try:
        rows = book.worksheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True)
        for r, row in enumerate(rows):
            if r >= len(grid):
                break
            for c, value in enumerate(row):
                if not (isinstance(value, str) and value.startswith("=")) or c >= len(grid[r]) or grid[r][c]:
                    continue
                cell = f"{_column_letter(c + 1)}{r + 1}"
                problems.append(
                    Problem(
                        file,
                        f"cell {cell} holds a formula without a saved value ({value[:40]}): open and "
                        "save the file in Excel/WPS so that its values are stored.",
                        row=r + 1,
                        column=grid[0][c] or _column_letter(c + 1),
                    )
                )
    finally:
        book.close()
    if problems:
        raise InputError(cap_problems(problems))


def _excel_cell_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


# optional columns whose absence changes the plan, and what their absence means
PLANNING_COLUMNS = {
    "last_visit": "every branch counts as never visited, so each is overdue when rules.overdue_days > 0",
    "weak_lax": "no branch counts as weak and lax (软弱涣散), so none gets those mandatory visits",
}


def column_warnings(columns: list[str], specs: tuple[ColumnSpec, ...], file: str) -> list[str]:
    """Unrecognised columns, each with the column it probably means; missing planning columns."""
    names = {s.zh: s for s in specs} | {s.key: s for s in specs}
    found: set[str] = set()
    out = []
    for col in columns:
        label = str(col).strip()
        spec = names.get(label, names.get(label.lower()))
        if spec is not None:
            found.add(spec.key)
            continue
        if label.startswith("Unnamed:") or not label:
            continue
        guess = difflib.get_close_matches(label, list(names), n=1, cutoff=0.6)
        if guess:
            s = names[guess[0]]
            out.append(
                f"{file}: the column '{label}' is not one Dudao reads and is ignored; "
                f"did you mean '{s.zh}' ({s.key})?"
            )
        else:
            out.append(f"{file}: the column '{label}' is not one Dudao reads and is ignored.")
    for s in specs:
        if s.key in PLANNING_COLUMNS and s.key not in found:
            out.append(f"{file}: there is no '{s.zh}' ({s.key}) column: {PLANNING_COLUMNS[s.key]}.")
    return out


def _member_has(z: Any, member: Any, pattern: re.Pattern[bytes]) -> bool:
    """Whether a zip member's bytes match `pattern`, read in chunks (never all at once)."""
    tail = b""
    with z.open(member) as f:
        while chunk := f.read(1 << 20):
            if pattern.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


def _sheet_grid(sheet: Any, file: str, limit: int | None = None) -> list[list[str]]:
    grid: list[list[str]] = []
    blank_run = 0
    for row in sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True):
        cells = [_excel_cell_text(v) for v in row]
        if len(cells) > MAX_COLUMNS and cells[MAX_COLUMNS]:
            raise _refuse(
                file, f"has more than {MAX_COLUMNS} columns; the planner reads at most {MAX_COLUMNS}."
            )
        cells = cells[:MAX_COLUMNS]
        if not any(cells):
            blank_run += 1
            grid.append(cells)
            continue
        blank_run = 0
        grid.append(cells)
        _check_size(file, len(grid), 1)
        if limit is not None and len(grid) >= limit:
            break
    if blank_run:
        del grid[len(grid) - blank_run :]
    # trailing columns that are empty everywhere (formatting) are dropped
    width = max((max((i + 1 for i, c in enumerate(r) if c), default=0) for r in grid), default=0)
    _check_size(file, len(grid), width)
    return [r[:width] for r in grid]


def _column_letter(number: int) -> str:
    """The spreadsheet name of the column `number` (1 → A, 27 → AA), as the user sees it."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _map_headers(
    frame: pd.DataFrame, specs: tuple[ColumnSpec, ...], file: str, problems: list[Problem]
) -> pd.DataFrame:
    by_name = {s.zh: s.key for s in specs} | {s.key: s.key for s in specs}
    positions: list[int] = []
    keys: list[str] = []
    seen: dict[str, tuple[int, str]] = {}
    for pos, col in enumerate(frame.columns):
        label = str(col).strip()
        key = by_name.get(label, by_name.get(label.lower()))
        if key is None:
            continue  # extra columns are kept out of the model and ignored
        if key in seen:
            first_pos, first_label = seen[key]
            where = f"columns {_column_letter(first_pos + 1)} and {_column_letter(pos + 1)}"
            as_what = f"'{label}'" if label == first_label else f"'{first_label}' and '{label}'"
            problems.append(
                Problem(file, f"the column appears twice (as {as_what}, {where}); keep one.", column=label)
            )
            continue
        seen[key] = (pos, label)
        positions.append(pos)
        keys.append(key)
    cells = {
        k: [str(v).strip() for v in frame.iloc[:, p].tolist()] for k, p in zip(keys, positions, strict=True)
    }
    filled = np.zeros(len(frame), dtype=bool)
    for values in cells.values():
        filled |= np.asarray(values, dtype=object) != ""
    typed = pd.DataFrame(cells, index=frame.index, columns=keys, dtype=object)
    # blank rows are dropped but the index keeps each row's place: row numbers stay true
    return typed.loc[filled]


_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]0{1,2}:00(?::00)?)?$")


MAX_COUNT = 1_000_000  # no branch has more members, no supervisor more visits a week
_PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")


def _parse_number(text: str) -> float | None:
    """A number as people type it (8.5, 1,234, full-width digits), else None.

    `8,5` (a decimal comma) and `8_5` are not numbers: Python would read them as 85. Nor are
    footnote marks and circled numbers (`12¹`, `⑫`), which NFKC would turn into digits.
    """
    if not _PLAIN.fullmatch(text):  # the common case first: plain ASCII digits
        if any(unicodedata.category(ch) == "No" for ch in text):
            return None
        text = unicodedata.normalize("NFKC", text).strip()
        if _THOUSANDS.fullmatch(text):
            text = text.replace(",", "")
        elif not _PLAIN.fullmatch(text):
            return None
    value = float(text)
    return value if math.isfinite(value) else None


def _number_error(text: str) -> str:
    if _DECIMAL_COMMA.fullmatch(unicodedata.normalize("NFKC", text).strip()):
        return f"'{text}' has a decimal comma; write it with a point ({text.replace(',', '.')})."
    return f"'{text}' is not a number."


def _fmt(value: float) -> str:
    """A number with every digit that matters: 100.0000001 is not shown as 100."""
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))


def _parse_cell(kind: str, text: str) -> tuple[Any, str | None]:
    """(value, None) or (None, what is wrong) for one non-blank cell."""
    if kind in ("text", "org_type"):
        return text, None
    if kind in ("int", "score"):
        value = _parse_number(text)
        if value is None:
            return None, _number_error(text)
        if kind == "int" and not value.is_integer():
            return None, f"'{text}' is not a whole number."
        if kind == "int" and value > MAX_COUNT:
            return None, f"'{text}' is too large (at most {MAX_COUNT:,})."
        if kind == "int" and value < -(2**63):  # below what a count column holds (-4 is the check's)
            return None, f"'{text}' is negative; a count must be 0 or more."
        return (int(value) if kind == "int" else value), None
    if kind == "date":
        m = _DATE.match(text)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3])), None
            except ValueError:
                pass
        return None, f"'{text}' is not a date like 2026-03-31."
    if kind == "bool":
        word = text.lower()
        if word in TRUE_WORDS:
            return True, None
        if word in FALSE_WORDS:
            return False, None
        return None, f"'{text}' is not 是/否 (yes/no)."
    items = tuple(x for x in re.split(LIST_SEPARATORS, text) if x)
    if kind == "weeks":
        weeks = []
        for item in items:
            value = _parse_number(item)
            if value is None or not value.is_integer() or abs(value) > MAX_COUNT:
                return None, f"'{item}' is not a week number."
            weeks.append(int(value))
        return tuple(sorted(set(weeks))), None
    return items, None


_BLANK: dict[str, Callable[[], Any]] = {
    "text": lambda: None,
    "org_type": lambda: "党支部",
    "int": lambda: None,
    "score": lambda: None,
    "date": lambda: None,
    "bool": lambda: False,
    "list": tuple,
    "weeks": tuple,
}


_NOT_PLAIN = re.compile(r"[^0-9.eE+\-\n]")  # a character no plain ASCII number has ("\n" joins cells)


def _plain_numbers(cells: list[str]) -> np.ndarray | None:
    """The values of cells that are all plain ASCII numbers (62, 8.5, -3, 1e3), read at once;
    None if any is not, or is not finite. Over these characters float() reads exactly the texts
    _PLAIN matches, so the values are those of _parse_number."""
    if _NOT_PLAIN.search("\n".join(cells)):
        return None
    try:
        values = np.fromiter(map(float, cells), dtype=float, count=len(cells))
    except ValueError:
        return None
    return values if np.isfinite(values).all() else None


def _parse_column(
    spec: ColumnSpec, cells: np.ndarray, index: pd.Index, file: str, problems: list[Problem]
) -> pd.Series:
    """One column of stripped texts, typed as `_parse_cell` types each cell; its problems are
    added to `problems` in row order."""
    blank = cells == ""
    if spec.kind in ("text", "org_type"):
        values = cells.copy()
        values[blank] = _BLANK[spec.kind]()
        return pd.Series(values, index=index, dtype=object)
    if spec.kind in ("int", "score"):  # the common case: every number plain, read at once
        numbers = _plain_numbers(cells[~blank].tolist())
        whole = numbers is not None and bool(
            np.all((numbers == np.floor(numbers)) & (np.abs(numbers) <= MAX_COUNT))
        )
        if numbers is not None and (spec.kind == "score" or whole):
            read = np.full(len(cells), np.nan)
            read[~blank] = numbers
            series = pd.Series(read, index=index)
            return series.astype("Int64") if spec.kind == "int" else series
    # the other cells one by one (full-width digits, 1,234, dates, lists), each distinct text once
    codes, distinct = pd.factorize(cells)
    parsed = [
        (_BLANK[spec.kind](), None) if t == "" else _parse_cell(spec.kind, t) for t in distinct.tolist()
    ]
    by_code = np.empty(len(parsed), dtype=object)
    for k, (value, _) in enumerate(parsed):
        by_code[k] = value
    failed = np.array([error is not None for _, error in parsed], dtype=bool)
    for pos in np.flatnonzero(failed[codes]).tolist():
        message = parsed[codes[pos]][1]
        row = int(str(index[pos])) + FIRST_DATA_ROW
        problems.append(Problem(file, str(message), row=row, column=spec.zh))
    series = pd.Series(by_code[codes], index=index, dtype=object)
    if spec.kind in ("int", "score"):
        series = pd.to_numeric(series, errors="coerce")
        if spec.kind == "int":
            series = series.astype("Int64")
    return series


def _parse_columns(
    text: pd.DataFrame, specs: tuple[ColumnSpec, ...], file: str, problems: list[Problem]
) -> pd.DataFrame:
    out = {
        spec.key: _parse_column(spec, text[spec.key].to_numpy(dtype=object), text.index, file, problems)
        for spec in specs
        if spec.key in text.columns
    }
    return pd.DataFrame(out, index=text.index)


# A required column of these kinds needs a value on every row (a blank date, yes/no or list has a
# meaning: never, no, none).
_VALUE_REQUIRED: tuple[str, ...] = ("text", "org_type", "int", "score")

# What a parsed value of a kind must be, and the sentence for one that is not.
_VALUE_RULES: dict[str, tuple[Callable[[pd.Series], Any], Callable[[Any], str]]] = {
    "score": (lambda v: v.between(0, 100), lambda x: f"{_fmt(x)} is outside 0–100."),
    "int": (lambda v: v >= 0, lambda x: f"{x} is negative; a count must be 0 or more."),
    "org_type": (
        lambda v: v.isin(ORG_TYPES),
        lambda x: f"'{x}' is not one of {' / '.join(ORG_TYPES)}.",
    ),
}


def _check_problems(frame: pd.DataFrame, specs: tuple[ColumnSpec, ...], file: str) -> list[Problem]:
    """What the specs require of a parsed frame: its required columns, a value in every cell of a
    required column (_VALUE_REQUIRED), and values within their kind's rule (_VALUE_RULES).
    Missing columns first, then column by column, each in row order."""
    problems = [
        Problem(file, f"the required column '{s.key}' ({s.zh}) is missing.", column=s.zh)
        for s in specs
        if s.required and s.key not in frame.columns
    ]
    for s in specs:
        if s.key not in frame.columns:
            continue
        column = frame[s.key]
        blank = column.isna().to_numpy(dtype=bool)
        empty = blank if s.required and s.kind in _VALUE_REQUIRED else np.zeros(len(column), dtype=bool)
        wrong = np.zeros(len(column), dtype=bool)
        rule = _VALUE_RULES.get(s.kind)
        if rule is not None and not blank.all():
            wrong[~blank] = ~np.asarray(rule[0](column[~blank]), dtype=bool)
        flagged = np.flatnonzero(empty | wrong)
        for k, label, value in zip(
            flagged.tolist(), column.index[flagged].tolist(), column.iloc[flagged].tolist(), strict=True
        ):
            message = rule[1](value) if rule is not None and wrong[k] else "is empty; a value is required."
            problems.append(Problem(file, message, row=int(str(label)) + FIRST_DATA_ROW, column=s.zh))
    return problems


def _duplicate_problems(
    frame: pd.DataFrame, id_key: str, specs: tuple[ColumnSpec, ...], file: str
) -> list[Problem]:
    """One problem per row whose id is used before or after, naming a few of the other rows."""
    if id_key not in frame.columns:
        return []
    ids = frame[id_key].dropna()
    dup = ids[ids.duplicated(keep=False)]
    if dup.empty:
        return []
    zh = {s.key: s.zh for s in specs}[id_key]
    problems = []
    for value, group in dup.groupby(dup, sort=False):
        rows = [int(str(i)) + FIRST_DATA_ROW for i in group.index]
        for row in rows:
            others = [r for r in rows if r != row]
            shown = ", ".join(str(r) for r in others[:3])
            more = f" and {len(others) - 3} more" if len(others) > 3 else ""
            problems.append(
                Problem(file, f"duplicate id '{value}' (also on row {shown}{more}).", row=row, column=zh)
            )
    return problems


PROBLEMS_PER_COLUMN = 20


def cap_problems(
    problems: list[Problem], per_column: int = PROBLEMS_PER_COLUMN, *, per_row_problems: bool = False
) -> list[Problem]:
    """At most `per_column` problems per file and column (or, with `per_row_problems`, per file
    for problems about whole rows), then one line saying how many more."""
    kept: list[Problem] = []
    counts: dict[tuple[str, str | None], int] = {}
    for p in problems:
        key = (p.file, p.column)
        counts[key] = counts.get(key, 0) + 1
        capped = p.column is not None or (per_row_problems and p.row is not None)
        if not capped or counts[key] <= per_column:
            kept.append(p)
    for (file, column), n in counts.items():
        if n > per_column and (column is not None or per_row_problems):
            where = "in this column" if column is not None else "like these"
            kept.append(Problem(file, f"… and {n - per_column} more problems {where}.", column=column))
    return kept


def _validate_frame(
    raw: pd.DataFrame, specs: tuple[ColumnSpec, ...], id_key: str, file: str
) -> tuple[pd.DataFrame, list[Problem]]:
    problems: list[Problem] = []
    text = _map_headers(raw, specs, file, problems)
    if text.empty:
        problems.append(Problem(file, "has no data rows."))
        return text, problems
    typed = _parse_columns(text, specs, file, problems)
    parsed = {(p.row, p.column) for p in problems}
    # a cell that could not be parsed is also blank to the checks: report it once
    problems += [
        p
        for p in _check_problems(typed, specs, file)
        if not (p.message.startswith("is empty") and (p.row, p.column) in parsed)
    ]
    problems += _duplicate_problems(typed, id_key, specs, file)
    return typed, problems


def _cross_checks(
    branches: pd.DataFrame, supervisors: pd.DataFrame, horizon_weeks: int, file: str
) -> list[Problem]:
    problems: list[Problem] = []
    districts = set(branches.get("district", pd.Series(dtype=object)).dropna())
    branch_ids = set(branches.get("branch_id", pd.Series(dtype=object)).dropna())
    zh = {s.key: s.zh for s in SUPERVISOR_COLUMNS}
    for i, row in zip(supervisors.index, supervisors.to_dict("records"), strict=True):
        r = int(str(i)) + FIRST_DATA_ROW
        home = row.get("home_district")
        if home is not None and districts and home not in districts:
            problems.append(
                Problem(
                    file,
                    f"district '{home}' has no branches; known districts: "
                    f"{', '.join(sorted(districts)[:12])}.",
                    r,
                    zh["home_district"],
                )
            )
        for skill in row.get("skills") or ():
            if dimension_key(skill) is None:
                problems.append(
                    Problem(
                        file,
                        f"'{skill}' is not a health dimension (use one of "
                        f"{', '.join(DIMENSIONS)} or their Chinese names).",
                        r,
                        zh["skills"],
                    )
                )
        for week in row.get("unavailable_weeks") or ():
            if not 1 <= week <= horizon_weeks:
                problems.append(
                    Problem(
                        file,
                        f"week {week} is outside the plan's weeks 1–{horizon_weeks}.",
                        r,
                        zh["unavailable_weeks"],
                    )
                )
        for bid in row.get("excluded_branches") or ():
            if bid not in branch_ids:
                problems.append(
                    Problem(file, f"branch '{bid}' is not in the branch file.", r, zh["excluded_branches"])
                )
    problems += _contact_checks(branches, supervisors, file)
    return problems


def _contact_checks(branches: pd.DataFrame, supervisors: pd.DataFrame, file: str) -> list[Problem]:
    """A contact point (联系点) is a branch of the file, of one supervisor only, who may visit it."""
    if "contact_branches" not in supervisors.columns:
        return []
    problems: list[Problem] = []
    column = "联系点"
    counties = branches["county"] if "county" in branches.columns else pd.Series(None, index=branches.index)
    county = dict(zip(branches["branch_id"], counties, strict=True))
    owner: dict[str, tuple[str, int]] = {}
    for i, row in zip(supervisors.index, supervisors.to_dict("records"), strict=True):
        r = int(str(i)) + FIRST_DATA_ROW
        sid = row.get("supervisor_id")
        for bid in row.get("contact_branches") or ():
            if bid not in county:
                problems.append(Problem(file, f"contact point '{bid}' is not in the branch file.", r, column))
            elif bid in owner:
                problems.append(
                    Problem(
                        file,
                        f"'{bid}' is already the contact point of '{owner[bid][0]}' (row {owner[bid][1]}); "
                        "a branch has one 责任人.",
                        r,
                        column,
                    )
                )
            elif bid in (row.get("excluded_branches") or ()):
                problems.append(
                    Problem(
                        file, f"'{bid}' is both a contact point and excluded (回避) for {sid}.", r, column
                    )
                )
            elif county[bid] and row.get("county") and county[bid] != row.get("county"):
                problems.append(
                    Problem(
                        file,
                        f"contact point '{bid}' is in county '{county[bid]}', not in {sid}'s.",
                        r,
                        column,
                    )
                )
            owner.setdefault(bid, (str(sid), r))
    return problems


def _responsible_warnings(branches: pd.DataFrame, supervisors: pd.DataFrame, file: str) -> list[str]:
    """A 责任人 the plan cannot keep as written: not in the supervisor file (a typo, or someone who
    left), or not the contact supervisor of a contact point. Warnings, not errors: the plan names
    another 责任人 and says why in branches.csv (`responsible_changed`)."""
    if "responsible_supervisor" not in branches.columns:
        return []
    column = {s.key: s.zh for s in BRANCH_COLUMNS}["responsible_supervisor"]
    known = set(supervisors["supervisor_id"])
    contact = {
        bid: str(sid)
        for sid, ids in zip(
            supervisors["supervisor_id"],
            supervisors.get("contact_branches", pd.Series([()] * len(supervisors))),
            strict=True,
        )
        for bid in (ids or ())
    }
    out: list[str] = []
    rows = zip(branches.index, branches["branch_id"], branches["responsible_supervisor"], strict=True)
    for i, bid, own in rows:
        if not isinstance(own, str) or not own:
            continue
        where = f"{file}: row {int(str(i)) + FIRST_DATA_ROW}, column {column}"
        if own not in known:
            near = difflib.get_close_matches(own, sorted(known), n=1, cutoff=0.5)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            out.append(
                f"{where}: '{own}' is not in the supervisor file{hint}; the plan gives the branch another "
                "责任人 and says why in branches.csv (responsible_changed: not_in_file)."
            )
        elif bid in contact and contact[bid] != own:
            out.append(
                f"{where}: '{bid}' is a contact point (联系点) of '{contact[bid]}', who is therefore its "
                f"责任人; '{own}' is not kept (responsible_changed: contact_point)."
            )
    if len(out) > 20:
        out = [*out[:20], f"{file}: {len(out) - 20} more 责任人 warnings like these."]
    return out


def validate_frames(
    branches_raw: pd.DataFrame | None,
    supervisors_raw: pd.DataFrame | None,
    *,
    horizon_weeks: int,
    names: tuple[str, str] = ("branches", "supervisors"),
    sources: Mapping[str, str] | None = None,
    problems: list[Problem] | None = None,
    horizon_start: dt.date | None = None,
) -> Inputs:
    """Validate raw (text) frames as read from files; raise InputError with every problem.

    A frame that could not be read is None; the other is still checked, and `problems` holds
    what was found while reading. With `horizon_start`, a last visit after it is an error.
    """
    problems = list(problems or [])
    branches = supervisors = pd.DataFrame()
    warnings: list[str] = []
    if branches_raw is not None:
        warnings += column_warnings(list(branches_raw.columns), BRANCH_COLUMNS, names[0])
    if supervisors_raw is not None:
        warnings += column_warnings(list(supervisors_raw.columns), SUPERVISOR_COLUMNS, names[1])
    if branches_raw is not None:
        branches, found = _validate_frame(branches_raw, BRANCH_COLUMNS, "branch_id", names[0])
        problems += found
    if supervisors_raw is not None:
        supervisors, found = _validate_frame(supervisors_raw, SUPERVISOR_COLUMNS, "supervisor_id", names[1])
        problems += found
    if not supervisors.empty and not branches.empty:
        problems += _cross_checks(branches, supervisors, horizon_weeks, names[1])
    for key, what in (
        ("last_visit", "a last visit cannot be in the future"),
        ("rectified_on", "the day a rectification was accepted (销号) cannot be in the future"),
    ):
        if horizon_start is None or key not in branches.columns:
            continue
        zh = {s.key: s.zh for s in BRANCH_COLUMNS}[key]
        for i, day in branches[key].dropna().items():
            if day > horizon_start:
                problems.append(
                    Problem(
                        names[0],
                        f"{day} is after the plan's start ({horizon_start}); {what}.",
                        int(str(i)) + FIRST_DATA_ROW,
                        zh,
                    )
                )
    if problems:
        raise InputError(cap_problems(problems))
    if not supervisors.empty and not branches.empty:
        warnings += _responsible_warnings(branches, supervisors, names[0])
    return Inputs(
        branches=_finish_branches(branches),
        supervisors=_finish_supervisors(supervisors),
        sources=dict(sources or {}),
        warnings=tuple(warnings),
    )


def _finish_branches(b: pd.DataFrame) -> pd.DataFrame:
    # id order, not file order: the same data in any row order gives the same plan
    b = b.sort_values("branch_id", kind="stable").reset_index(drop=True)
    for col, default in (
        ("org_type", "党支部"),
        ("last_visit", None),
        ("weak_lax", False),
        ("county", None),
        ("responsible_supervisor", None),
        ("rectified_on", None),
    ):
        if col not in b.columns:
            b[col] = default
    b["responsible_supervisor"] = b["responsible_supervisor"].fillna("")
    b["rectified_on"] = b["rectified_on"].astype(object).where(b["rectified_on"].notna(), None)
    b["members"] = b["members"].astype(int)
    for d in DIMENSIONS:
        b[d] = b[d].astype(float)
    b["weak_lax"] = b["weak_lax"].astype(bool)
    b["county"] = b["county"].fillna("")
    b["last_visit"] = b["last_visit"].astype(object).where(b["last_visit"].notna(), None)
    return b


def _finish_supervisors(s: pd.DataFrame) -> pd.DataFrame:
    s = s.sort_values("supervisor_id", kind="stable").reset_index(drop=True)
    for col in ("skills", "unavailable_weeks", "excluded_branches", "contact_branches"):
        if col not in s.columns:
            s[col] = [() for _ in range(len(s))]
    if "county" not in s.columns:
        s["county"] = ""
    s["county"] = s["county"].fillna("")
    s["weekly_capacity"] = s["weekly_capacity"].astype(int)
    s["skills"] = [
        tuple(k for k in DIMENSIONS if k in {dimension_key(x) for x in sk}) if sk else DIMENSIONS
        for sk in s["skills"]
    ]
    return s


def load_inputs(
    branches: Path,
    supervisors: Path,
    *,
    horizon_weeks: int,
    history: Path | None = None,
    horizon_start: dt.date | None = None,
) -> Inputs:
    """Read and validate the files; every problem in any of them is reported at once.

    `history` (督导台账) needs `horizon_start`: no visit in it may be later.
    """
    problems: list[Problem] = []
    frames: list[pd.DataFrame | None] = []
    for path in (branches, supervisors):
        try:
            frames.append(read_table(path))
        except InputError as exc:
            problems += exc.problems
            frames.append(None)
    history_raw = None
    if history is not None:
        try:
            history_raw = read_table(history)
        except InputError as exc:
            problems += exc.problems
    paths = [p for p in (branches, supervisors, history) if p is not None]
    name = Path(history).name if history is not None else "history"
    found: list[Problem] = []
    table = _validate_history(history_raw, name, horizon_start, found) if history_raw is not None else None
    try:
        inputs = validate_frames(
            frames[0],
            frames[1],
            horizon_weeks=horizon_weeks,
            names=(Path(branches).name, Path(supervisors).name),
            sources={Path(p).name: sha256(p) for p in paths if Path(p).is_file()},
            problems=problems,
            horizon_start=horizon_start,
        )
    except InputError as exc:
        raise InputError(exc.problems + found) from exc
    if found:
        raise InputError(found)
    encodings = {
        Path(p).name: str(f.attrs.get("encoding", ""))
        for p, f in zip((branches, supervisors), frames, strict=True)
        if f is not None
    }
    if history is not None and history_raw is not None:
        encodings[Path(history).name] = str(history_raw.attrs.get("encoding", ""))
    inputs = replace(inputs, encodings=encodings)
    return inputs if table is None else with_history(inputs, table, name)


def _validate_history(
    raw: pd.DataFrame, file: str, horizon_start: dt.date | None, problems: list[Problem]
) -> pd.DataFrame:
    """The history's rows, typed; problems (file, row, column) are added to `problems`."""
    typed, found = _validate_frame(raw, HISTORY_COLUMNS, "", file)
    problems += found
    if typed.empty or found:
        return typed
    if "focus" not in typed.columns:
        typed["focus"] = None
    focus = []
    for i, (day, word) in enumerate(zip(typed["date"], typed["focus"], strict=True)):
        r = int(str(typed.index[i])) + FIRST_DATA_ROW
        if day is None or (isinstance(day, float) and math.isnan(day)):
            problems.append(Problem(file, "is empty; every visit in the history has a date.", r, "走访日期"))
        elif horizon_start is not None and day > horizon_start:
            problems.append(
                Problem(
                    file,
                    f"{day} is after the plan's start ({horizon_start}); the history holds visits "
                    "that happened.",
                    r,
                    "走访日期",
                )
            )
        key = dimension_key(word) if word else None
        if word and key is None:
            problems.append(
                Problem(
                    file,
                    f"'{word}' is not a health dimension (use one of {', '.join(DIMENSIONS)}).",
                    r,
                    "督导重点",
                )
            )
        focus.append(key or "")
    typed["focus"] = focus
    typed["row"] = typed.index + FIRST_DATA_ROW
    return typed.reset_index(drop=True)[["branch_id", "supervisor_id", "date", "focus", "row"]]


def validate_history(raw: pd.DataFrame, horizon_start: dt.date | None, file: str = "history") -> pd.DataFrame:
    """A history (督导台账) read as text, typed; InputError names every problem (file, row, column)."""
    problems: list[Problem] = []
    table = _validate_history(raw, file, horizon_start, problems)
    if problems:
        raise InputError(cap_problems(problems))
    return table


def with_history(inputs: Inputs, history: pd.DataFrame, file: str = "history") -> Inputs:
    """The inputs with a validated history: a later visit in it sets the branch's last visit.

    Rows of branches or supervisors not in the files are kept out of planning and counted in a
    warning.
    """
    b = inputs.branches.copy()
    known = history["branch_id"].isin(set(b["branch_id"])) & history["supervisor_id"].isin(
        set(inputs.supervisors["supervisor_id"])
    )
    warnings = list(inputs.warnings)
    if (~known).any():
        warnings.append(
            f"{file}: {int((~known).sum())} visits are to branches or by supervisors no longer in the "
            "files; they are kept in the history but not counted for planning."
        )
    used = history.loc[known, ["branch_id", "supervisor_id", "date", "focus"]].reset_index(drop=True)
    latest: dict[Any, Any] = {}  # each branch's last visit in the history
    for bid, day in zip(used["branch_id"], used["date"], strict=True):
        if day is not None and day == day and (bid not in latest or day > latest[bid]):
            latest[bid] = day
    b["last_visit"] = [
        seen if (seen := latest.get(bid)) is not None and (last is None or seen > last) else last
        for bid, last in zip(b["branch_id"], b["last_visit"], strict=True)
    ]
    return replace(inputs, branches=b, history=used, warnings=tuple(warnings), history_file=file)


def scaled_capacity(inputs: Inputs, factor: float, overrides: dict[str, int] | None = None) -> Inputs:
    """The inputs with every weekly capacity scaled by `factor`, then some set outright."""
    sups = inputs.supervisors.copy()
    # halves round up: half of a one-visit week is still a visit
    sups["weekly_capacity"] = np.floor(sups["weekly_capacity"] * factor + 0.5).astype(int)
    for sid, cap in (overrides or {}).items():
        sups.loc[sups["supervisor_id"] == sid, "weekly_capacity"] = int(cap)
    return replace(inputs, supervisors=sups)


def load_outcomes(
    path: Path,
    *,
    plan_visits: pd.DataFrame,
    branch_ids: set[str],
    first_day: dt.date,
    last_day: dt.date,
    with_visit_ids: bool = False,
) -> pd.DataFrame:
    """The visit log of a plan: one row per reported visit, validated against the plan.

    Columns of the result: row, branch_id, date, happened, and the dimensions (NaN: not assessed).
    """
    path = Path(path)
    file = path.name
    raw = read_table(path)
    headers = {str(c).strip(): c for c in raw.columns}
    for label in ("happened", "是否完成"):
        if label in headers:  # blank means the visit happened
            col = headers[label]
            raw[col] = raw[col].map(lambda x: "是" if str(x).strip() == "" else x)
    typed, problems = _validate_frame(raw, OUTCOME_COLUMNS, "", file)
    if typed.empty or any(p.row is None for p in problems):
        raise InputError(problems)
    for col in ("visit_id", "branch_id"):
        if col not in typed.columns:
            typed[col] = None
    if "happened" not in typed.columns:
        typed["happened"] = True
    planned = plan_visits.set_index("visit_id")["branch_id"].to_dict()
    zh = {s.key: s.zh for s in OUTCOME_COLUMNS}
    branch = []
    for i, row in typed.iterrows():
        r = int(str(i)) + FIRST_DATA_ROW
        vid, bid = row["visit_id"], row["branch_id"]
        if vid and vid not in planned:
            problems.append(Problem(file, f"visit '{vid}' is not in the plan.", r, zh["visit_id"]))
        elif vid and bid and planned[vid] != bid:
            problems.append(
                Problem(
                    file,
                    f"visit '{vid}' is planned for branch '{planned[vid]}', not '{bid}'.",
                    r,
                    zh["branch_id"],
                )
            )
        elif not vid and not bid:
            problems.append(
                Problem(file, "give the visit_id or the branch_id of the visit.", r, zh["visit_id"])
            )
        bid = bid or planned.get(vid)
        if bid and bid not in branch_ids:
            problems.append(Problem(file, f"branch '{bid}' is not in the branch file.", r, zh["branch_id"]))
        day = row["date"]
        if (
            row["happened"]
            and day is None
            and not any(p.row == r and p.column == zh["date"] for p in problems)
        ):
            problems.append(Problem(file, "a visit that happened needs its date.", r, zh["date"]))
        elif day is not None and not first_day <= day <= last_day:
            problems.append(
                Problem(file, f"{day} is outside the plan ({first_day} – {last_day}).", r, zh["date"])
            )
        branch.append(bid)
    if problems:
        raise InputError(problems)
    out = pd.DataFrame(
        {
            "row": typed.index + FIRST_DATA_ROW,
            "visit_id": typed["visit_id"].fillna("").astype(str).to_numpy(),
            "branch_id": branch,
            "date": typed["date"],
            "happened": typed["happened"].astype(bool),
        }
    )
    if with_visit_ids:
        out["visit_id"] = typed["visit_id"].fillna("").astype(str).to_numpy()
    for d in DIMENSIONS:
        out[d] = pd.to_numeric(typed[d], errors="coerce") if d in typed.columns else float("nan")
    return out


def raw_branch_table(
    path: Path, specs: tuple[ColumnSpec, ...] = BRANCH_COLUMNS
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The branch file (or another input) as its user wrote it (all text) and where each key's
    column is."""
    raw = read_table(path)
    by_name = {s.zh: s.key for s in specs} | {s.key: s.key for s in specs}
    where = {}
    for col in raw.columns:
        key = by_name.get(str(col).strip(), by_name.get(str(col).strip().lower()))
        if key and key not in where:
            where[key] = col
    return raw, where


def load_branches(path: Path) -> pd.DataFrame:
    """One branch file read and validated on its own (no supervisors), as `planner impact` needs."""
    path = Path(path)
    branches, problems = _validate_frame(read_table(path), BRANCH_COLUMNS, "branch_id", path.name)
    if problems:
        raise InputError(cap_problems(problems))
    return _finish_branches(branches)


def check_table(raw: pd.DataFrame, kind: str, file: str) -> list[Problem]:
    """The problems of one file on its own (`branches` or `supervisors`), before the other file
    is there to cross-check it (the web app checks each upload as it arrives)."""
    if kind == "branches":
        return _validate_frame(raw, BRANCH_COLUMNS, "branch_id", file)[1]
    return _validate_frame(raw, SUPERVISOR_COLUMNS, "supervisor_id", file)[1]
