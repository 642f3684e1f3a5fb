"""Funding in and out of spreadsheets, through lscp.spreadsheets: the benchmark table read from
an .xlsx file, and a year (or the benchmark table) written as XLSX and CSV."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from funding.models import AuthorityType, Benchmark
from funding.selectors import YearSummary
from lscp import spreadsheets
from lscp.spreadsheets import Column, Sheet, SpreadsheetError

YES = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False, "0": False}


def _money(required: bool):
    return lambda value: spreadsheets.parse_money(value, required=required)


def _year(value) -> str:
    # Checked properly by the service (which says what a financial year is); here only text.
    return spreadsheets.parse_text(value, max_length=20)


def _authority_type(value) -> str:
    choices = {label: stored for stored, label in AuthorityType.choices}
    choices.update({stored: stored for stored in AuthorityType.values})
    return spreadsheets.parse_choice(value, choices, required=False)


def _yes_no(value) -> bool:
    if value is None or (isinstance(value, str) and not value.strip()):
        return False
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text not in YES:
        raise ValueError(f"'{value}' is not yes or no")
    return YES[text]


BENCHMARK_COLUMNS = [
    Column("Partnership", "name", parse=lambda v: spreadsheets.parse_text(v, max_length=200)),
    Column("Year", "year", parse=_year),
    Column("Local authority", "council", parse=_money(True)),
    Column("Health", "health", parse=_money(True)),
    Column("Police", "police", parse=_money(True)),
    Column("Other agencies", "other", parse=_money(True)),
    Column("Training income", "training_income", parse=_money(False), required=False),
    Column("Other income", "other_income", parse=_money(False), required=False),
    Column(
        "Population", "population", parse=lambda v: spreadsheets.parse_int(v, required=False, minimum=1), required=False
    ),
    Column("Budget", "budget", parse=_money(False), required=False),
    Column("Authority type", "authority_type", parse=_authority_type, required=False),
    Column("This partnership", "is_this_partnership", parse=_yes_no, required=False),
    Column(
        "Notes", "notes", parse=lambda v: spreadsheets.parse_text(v, required=False, max_length=2000), required=False
    ),
]


def read_benchmarks(upload) -> list[dict[str, Any]]:
    """The rows of a benchmark spreadsheet, or ValidationError on `file` listing every problem."""
    try:
        rows, problems = spreadsheets.read_xlsx(upload, BENCHMARK_COLUMNS, max_rows=500)
    except SpreadsheetError as error:
        raise ValidationError({"file": [str(error)]}) from None
    if problems:
        raise ValidationError({"file": [str(problem) for problem in problems]})
    return rows


def benchmark_sheet(benchmarks: list[Benchmark]) -> Sheet:
    """The table in the same columns the upload reads, so a download is also the template."""
    return Sheet(
        "Benchmarks",
        [column.header for column in BENCHMARK_COLUMNS],
        [
            [
                b.name,
                b.year_display,
                b.council,
                b.health,
                b.police,
                b.other,
                b.training_income,
                b.other_income,
                b.population,
                b.budget,
                b.get_authority_type_display() if b.authority_type else "",
                "yes" if b.is_this_partnership else "",
                b.notes,
            ]
            for b in benchmarks
        ],
        money_columns=[2, 3, 4, 5, 6, 7, 9],
    )


# ----------------------------------------------------------------------------------------------
# A year's export


CSV_HEADERS = [
    "Section",
    "Item",
    "Sector or kind",
    "Agreed, amount or budget",
    "Share of contributions (%)",
    "Date invoiced",
    "Invoiced",
    "Date received",
    "Received",
    "Outstanding",
    "Actual spending",
    "Notes",
]


def year_rows(summary: YearSummary) -> list[list[Any]]:
    """Every line of the year in one table (CSV): contributions, income, spending."""
    rows: list[list[Any]] = []
    for row in summary.contributions:
        c = row.contribution
        rows.append(
            [
                "Contribution",
                row.organisation,
                row.sector_label,
                c.agreed,
                row.share,
                c.invoiced_on,
                c.invoiced,
                c.received_on,
                c.received,
                c.outstanding,
                None,
                c.notes,
            ]
        )
    for income in summary.income:
        rows.append(
            [
                "Income",
                income.description or income.get_kind_display(),
                income.get_kind_display(),
                income.amount,
                None,
                None,
                None,
                income.received_on,
                None,
                None,
                None,
                income.notes,
            ]
        )
    for line in summary.spending:
        rows.append(
            [
                "Spending",
                line.name,
                line.kind_label,
                line.budget,
                None,
                None,
                None,
                None,
                None,
                None,
                line.actual,
                line.line.notes,
            ]
        )
    return rows


def _contributions_sheet(summary: YearSummary) -> Sheet:
    rows = [
        [
            r.organisation,
            r.sector_label,
            r.agreed,
            r.share,
            r.contribution.invoiced_on,
            r.contribution.invoiced,
            r.contribution.received_on,
            r.contribution.received,
            r.outstanding,
            r.previous,
            r.contribution.notes,
        ]
        for r in summary.contributions
    ]
    headings = ["Organisation", "Sector", "Agreed", "Share (%)", "Date invoiced", "Invoiced", "Date received"]
    headings += ["Received", "Outstanding", f"Agreed {summary.previous_display or 'previous year'}", "Notes"]
    return Sheet("Contributions", headings, rows, money_columns=[2, 5, 7, 8, 9], date_columns=[4, 6])


def year_workbook(summary: YearSummary, *, partnership_name: str) -> bytes:
    year = summary.year.display
    overview = [
        ["Partnership", partnership_name],
        ["Financial year", year],
        ["Total income", summary.total_income],
        ["Contributions agreed", summary.agreed],
        ["Invoiced", summary.invoiced],
        ["Received", summary.received],
        ["Outstanding invoices", summary.outstanding],
        ["Agreed, not yet invoiced", summary.not_invoiced],
        ["Other income", summary.other_income],
        ["Budget", summary.budget],
        ["Actual spending", summary.actual],
        ["Budget left", summary.variance],
        ["Contingency left for reviews", summary.contingency_left],
    ]
    sectors = [[s.label, s.amount, s.share] for s in summary.by_sector] + [["Total", summary.agreed, 100]]
    income = [[i.get_kind_display(), i.description, i.amount, i.received_on, i.notes] for i in summary.income]
    spending = [
        [s.kind_label, s.line.description, s.budget, s.actual, s.variance, s.line.notes] for s in summary.spending
    ]
    sheets = [
        Sheet("Summary", ["Measure", "Amount"], overview, money_columns=[1]),
        Sheet("By sector", ["Sector", "Agreed", "Share (%)"], sectors, money_columns=[1]),
        _contributions_sheet(summary),
        Sheet(
            "Income",
            ["Kind", "Description", "Amount", "Date received", "Notes"],
            income,
            money_columns=[2],
            date_columns=[3],
        ),
        Sheet(
            "Spending",
            ["Line", "Description", "Budget", "Actual", "Budget left", "Notes"],
            spending,
            money_columns=[2, 3, 4],
        ),
    ]
    return spreadsheets.xlsx_bytes(sheets)
