"""The one writer of CSV and XLSX files: every export goes through it, so no cell can run as a formula.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and, in some, a tab or carriage return
first) as a formula, which can read other cells or reach the network when the file is opened (OWASP's
"CSV injection"). Such text is written with a leading apostrophe, the spreadsheets' own "this is text"
mark; numbers, dates and booleans stay typed. XLSX cells never hold a formula, and the control
characters that XML 1.0 (hence XLSX) cannot carry are dropped.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: the characters XML 1.0 refuses (openpyxl raises IllegalCharacterError on them)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def safe_cell(value: Any) -> Any:
    """A cell value a spreadsheet shows as it is: formula-like text as text, illegal characters gone."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    if not isinstance(value, str):
        value = str(value)
    value = _ILLEGAL.sub("", value)
    if value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(headings: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV file in UTF-8 with a BOM (so spreadsheets read Arabic), every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(str(heading)) for heading in headings])
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(
    headings: Sequence[Any], rows: Iterable[Sequence[Any]], *, title: Any = "", right_to_left: bool = False
) -> bytes:
    """An XLSX workbook of one sheet: bold frozen headings, every cell a value (never a formula)."""
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.title = re.sub(r"[\[\]:*?/\\]", " ", str(title))[:31]
    sheet.sheet_view.rightToLeft = right_to_left
    sheet.append([safe_cell(str(heading)) for heading in headings])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
