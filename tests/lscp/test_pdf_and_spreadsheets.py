"""The shared PDF and spreadsheet mechanisms."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from lscp import pdf, spreadsheets
from lscp.spreadsheets import Column, Sheet, SpreadsheetError

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_pdf_renders_real_text_with_the_partnership_on_every_page(world_a, tmp_path, settings):
    template = tmp_path / "sample.html"
    template.write_text(
        '{% extends "pdf/base.html" %}{% block title %}Sample{% endblock %}{% block heading %}Sample report{% endblock %}'
        "{% block content %}{% for i in rows %}<p>Row {{ i }} of the learning</p>{% endfor %}{% endblock %}"
    )
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], tmp_path]}]
    data = pdf.render_pdf("sample.html", {"partnership": world_a.partnership, "rows": range(120)})
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        text = page.extract_text()
        assert "Thurrock LSCP" in text and "OFFICIAL-SENSITIVE" in text
    assert "Row 119 of the learning" in pdf_text(data)


def workbook_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


COLUMNS = [
    Column("Organisation", "organisation"),
    Column("Due date", "due", parse=spreadsheets.parse_date),
    Column("Amount", "amount", parse=spreadsheets.parse_money),
]


def test_read_parses_every_row_and_reports_every_problem_by_row_and_column():
    data = workbook_bytes(
        [
            ["Organisation", "Due date", "Amount", "Ignored"],
            ["Essex Police", dt.datetime(2026, 3, 31), 17777, "x"],
            ["CAFCASS", "31/03/2026", "550.00", None],
            [None, None, None, None],
            ["NPS", "31/02/2026", 1206.21, None],
            ["", "2026-04-01", "ten pounds", None],
        ]
    )
    rows, problems = spreadsheets.read_xlsx(data, COLUMNS)
    assert rows[0] == {
        "_row": 2,
        "organisation": "Essex Police",
        "due": dt.date(2026, 3, 31),
        "amount": Decimal("17777.00"),
    }
    assert rows[1]["amount"] == Decimal("550.00") and rows[1]["due"] == dt.date(2026, 3, 31)
    assert [str(p) for p in problems] == [
        "Row 5, Due date: '31/02/2026' is not a date: enter a date like 31/03/2026",
        "Row 6, Organisation: is empty",
        "Row 6, Amount: 'ten pounds' is not an amount: enter numbers only, like 1234.56",
    ]
    assert rows[2]["amount"] == Decimal("1206.21")  # a float cell read as the decimal typed


def test_unusable_files_are_refused_whole():
    with pytest.raises(SpreadsheetError, match="not an Excel spreadsheet"):
        spreadsheets.read_xlsx(b"MZ\x90\x00 an executable", COLUMNS)
    with pytest.raises(SpreadsheetError, match="missing the columns 'Due date', 'Amount'"):
        spreadsheets.read_xlsx(workbook_bytes([["Organisation"], ["x"]]), COLUMNS)
    with pytest.raises(SpreadsheetError, match="more than 10 rows"):
        spreadsheets.read_xlsx(
            workbook_bytes([["Organisation", "Due date", "Amount"]] + [["x", "01/01/2026", 1]] * 11),
            COLUMNS,
            max_rows=10,
        )
    with pytest.raises(SpreadsheetError, match="no data"):
        spreadsheets.read_xlsx(workbook_bytes([["Organisation", "Due date", "Amount"]]), COLUMNS)


def test_money_is_decimal_and_strict():
    assert spreadsheets.parse_money("£1,234.50") == Decimal("1234.50")
    assert spreadsheets.parse_money(0.1) + spreadsheets.parse_money(0.2) == Decimal("0.30")
    for bad in ("-5", "1.005", "NaN", True):
        with pytest.raises(ValueError):
            spreadsheets.parse_money(bad)


def test_exports_round_trip_and_neutralise_formulas():
    data = spreadsheets.xlsx_bytes(
        [
            Sheet(
                "Contributions",
                ["Organisation", "Amount", "Date"],
                [['=HYPERLINK("x")', Decimal("17777.00"), dt.date(2026, 3, 31)]],
                money_columns=[1],
                date_columns=[2],
            )
        ]
    )
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A2"].value == '\'=HYPERLINK("x")'
    assert Decimal(str(sheet["B2"].value)) == Decimal("17777.00")
    text = spreadsheets.csv_text(["Organisation", "Amount"], [["@SUM(A1)", Decimal("1.50")], ["Essex Police", None]])
    assert text.splitlines() == ["Organisation,Amount", "'@SUM(A1),1.50", "Essex Police,"]


def test_text_an_export_guarded_reads_back_as_it_was_written():
    written = ['=HYPERLINK("x")', "-5 on last year", "@mention", "'Quoted' on purpose", "'", "Plain"]
    data = spreadsheets.xlsx_bytes([Sheet("Notes", ["Note"], [[text] for text in written])])
    assert load_workbook(io.BytesIO(data)).active["A3"].value == "'-5 on last year"  # guarded in the file
    rows, problems = spreadsheets.read_xlsx(data, [spreadsheets.Column("Note", "note")])
    assert problems == []
    assert [row["note"] for row in rows] == written
