"""The tracker export as a spreadsheet and as CSV (lscp/spreadsheets.py): the same columns, in the
same order, for the page's downloads and the API's."""

from __future__ import annotations

from lscp import spreadsheets
from reviews.tracker.selectors import TrackerRow

HEADERS = [
    "Safeguarding partnership",
    "Local reference",
    "National Panel reference",
    "Date added",
    "Status",
    "Type of review",
    "Converted from rapid review",
    "Stage",
    "Themes",
    "Rapid review decision",
    "Publication date",
    "Publication link",
    "Recommendation themes",
]
DATE_COLUMNS = (HEADERS.index("Date added"), HEADERS.index("Publication date"))


def row_values(row: TrackerRow) -> list:
    return [
        row.partnership,
        row.local_reference,
        row.panel_reference,
        row.date_added,
        row.status.title(),
        row.review_type_label,
        "Yes" if row.converted_from_rapid_review else "No",
        row.stage_label,
        "; ".join(row.themes),
        row.rapid_review_decision,
        row.publication_date,
        row.publication_link,
        "; ".join(row.recommendation_themes),
    ]


def tracker_sheet(rows: list[TrackerRow]) -> spreadsheets.Sheet:
    return spreadsheets.Sheet(
        title="Case review tracker",
        headers=HEADERS,
        rows=[row_values(row) for row in rows],
        date_columns=DATE_COLUMNS,
    )


def filename(ctx, today, extension: str) -> str:
    return f"{ctx.partnership.slug}-case-review-tracker-{today:%Y-%m-%d}.{extension}"


def download(ctx, rows: list[TrackerRow], today, kind: str):
    """The file to download: `kind` is "xlsx" or "csv"."""
    if kind == "csv":
        return spreadsheets.csv_response(
            spreadsheets.csv_text(HEADERS, [row_values(row) for row in rows]), filename(ctx, today, "csv")
        )
    return spreadsheets.xlsx_response(
        spreadsheets.xlsx_bytes([tracker_sheet(rows)]), filename(ctx, today, "xlsx"), rows=len(rows)
    )
