"""The one CSV/XLSX writer: formula-like text stays text, illegal characters go, typed values stay typed."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from forum.spreadsheets import safe_cell, to_csv, to_xlsx

DANGEROUS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_formula_like_text_is_kept_as_text(text):
    assert safe_cell(text) == "'" + text


def test_csv_cells_never_start_a_formula():
    data = to_csv(["name"], [[text] for text in DANGEROUS] + [[7]])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert all(row[0].startswith("'") for row in rows[1:-1])
    assert rows[-1] == ["7"]


def test_xlsx_has_no_formula_and_no_illegal_character():
    data = to_xlsx(["name", "count"], [[text, 3] for text in DANGEROUS] + [["a\x00b\x1bc", 4]], title="Liste: a/b")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert sheet["A8"].value == "abc"
    assert sheet["B2"].value == 3
