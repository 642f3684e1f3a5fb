"""The year's notifications in the DfE statistics' breakdown ("Serious incident notifications"),
for the business unit to check its figures against the national ones and to answer returns.

The DfE counts a notification per child, so the figures count children notified (a notification
about two children counts twice); the year is the financial year (April to March) the partnership
received the notification in, and the quarter is that year's. Every figure is counted by
PostgreSQL in one query (conditional COUNTs), whatever the number of notifications.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from audits.quarters import quarter_dates, year_period
from lscp import spreadsheets
from lscp.tenancy import TenantContext
from reviews.notifications.models import ETHNICITY_CHOICES, Child, Nature, Notification, Plan, Sex, YesNoUnknown
from reviews.notifications.permissions import NotificationPolicy

HEADERS = ["Breakdown", "Category", "Children notified"]

# The statistics' age bands (a care leaver's death is counted in the last).
AGE_BANDS = [("Under 1", 0, 0), ("1 to 5", 1, 5), ("6 to 10", 6, 10), ("11 to 15", 11, 15), ("16 to 17", 16, 17)]
CARE_LEAVER_BAND = ("18 to 24 (care leavers)", 18, 24)

# The statistics' ethnic groups: the ONS 2021 groups' first word.
ETHNIC_GROUPS = [
    ("Asian or Asian British", "asian_"),
    ("Black, Black British, Caribbean or African", "black_"),
    ("Mixed or multiple ethnic groups", "mixed_"),
    ("White", "white_"),
    ("Other ethnic group", "other_"),
]
assert {code for code, _ in ETHNICITY_CHOICES} - {"not_known"} == {
    code for code, _ in ETHNICITY_CHOICES if any(code.startswith(prefix) for _, prefix in ETHNIC_GROUPS)
}, "every ethnicity belongs to a group"


@dataclass(frozen=True)
class Figure:
    breakdown: str
    category: str
    count: int


def _categories(year_start: int) -> list[tuple[str, str, Q]]:
    """(breakdown, category, which children) in the export's order."""
    on = "notification__received_on"
    categories = [("Total", "All children notified", Q())]
    categories += [("Nature of incident", label, Q(notification__nature=value)) for value, label in Nature.choices]
    categories += [
        ("Looked after", "Looked after", Q(looked_after=True)),
        ("Looked after", "Care leaver", Q(care_leaver=True)),
        ("Looked after", "Neither", Q(looked_after=False, care_leaver=False)),
    ]
    categories += [("Sex", label, Q(sex=value)) for value, label in Sex.choices]
    categories += [
        ("Age", label, Q(age_years__gte=low, age_years__lte=high))
        for label, low, high in [*AGE_BANDS, CARE_LEAVER_BAND]
    ]
    categories += [("Ethnicity", label, Q(ethnicity__startswith=prefix)) for label, prefix in ETHNIC_GROUPS]
    categories += [("Ethnicity", "Not known", Q(ethnicity="not_known"))]
    categories += [("Disability", label, Q(disability=value)) for value, label in YesNoUnknown.choices]
    categories += [("Child in need or child protection plan", label, Q(plan=value)) for value, label in Plan.choices]
    categories += [("Known to agencies", label, Q(known_to_agency=value)) for value, label in YesNoUnknown.choices]
    for quarter in range(1, 5):
        first, last = quarter_dates(year_start, quarter)
        label = f"Q{quarter} ({first:%b}–{last:%b %Y})"
        categories.append(("Quarter received", label, Q(**{f"{on}__gte": first, f"{on}__lte": last})))
    return categories


def year_figures(ctx: TenantContext, year_start: int) -> list[Figure]:
    """The breakdown of the children notified in the financial year starting April `year_start`."""
    first, last = year_period(year_start)
    notifications = NotificationPolicy.filter(ctx, Notification.objects.for_partnership(ctx.partnership)).filter(
        received_on__gte=first, received_on__lte=last
    )
    categories = _categories(year_start)
    counts = (
        Child.objects.for_partnership(ctx.partnership)
        .filter(notification__in=notifications.values("pk"))
        .aggregate(**{f"c{index}": Count("pk", filter=q) for index, (_, _, q) in enumerate(categories)})
    )
    return [
        Figure(breakdown, category, counts[f"c{index}"]) for index, (breakdown, category, _) in enumerate(categories)
    ]


def _rows(figures: list[Figure]) -> list[list]:
    return [[f.breakdown, f.category, f.count] for f in figures]


def _filename(ctx: TenantContext, year_start: int) -> str:
    return f"{ctx.partnership.slug}-notifications-{year_start}-{str(year_start + 1)[-2:]}"


def csv_response(ctx: TenantContext, year_start: int):
    text = spreadsheets.csv_text(HEADERS, _rows(year_figures(ctx, year_start)))
    return spreadsheets.csv_response(text, f"{_filename(ctx, year_start)}.csv")


def xlsx_response(ctx: TenantContext, year_start: int):
    figures = year_figures(ctx, year_start)
    title = f"Notifications {year_start}-{str(year_start + 1)[-2:]}"
    data = spreadsheets.xlsx_bytes([spreadsheets.Sheet(title, HEADERS, _rows(figures))])
    return spreadsheets.xlsx_response(data, f"{_filename(ctx, year_start)}.xlsx", rows=len(figures))
