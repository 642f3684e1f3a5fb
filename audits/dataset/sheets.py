"""The dataset as a spreadsheet: the columns an upload of quarterly values is read in, and the
template to fill in (the last four complete quarters, a row per indicator in use in each)."""

from __future__ import annotations

from decimal import Decimal

from audits.dataset.models import Indicator, IndicatorValue, Unit
from audits.quarters import FINANCIAL_YEARS, Quarter
from lscp import spreadsheets
from lscp.checks import parse_decimal

# The largest value an indicator holds (the column has 12 digits, 2 after the point).
VALUE_LIMIT = Decimal("9999999999.99")


def indicator_value(raw) -> Decimal:
    """A value as typed (page or API) or as a spreadsheet cell: a number (a per cent may keep its
    %), with at most 2 decimal places. The one reading for every way a value arrives."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValueError("Enter the value, as a number like 41.5")
    text = raw.strip().removesuffix("%") if isinstance(raw, str) else raw
    value = parse_decimal(text)
    if value is None:
        raise ValueError(f"'{raw}' is not a number: enter a number like 41.5")
    if abs(value) > VALUE_LIMIT:
        raise ValueError(f"'{raw}' is too large for an indicator")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"'{raw}' has more than 2 decimal places")
    return value.quantize(Decimal("0.01"))


def _cell_text(raw) -> str:
    return repr(raw) if isinstance(raw, float) else str(raw or "")


def _whole(text: str) -> int:
    number = parse_decimal(text)
    if number is None or number != number.to_integral_value():
        raise ValueError
    return int(number)


def parse_year(raw) -> int:
    text = _cell_text(raw).strip().replace("/", "-")
    try:
        if "-" in text:
            first, second = text.split("-", 1)
            start = int(first)
            if len(second) not in (2, 4) or int(second) % 100 != (start + 1) % 100:
                raise ValueError
        else:
            start = _whole(text)
    except ValueError:
        raise ValueError(f"'{raw}' is not a financial year: write it like 2026-27") from None
    if start not in FINANCIAL_YEARS:
        raise ValueError(f"'{raw}' is not a financial year the dataset holds: write it like 2026-27")
    return start


def parse_quarter(raw) -> int:
    text = _cell_text(raw).strip().upper().removeprefix("Q")
    number = parse_decimal(text)
    if number not in (1, 2, 3, 4):
        raise ValueError(f"'{raw}' is not a quarter: write Q1, Q2, Q3 or Q4")
    return int(number)


def parse_value(raw) -> Decimal | None:
    """A blank value is a quarter not reported yet (a row of the template left empty): skipped."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return indicator_value(raw)


DATASET_COLUMNS = [
    spreadsheets.Column("Indicator", "indicator"),
    spreadsheets.Column("Year", "year_start", parse=parse_year),
    spreadsheets.Column("Quarter", "quarter", parse=parse_quarter),
    spreadsheets.Column("Value", "value", parse=parse_value),
    spreadsheets.Column(
        "Note", "note", parse=lambda v: spreadsheets.parse_text(v, required=False, max_length=300), required=False
    ),
]

UNIT_WORDS = {Unit.NUMBER: "number", Unit.PERCENT: "per cent", Unit.RATE: "rate per 10,000", Unit.DAYS: "days"}


def template_sheets(
    indicators: list[Indicator], values: dict[tuple[int, int, int], IndicatorValue], quarters: list[Quarter]
) -> list[spreadsheets.Sheet]:
    """The values sheet (a row per indicator and quarter, blank where none is recorded yet) and
    the indicators sheet."""
    rows = []
    for indicator in indicators:
        for year, number in quarters:
            row = values.get((indicator.pk, year, number))
            rows.append(
                [
                    indicator.name,
                    f"{year}-{str(year + 1)[-2:]}",
                    f"Q{number}",
                    row.value if row else None,
                    row.note if row else "",
                ]
            )
    return [
        spreadsheets.Sheet(title="Values", headers=[c.header for c in DATASET_COLUMNS], rows=rows),
        spreadsheets.Sheet(
            title="Indicators",
            headers=["Indicator", "Unit", "Which way is better", "Priority", "Reported by"],
            rows=[
                [
                    i.name,
                    UNIT_WORDS.get(i.unit, i.unit),
                    i.get_direction_display(),
                    str(i.priority or ""),
                    str(i.reporting_member.organisation),
                ]
                for i in indicators
            ],
        ),
    ]
