"""Names are data: making user text harmless in every file a planner opens.

- Spreadsheets (CSV): a cell starting with ``= + - @``, a tab or a carriage return is a formula
  to Excel, WPS and LibreOffice. As OWASP recommends for CSV injection, such text cells get a
  leading single quote (``'=1+1``); numbers (``-3.5``) are left alone. The quote is removed again
  when the planner reads its own files back (`restore_text` is the exact inverse).
- Workbooks (XLSX): every text cell is written as text, never as a formula; control characters,
  which XLSX cannot hold, are replaced by U+FFFD (�) so the cleaning is visible; a text longer
  than a cell holds (32,767 UTF-16 units) keeps its first 32,766 and ends in … (cut visibly).
- Calendars (ICS): line breaks are escaped as the RFC 5545 says (a name cannot start a new
  property), control characters become U+FFFD.
- File names: unsafe characters replaced, bounded length (a long id is cut and a digest of the
  whole id keeps it unique), never two the same.
- Charts: a ``$`` in a district name is text, not maths (`parse_math` is off in `planner.charts.style`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path
from typing import Any

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# what openpyxl (and the XLSX format) refuses: C0 controls except tab, line feed, carriage return
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# what an iCalendar TEXT value may not hold (RFC 5545 3.3.11: CONTROL except tab)
_ICS_ILLEGAL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
REPLACEMENT = "\ufffd"
XLSX_MAX_TEXT = 32_767  # the most a cell holds, in UTF-16 units (Excel's limit; xlsxwriter cuts there)


def needs_quote(text: str) -> bool:
    core = text.lstrip("'")
    if not core or core[0] not in FORMULA_STARTS:
        return False
    # a plain number such as -3.5 or +7 is a number to Excel, not a formula: leave it alone
    return not (core == text and _NUMBER.fullmatch(text))


def spreadsheet_text(text: str) -> str:
    """`text` as a CSV cell that no spreadsheet evaluates: a formula-like text gets a leading '."""
    return "'" + text if needs_quote(text) else text


def restore_text(text: str) -> str:
    """The inverse of `spreadsheet_text`: the text as it was before it was neutralised."""
    if text.startswith("'") and needs_quote(text[1:]):
        return text[1:]
    return text


def spreadsheet_value(value: Any) -> Any:
    return spreadsheet_text(value) if isinstance(value, str) else value


def spreadsheet_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells (values and headers) are safe to open in a spreadsheet."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(spreadsheet_value)
    out.columns = [spreadsheet_value(c) for c in out.columns]
    return out


def restored_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The inverse of `spreadsheet_frame` for a frame read back as text."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: restore_text(v) if isinstance(v, str) else v)
    out.columns = [restore_text(c) if isinstance(c, str) else c for c in out.columns]
    return out


def write_csv(frame: pd.DataFrame, path: Path, *, encoding: str = "utf-8-sig") -> Path:
    """Every CSV the planner writes goes through here: formula-like text is neutralised."""
    spreadsheet_frame(frame).to_csv(path, index=False, encoding=encoding)
    return path


def utf16_prefix(text: str, units: int) -> str:
    """The longest start of `text` that is at most `units` UTF-16 code units long (the measure of
    Excel's limits: a character beyond the Basic Multilingual Plane, an emoji, counts two)."""
    if len(text) <= units // 2:
        return text  # short enough however it is counted
    raw = text.encode("utf-16-le")
    if len(raw) <= 2 * units:
        return text
    return raw[: 2 * units].decode("utf-16-le", errors="ignore")  # never half a character


def xlsx_text(text: str) -> str:
    """Text an XLSX cell can hold: control characters visibly replaced by U+FFFD; a text longer
    than a cell holds (32,767 UTF-16 units) cut to its first 32,766, with … showing the cut."""
    text = _XLSX_ILLEGAL.sub(REPLACEMENT, text)
    if len(text) > XLSX_MAX_TEXT // 2 and utf16_prefix(text, XLSX_MAX_TEXT) != text:
        return utf16_prefix(text, XLSX_MAX_TEXT - 1) + "…"
    return text


def xlsx_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: xlsx_text(v) if isinstance(v, str) else v)
    out.columns = [xlsx_text(c) if isinstance(c, str) else c for c in out.columns]
    return out


def cells_as_text(sheet: Any) -> None:
    """No cell of a written sheet is a formula: text starting with '=' stays text."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def write_xlsx_sheet(writer: pd.ExcelWriter, frame: pd.DataFrame, sheet: str, **kwargs: Any) -> None:
    """Write `frame` to a sheet of an openpyxl ExcelWriter: clean text, no formulas."""
    xlsx_frame(frame).to_excel(writer, sheet_name=sheet, index=False, **kwargs)
    cells_as_text(writer.sheets[sheet])


def ics_text(text: str) -> str:
    """Text for an iCalendar TEXT value: one kind of line break, no control characters.

    The calendar library escapes the line breaks (as \\n) and , ; \\ when it writes the value.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _ICS_ILLEGAL.sub(lambda m: "\n" if m[0] == "\n" else REPLACEMENT, text)


_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(10)),
    *(f"LPT{i}" for i in range(10)),
}
FILE_STEM_BYTES = 80


def file_stem(text: str, used: set[str], max_bytes: int = FILE_STEM_BYTES) -> str:
    """A safe file name stem for `text`: no separators or control characters, at most about
    `max_bytes` bytes of UTF-8 (a long text is cut and a digest of the whole text is added),
    never one already in `used` (compared ignoring case)."""
    base = unicodedata.normalize("NFC", text)
    base = re.sub(r"[^\w.-]", "_", base).strip("._ ") or "_"
    if base.split(".")[0].upper() in _WINDOWS_RESERVED:
        base = "_" + base
    if len(base.encode("utf-8")) > max_bytes:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
        cut = base.encode("utf-8")[: max_bytes - 11].decode("utf-8", errors="ignore")
        base = f"{cut}-{digest}"
    name, n = base, 2
    while name.lower() in used:
        name, n = f"{base}~{n}", n + 1
    used.add(name.lower())
    return name
