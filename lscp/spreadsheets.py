"""Spreadsheets in and out (openpyxl), one way for every import and export.

Public entry points:
- `read_xlsx(upload, columns)`: every row parsed, or every problem listed by row and column
  (`SheetProblem`). The caller loads all rows or none. Refuses what is not an .xlsx file, files
  over `MAX_BYTES`, and sheets over `max_rows`.
- `xlsx_bytes(sheets)` and `csv_text(headers, rows)`: exports. Text that a spreadsheet would run
  as a formula (starting = + - @) is neutralised, so an export never carries a formula injection.
- Parsers for cells: `parse_text` (which undoes the export's formula guard), `parse_date`, `parse_money`, `parse_int`, `parse_choice`.
  Money is Decimal from the cell's text, never a float.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.http import HttpResponse

from lscp import archives
from lscp.checks import parse_decimal

MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_ROWS = 5000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read (not a spreadsheet, too big, missing columns ...)."""


@dataclass(frozen=True)
class SheetProblem:
    row: int  # the spreadsheet's own row number (1 is the header row)
    column: str  # the column's header
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, {self.column}: {self.message}"


@dataclass
class Column:
    header: str
    key: str
    parse: Callable[[Any], Any] = field(default=lambda value: parse_text(value))
    required: bool = True  # the column must exist (a cell may still be blank if the parser allows)


# ----------------------------------------------------------------------------------------------
# Cell parsers: each returns a value or raises ValueError with a message for a person.


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_text(value, *, required: bool = True, max_length: int = 1000) -> str:
    if _blank(value):
        if required:
            raise ValueError("is empty")
        return ""
    text = unguarded(str(value).strip())
    if len(text) > max_length:
        raise ValueError(f"is longer than {max_length} characters")
    return text


def unguarded(text: str) -> str:
    """Undo the exports' formula guard ('=x' is written as "'=x"), so that exported text reads
    back as it was: every import's text goes through here."""
    if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def parse_date(value, *, required: bool = True) -> dt.date | None:
    if _blank(value):
        if required:
            raise ValueError("is empty: enter a date like 31/03/2026")
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d %b %Y", "%d %B %Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"'{text}' is not a date: enter a date like 31/03/2026")


def parse_money(value, *, required: bool = True, allow_negative: bool = False) -> Decimal | None:
    if _blank(value):
        if required:
            raise ValueError("is empty: enter an amount like 1234.56")
        return None
    if isinstance(value, bool):
        raise ValueError("is not an amount")
    amount = parse_decimal(value)
    if amount is None:
        raise ValueError(f"'{value}' is not an amount: enter numbers only, like 1234.56")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"'{value}' has more than 2 decimal places")
    if amount < 0 and not allow_negative:
        raise ValueError(f"'{value}' is negative")
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def parse_int(value, *, required: bool = True, minimum: int | None = None) -> int | None:
    if _blank(value):
        if required:
            raise ValueError("is empty")
        return None
    number = parse_decimal(value)
    if number is None or number != number.to_integral_value():
        raise ValueError(f"'{value}' is not a whole number")
    if minimum is not None and number < minimum:
        raise ValueError(f"must be at least {minimum}")
    return int(number)


def parse_choice(value, choices: dict[str, str], *, required: bool = True) -> str:
    """`choices` maps what a person may type (case-insensitive) to the stored value."""
    if _blank(value):
        if required:
            raise ValueError("is empty")
        return ""
    lookup = {key.strip().lower(): stored for key, stored in choices.items()}
    text = str(value).strip().lower()
    if text not in lookup:
        options = ", ".join(sorted(choices))
        raise ValueError(f"'{value}' is not one of: {options}")
    return lookup[text]


# ----------------------------------------------------------------------------------------------
# Reading


def read_xlsx(
    upload, columns: Sequence[Column], *, max_rows: int = DEFAULT_MAX_ROWS, sheet_name: str | None = None
) -> tuple[list[dict[str, Any]], list[SheetProblem]]:
    """Parse every data row. Returns (rows, problems); use the rows only if there are no problems.

    Each row dict also carries `_row`, its spreadsheet row number. Blank rows are skipped.
    Raises SpreadsheetError when the file as a whole is unusable.
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise SpreadsheetError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    data = upload.read() if hasattr(upload, "read") else upload
    if len(data) > MAX_BYTES:
        raise SpreadsheetError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        archives.open_checked(data).close()
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except archives.ArchiveRefused as refused:
        raise SpreadsheetError(f"The spreadsheet cannot be read: {refused}") from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise SpreadsheetError("The file is not an Excel spreadsheet (.xlsx)") from None
    try:
        worksheet = workbook[sheet_name] if sheet_name and sheet_name in workbook.sheetnames else workbook.worksheets[0]
        row_iter = worksheet.iter_rows(values_only=True)
        header = next(row_iter, None)
        if header is None:
            raise SpreadsheetError("The spreadsheet is empty")
        positions: dict[str, int] = {}
        for index, cell in enumerate(header):
            if cell is not None:
                positions.setdefault(str(cell).strip().lower(), index)
        missing = [c.header for c in columns if c.required and c.header.lower() not in positions]
        if missing:
            raise SpreadsheetError(
                "The spreadsheet is missing the column"
                + ("s " if len(missing) > 1 else " ")
                + ", ".join(f"'{m}'" for m in missing)
            )
        rows: list[dict[str, Any]] = []
        problems: list[SheetProblem] = []
        for number, values in enumerate(row_iter, start=2):
            if values is None or all(_blank(v) for v in values):
                continue
            if len(rows) >= max_rows:
                raise SpreadsheetError(f"The spreadsheet has more than {max_rows:,} rows: split it into smaller files")
            row: dict[str, Any] = {"_row": number}
            for column in columns:
                position = positions.get(column.header.lower())
                value = values[position] if position is not None and position < len(values) else None
                try:
                    row[column.key] = column.parse(value)
                except ValueError as error:
                    problems.append(SheetProblem(number, column.header, str(error)))
            rows.append(row)
        if not rows and not problems:
            raise SpreadsheetError("The spreadsheet has a header row but no data")
        return rows, problems
    finally:
        workbook.close()


# ----------------------------------------------------------------------------------------------
# Writing


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    if isinstance(value, Decimal):
        return value  # openpyxl writes Decimal as a number
    return value


@dataclass
class Sheet:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    money_columns: Sequence[int] = ()
    date_columns: Sequence[int] = ()


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        worksheet = workbook.create_sheet(title=sheet.title[:31])
        worksheet.append(list(sheet.headers))
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            worksheet.append([_safe(value) for value in row])
        for index in sheet.money_columns:
            for (cell,) in worksheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
                cell.number_format = "£#,##0.00"
        for index in sheet.date_columns:
            for (cell,) in worksheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
                cell.number_format = "dd/mm/yyyy"
        for index, header in enumerate(sheet.headers, start=1):
            worksheet.column_dimensions[worksheet.cell(row=1, column=index).column_letter].width = max(
                12, min(60, len(str(header)) + 4)
            )
        worksheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(
            ["" if v is None else (v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else _safe(str(v))) for v in row]
        )
    return buffer.getvalue()


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(data: bytes, filename: str, *, rows: int | None = None):
    """The download. `rows`, when given, is the row count the activity log records for it."""
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    response.activity_rows = rows
    return response


def csv_response(text: str, filename: str):
    """The download; the activity log records its row count (the records after the header)."""
    # A byte-order mark so that Excel opens UTF-8 (names with accents, '£') correctly.
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    response.activity_rows = max(0, sum(1 for _ in csv.reader(io.StringIO(text))) - 1)
    return response
