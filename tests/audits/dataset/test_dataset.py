"""The multi-agency dataset: indicators and their quarterly values, entered on a page, through the
API or from a spreadsheet (all rows or none, every problem listed); what bad input gets; the
trend on the list and the indicator's chart and table; who may change it."""

import datetime as dt
import html as html_lib
import io
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from audits import quarters
from audits.dataset import selectors as dataset_selectors
from audits.dataset import services as dataset_services
from audits.models import Indicator, IndicatorValue, Priority, quarter_of
from audits.quarters import current_year_start
from lscp.models import ActivityEvent
from tests.support.clients import api_as, error_by_field, signed_in

pytestmark = pytest.mark.django_db

D = Decimal
MAY_2026 = dt.datetime(2026, 5, 15, 10, 0)  # in Q1 2026-27 (April to June 2026)


def writes(world) -> tuple:
    p = world.partnership
    return (
        Indicator.objects.for_partnership(p).count(),
        list(IndicatorValue.objects.for_partnership(p).order_by("pk").values_list("value", "note")),
        ActivityEvent.objects.for_partnership(p).filter(kind="write").count(),
    )


def xlsx(rows, name="dataset.xlsx") -> io.BytesIO:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return buffer


@pytest.fixture
def frozen():
    with time_machine.travel(MAY_2026, tick=False):
        yield


@pytest.fixture
def thurrock(frozen, world_a):
    """World A in May 2026, with three indicators of its dataset."""
    ctx = world_a.ctx()
    world_a.plans = dataset_services.indicator_save(
        ctx,
        name="Children on a child protection plan",
        unit="rate",
        reporting_member=world_a.members["council"],
        priority=world_a.objects[Priority],
    )
    world_a.police = dataset_services.indicator_save(
        ctx,
        name="Strategy meetings with police attendance",
        unit="percent",
        direction="higher",
        reporting_member=world_a.members["police"],
    )
    world_a.objects[Indicator]  # the maker's: "Children subject to a child protection plan"
    return world_a


# ----------------------------------------------------------------------------------------------
# A quarter's value: the service's rules


@pytest.mark.parametrize(
    ("year_start", "quarter", "field", "message"),
    [
        (2025, 5, "quarter", "The quarter must be Q1, Q2, Q3 or Q4"),
        (2025, 0, "quarter", "The quarter must be Q1, Q2, Q3 or Q4"),
        (1999, 1, "year_start", "Enter the financial year, like 2026 for 2026-27"),
        (2026, 2, "quarter", "Q2 2026-27 (Jul–Sep 2026) has not started yet"),
        (2027, 1, "quarter", "Q1 2027-28 (Apr–Jun 2027) has not started yet"),
    ],
)
def test_a_value_for_a_quarter_that_does_not_exist_or_has_not_started_is_refused(
    thurrock, year_start, quarter, field, message
):
    before = writes(thurrock)
    with pytest.raises(ValidationError) as error:
        dataset_services.indicator_value_set(
            thurrock.ctx(), thurrock.plans, year_start=year_start, quarter=quarter, value="41.5"
        )
    assert error.value.message_dict == {field: [message]}
    assert writes(thurrock) == before


def test_the_current_quarter_has_started_so_it_takes_a_value(thurrock):
    row = dataset_services.indicator_value_set(thurrock.ctx(), thurrock.plans, year_start=2026, quarter=1, value="41.5")
    assert (row.year_start, row.quarter, row.value) == (2026, 1, D("41.50"))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("lots", "'lots' is not a number: enter a number like 41.5"),
        ("", "Enter the value, as a number like 41.5"),
        ("41.555", "'41.555' has more than 2 decimal places"),
        ("100000000000", "'100000000000' is too large for an indicator"),
        ("1e20", "'1e20' is not a number: enter a number like 41.5"),  # lscp.checks.parse_decimal: no exponents
        ("NaN", "'NaN' is not a number: enter a number like 41.5"),
    ],
)
def test_a_value_that_is_not_a_number_is_refused(thurrock, value, message):
    before = writes(thurrock)
    with pytest.raises(ValidationError) as error:
        dataset_services.indicator_value_set(thurrock.ctx(), thurrock.plans, year_start=2025, quarter=4, value=value)
    assert error.value.message_dict == {"value": [message]}
    assert writes(thurrock) == before


def test_values_are_read_as_typed_and_a_correction_is_logged_old_and_new(thurrock):
    ctx = thurrock.ctx()
    assert dataset_services.indicator_value_set(
        ctx, thurrock.police, year_start=2025, quarter=3, value="78%"
    ).value == D("78.00")
    assert dataset_services.indicator_value_set(
        ctx, thurrock.plans, year_start=2025, quarter=3, value="1,204.5"
    ).value == D("1204.50")
    dataset_services.indicator_value_set(
        ctx, thurrock.plans, year_start=2025, quarter=3, value="41.5", note="Recounted"
    )
    event = ActivityEvent.objects.for_partnership(thurrock.partnership).filter(event="indicator.value_set").first()
    assert event.changes["Q3 2025-26 (Oct–Dec 2025)"] == {"old": "1204.50", "new": "41.50"}
    assert event.actor == thurrock.person("business")
    # The same value and note again changes nothing and writes nothing.
    before = writes(thurrock)
    dataset_services.indicator_value_set(
        ctx, thurrock.plans, year_start=2025, quarter=3, value="41.50", note="Recounted"
    )
    assert writes(thurrock) == before


def test_indicator_rules(thurrock):
    ctx = thurrock.ctx()
    with pytest.raises(ValidationError) as error:
        dataset_services.indicator_save(
            ctx,
            name="  children SUBJECT to a child protection plan ",
            unit="furlongs",
            direction="sideways",
            reporting_member=None,
        )
    assert error.value.message_dict == {
        "name": ["The dataset already has an indicator with this name"],
        "unit": ["Choose what the indicator counts: a number, a per cent, a rate per 10,000 children or days"],
        "direction": ["Choose whether higher or lower is better, or neither"],
        "reporting_member": ["Choose the member organisation that reports it"],
    }
    # A change names only what changes; the rest is kept.
    changed = dataset_services.indicator_save(ctx, thurrock.police, direction="lower")
    assert (changed.name, changed.unit, changed.direction) == (
        "Strategy meetings with police attendance",
        "percent",
        "lower",
    )
    before = writes(thurrock)
    thurrock.police = dataset_services.indicator_save(ctx, thurrock.police, direction="lower")
    assert writes(thurrock) == before


def test_another_partnerships_organisation_or_priority_is_refused(thurrock, world_b):
    with pytest.raises(ValidationError) as error:
        dataset_services.indicator_save(
            thurrock.ctx(),
            name="Borrowed",
            unit="number",
            reporting_member=world_b.members["council"],
            priority=world_b.objects[Priority],
        )
    assert set(error.value.message_dict) == {"reporting_member", "priority"}


# ----------------------------------------------------------------------------------------------
# The trend and the indicator's quarters


def test_the_trend_says_which_way_and_whether_that_is_better(thurrock):
    ctx = thurrock.ctx()
    for quarter, value in [(1, "61"), (2, "58"), (3, "66"), (4, "72")]:
        dataset_services.indicator_value_set(ctx, thurrock.police, year_start=2025, quarter=quarter, value=value)
    dataset_services.indicator_value_set(ctx, thurrock.plans, year_start=2025, quarter=2, value="49.1")
    dataset_services.indicator_value_set(ctx, thurrock.plans, year_start=2025, quarter=4, value="46.3")
    police, plans = dataset_selectors.trends(ctx, [thurrock.police, thurrock.plans])
    assert police.latest_text == "72%" and police.latest_quarter == "Q4 2025-26"
    assert police.text == "up 6 percentage points from Q3 2025-26" and police.assessment == "better"
    # Compared with the value reported before (Q2: Q3 has none); neither direction is better.
    assert plans.text == "down 2.8 per 10,000 from Q2 2025-26" and plans.assessment == ""
    thurrock.police = dataset_services.indicator_save(ctx, thurrock.police, direction="lower")
    assert dataset_selectors.trends(ctx, [thurrock.police])[0].assessment == "worse"


def test_the_dataset_page_lists_each_indicator_with_its_latest_value_and_trend(thurrock, as_user):
    ctx = thurrock.ctx()
    dataset_services.indicator_value_set(ctx, thurrock.police, year_start=2025, quarter=3, value="66")
    dataset_services.indicator_value_set(ctx, thurrock.police, year_start=2025, quarter=4, value="72")
    html = as_user(thurrock.people["scrutineer"]).get(reverse("dataset", args=[thurrock.slug])).content.decode()
    row = re.search(
        r"<tr class=\"govuk-table__row\">\s*<th scope=\"row\"[^>]*><a[^>]*>Strategy meetings.*?</tr>", html, re.S
    )
    text = " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", row.group(0))).split())
    assert text == (
        "Strategy meetings with police attendance Essex Police Per cent 72% Q4 2025-26 Better "
        "Up 6 percentage points from Q3 2025-26"
    )
    assert "No values yet" in html  # the child protection plans indicator
    # A scrutineer reads it and is offered nothing that changes it.
    assert "Add an indicator" not in html and "Upload values" not in html
    business = as_user(thurrock.people["business"]).get(reverse("dataset", args=[thurrock.slug])).content.decode()
    assert "Add an indicator" in business and "Upload values" in business


def test_the_dataset_list_filters_by_priority_and_sorts(thurrock, as_user):
    client = as_user(thurrock.people["business"])
    url = reverse("dataset", args=[thurrock.slug])
    neglect = thurrock.objects[Priority]
    html = client.get(f"{url}?priority={neglect.pk}").content.decode()
    assert "Children on a child protection plan" in html and "Strategy meetings" not in html
    html = client.get(f"{url}?priority=none").content.decode()
    assert "Children on a child protection plan" not in html and "Strategy meetings" in html
    html = client.get(f"{url}?sort=-name").content.decode()
    assert html.index("Strategy meetings") < html.index("Children on a child protection plan")
    # A priority that is not one of the partnership's is said, never shown as an unfiltered list.
    html = client.get(f"{url}?sort=-name&priority=nonsense").content.decode()
    assert "There is a problem with the filter" in html and "Priority: Select one of the options given" in html
    assert "Strategy meetings" not in html and "Children on a child protection plan" not in html


def test_the_indicator_page_shows_eight_quarters_as_a_chart_beside_its_table(thurrock, as_user):
    ctx = thurrock.ctx()
    values = {(2024, 3): "45.2", (2024, 4): "47.8", (2025, 1): "49.1", (2025, 2): "46.3", (2025, 4): "42.7"}
    for (year, quarter), value in values.items():
        dataset_services.indicator_value_set(ctx, thurrock.plans, year_start=year, quarter=quarter, value=value)
    dataset_services.indicator_value_set(
        ctx, thurrock.plans, year_start=2023, quarter=4, value="50"
    )  # nine quarters back
    client = as_user(thurrock.people["scrutineer"])
    url = reverse("indicator-detail", args=[thurrock.slug, thurrock.plans.pk])
    html = client.get(url).content.decode()
    # The last complete quarter is Q4 2025-26: eight quarters back from it is Q1 2024-25.
    assert "Q1 2024-25 to Q4 2025-26" in html
    table = re.search(r'<table class="govuk-table" id="values">.*?<tbody[^>]*>(.*?)</tbody>', html, re.S).group(1)
    rows = [
        " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", r)).split())
        for r in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table, re.S)
    ]
    assert rows == [
        "Q4 2025-26 (Jan–Mar 2026) 42.7 per 10,000",
        "Q3 2025-26 (Oct–Dec 2025) Not reported",
        "Q2 2025-26 (Jul–Sep 2025) 46.3 per 10,000",
        "Q1 2025-26 (Apr–Jun 2025) 49.1 per 10,000",
        "Q4 2024-25 (Jan–Mar 2025) 47.8 per 10,000",
        "Q3 2024-25 (Oct–Dec 2024) 45.2 per 10,000",
        "Q2 2024-25 (Jul–Sep 2024) Not reported",
        "Q1 2024-25 (Apr–Jun 2024) Not reported",
    ]
    chart = re.search(r'<svg class="lscp-chart".*?</svg>', html, re.S).group(0)
    assert 'role="img"' in chart and "The figures are in the table beside the chart" in chart
    assert chart.count("<rect") == 5 and chart.count("no value") == 3
    assert 'font-weight="bold">42.7<' in chart  # the latest quarter stands out
    assert "style=" not in chart  # the pages' CSP forbids inline styles
    # The value nine quarters back is on the page of the eight quarters before.
    assert 'href="?to=2023-4#quarters"' in html and "Later quarters" not in html
    earlier = client.get(f"{url}?to=2023-4").content.decode()
    assert "Q1 2022-23 to Q4 2023-24" in earlier and "50 per 10,000" in earlier
    assert 'href="?to=2025-4#quarters"' in earlier
    # A quarter that has not started is never shown: the chart ends with the last complete one.
    assert "Q4 2025-26" in client.get(f"{url}?to=2030-1").content.decode()


def test_the_current_quarter_is_shown_once_it_has_a_value(thurrock):
    dataset_services.indicator_value_set(thurrock.ctx(), thurrock.plans, year_start=2026, quarter=1, value="40")
    series = dataset_selectors.series(thurrock.ctx(), thurrock.plans)
    assert series.last.short_label == "Q1 2026-27" and series.last.text == "40 per 10,000"


# ----------------------------------------------------------------------------------------------
# Pages: entering and correcting a value


def test_enter_a_value_page_keeps_bad_input_then_records_a_good_one(thurrock, as_user):
    client = as_user(thurrock.people["business"])
    url = reverse("indicator-value-add", args=[thurrock.slug, thurrock.plans.pk])
    page = client.get(url).content.decode()
    # The last complete quarter is offered first; quarters that have not started are not offered.
    assert '<option value="2025-4" selected>Q4 2025-26 (Jan–Mar 2026)</option>' in page
    assert 'value="2026-1"' in page and 'value="2026-2"' not in page
    before = writes(thurrock)
    html = client.post(url, {"quarter": "2025-4", "value": "forty", "note": "From the CP register"}).content.decode()
    assert error_by_field(html, "id_value") == "'forty' is not a number: enter a number like 41.5"
    assert 'value="forty"' in html and 'value="From the CP register"' in html
    assert writes(thurrock) == before
    # A quarter that has not started cannot be chosen (the service would refuse it too).
    html = client.post(url, {"quarter": "2026-2", "value": "41"}).content.decode()
    assert "Select one of the" in error_by_field(html, "id_quarter")
    assert writes(thurrock) == before

    response = client.post(url, {"quarter": "2025-4", "value": "41.5", "note": "From the CP register"})
    assert response.status_code == 302
    assert response["Location"] == reverse("indicator-detail", args=[thurrock.slug, thurrock.plans.pk]) + "?to=2025-4"
    row = IndicatorValue.objects.for_partnership(thurrock.partnership).get(indicator=thurrock.plans)
    assert (row.year_start, row.quarter, row.value, row.note) == (2025, 4, D("41.50"), "From the CP register")
    page = client.get(response["Location"]).content.decode()
    assert "Q4 2025-26 (Jan–Mar 2026): 41.5 per 10,000 recorded for Children on a child protection plan" in page
    # The quarter now says what it holds, so a second entry is a correction the person can see.
    assert "Q4 2025-26 (Jan–Mar 2026): 41.5 per 10,000 recorded</option>" in client.get(url).content.decode()


def test_an_earlier_quarter_reached_from_the_indicator_page_can_be_entered(thurrock, as_user):
    client = as_user(thurrock.people["business"])
    url = reverse("indicator-value-add", args=[thurrock.slug, thurrock.plans.pk])
    page = client.get(f"{url}?quarter=2021-3").content.decode()
    assert '<option value="2021-3" selected>Q3 2021-22 (Oct–Dec 2021)</option>' in page
    assert client.post(url, {"quarter": "2021-3", "value": "38.9"}).status_code == 302
    assert IndicatorValue.objects.for_partnership(thurrock.partnership).get(indicator=thurrock.plans).year_start == 2021
    # A quarter that has not started is not offered, however it is asked for.
    page = client.get(f"{url}?quarter=2027-1").content.decode()
    assert 'value="2027-1"' not in page and '<option value="2025-4" selected>' in page


def test_correcting_a_value(thurrock, as_user):
    row = dataset_services.indicator_value_set(thurrock.ctx(), thurrock.police, year_start=2025, quarter=2, value="58")
    client = as_user(thurrock.people["business"])
    url = reverse("indicator-value-edit", args=[thurrock.slug, row.pk])
    page = client.get(url).content.decode()
    assert "Correct Q2 2025-26 (Jul–Sep 2025): Strategy meetings with police attendance" in page
    assert 'value="58"' in page and 'name="quarter"' not in page
    assert client.post(url, {"value": "62.5", "note": "Late returns added"}).status_code == 302
    row.refresh_from_db()
    assert (row.value, row.note) == (D("62.50"), "Late returns added")


def test_add_and_change_an_indicator_by_page(thurrock, as_user):
    client = as_user(thurrock.people["business"])
    url = reverse("indicator-add", args=[thurrock.slug])
    html = client.post(url, {"name": "Missing episodes", "unit": "number", "direction": "lower"}).content.decode()
    assert error_by_field(html, "id_reporting_member") == "Choose the member organisation that reports it"
    assert 'value="Missing episodes"' in html
    police = thurrock.members["police"].pk
    html = client.post(
        url,
        {
            "name": "strategy meetings with POLICE attendance",
            "unit": "percent",
            "direction": "higher",
            "reporting_member": police,
        },
    ).content.decode()
    assert error_by_field(html, "id_name") == "The dataset already has an indicator with this name"
    response = client.post(
        reverse("indicator-add", args=[thurrock.slug]),
        {
            "name": "Missing episodes reported to the police",
            "unit": "number",
            "direction": "lower",
            "reporting_member": thurrock.members["police"].pk,
        },
    )
    indicator = Indicator.objects.for_partnership(thurrock.partnership).get(
        name="Missing episodes reported to the police"
    )
    assert response["Location"] == reverse("indicator-detail", args=[thurrock.slug, indicator.pk])
    edit = reverse("indicator-edit", args=[thurrock.slug, indicator.pk])
    assert "checked" in client.get(edit).content.decode()
    client.post(
        edit,
        {
            "version": indicator.version,
            "name": indicator.name,
            "unit": "number",
            "direction": "lower",
            "reporting_member": thurrock.members["police"].pk,
        },
    )
    indicator.refresh_from_db()
    assert indicator.is_active is False  # the box was left unticked: no longer reported


def test_an_indicator_changed_by_someone_else_meanwhile_is_not_overwritten_by_page(thurrock, as_user):
    client = as_user(thurrock.people["business"])
    edit = reverse("indicator-edit", args=[thurrock.slug, thurrock.police.pk])
    form = client.get(edit).content.decode()
    read_version = int(re.search(r'name="version" value="(\d+)"', form).group(1))
    assert read_version == thurrock.police.version == 1
    # A colleague renames it while the page is open.
    dataset_services.indicator_save(thurrock.ctx(), thurrock.police, name="Strategy meetings attended by the police")
    before = writes(thurrock)
    mine = {
        "version": read_version,
        "name": "Strategy meetings with police present",
        "unit": "percent",
        "direction": "higher",
        "reporting_member": thurrock.members["police"].pk,
        "is_active": "on",
    }
    response = client.post(edit, mine)
    html = html_lib.unescape(response.content.decode())
    assert response.status_code == 200
    assert "This indicator was changed by someone else while you were editing it" in html
    assert 'value="Strategy meetings with police present"' in html  # what I typed is kept
    assert 'name="version" value="2"' in html  # with the version there is now, to save again knowingly
    assert writes(thurrock) == before
    thurrock.police.refresh_from_db()
    assert (thurrock.police.name, thurrock.police.version) == ("Strategy meetings attended by the police", 2)
    # Read again, the change goes through.
    response = client.post(edit, {**mine, "version": 2})
    assert response.status_code == 302
    thurrock.police.refresh_from_db()
    assert (thurrock.police.name, thurrock.police.version) == ("Strategy meetings with police present", 3)


def test_api_a_stale_indicator_version_is_409_and_changes_nothing(thurrock, api):
    client = api(thurrock.people["business"])
    url = f"/api/v1/{thurrock.slug}/indicators/{thurrock.plans.pk}/"
    read = client.get(url).json()
    assert read["version"] == 1
    assert client.patch(url, {"description": "Per 10,000 children", "version": 1}).json()["version"] == 2
    before = writes(thurrock)
    stale = client.patch(url, {"description": "Rate per 10,000 under-18s", "version": 1})
    assert stale.status_code == 409
    assert "changed by someone else" in stale.json()["detail"]
    assert writes(thurrock) == before
    assert client.get(url).json()["description"] == "Per 10,000 children"
    # Without a version a partial change still applies to the fields it names.
    assert client.patch(url, {"is_active": False}).json()["version"] == 3


# ----------------------------------------------------------------------------------------------
# The spreadsheet: all rows or none


HEADER = ["Indicator", "Year", "Quarter", "Value", "Note"]


def upload(world, rows, who="business", client=None):
    client = client or signed_in(world.people[who])
    return client.post(reverse("dataset-upload", args=[world.slug]), {"file": xlsx(rows)})


def problems(response) -> list[str]:
    html = html_lib.unescape(response.content.decode())
    listed = re.search(r'<div class="govuk-inset-text" id="sheet-problems">.*?</div>', html, re.S)
    if listed:
        return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", listed.group(0), re.S)]
    return [error_by_field(response.content.decode(), "id_file")]


def test_a_spreadsheet_loads_every_row(thurrock):
    rows = [
        HEADER,
        ["Children on a child protection plan", "2025-26", "Q1", 45.2, None],
        ["Children on a child protection plan", "2025/26", "Q2", "47.8", "Including two sibling groups"],
        ["strategy meetings with police attendance", 2025, 3, "66%", None],
        ["Strategy meetings with police attendance", "2025-2026", "q4", 72, None],
        ["Strategy meetings with police attendance", "2026-27", "Q1", None, None],  # not reported yet: skipped
    ]
    client = signed_in(thurrock.people["business"])
    response = upload(thurrock, rows, client=client)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "The spreadsheet has been loaded: 5 rows, 4 new, 0 corrected, 0 unchanged, 1 without a value skipped" in page
    values = {
        (v.indicator.name[:8], v.year_start, v.quarter): (v.value, v.note)
        for v in IndicatorValue.objects.for_partnership(thurrock.partnership).select_related("indicator")
        if v.indicator_id in (thurrock.plans.pk, thurrock.police.pk)
    }
    assert values == {
        ("Children", 2025, 1): (D("45.20"), ""),
        ("Children", 2025, 2): (D("47.80"), "Including two sibling groups"),
        ("Strategy", 2025, 3): (D("66.00"), ""),
        ("Strategy", 2025, 4): (D("72.00"), ""),
    }
    # Loading it again with one corrected figure changes that value only.
    rows[1][3] = 45.9
    response = upload(thurrock, rows, client=client)
    page = client.get(response["Location"]).content.decode()
    assert "5 rows, 0 new, 1 corrected, 3 unchanged, 1 without a value skipped" in page


def test_a_spreadsheet_with_unknown_indicators_and_bad_cells_lists_every_problem_and_loads_nothing(thurrock):
    before = writes(thurrock)
    rows = [
        HEADER,
        ["Children on a child protection plan", "2025-26", "Q1", 45.2, None],
        ["Children on a plan", "2025-26", "Q2", 47.8, None],
        ["Strategy meetings with police attendance", "2025-27", "Q5", "sixty", None],
        ["Strategy meetings with police attendance", "2026-27", "Q3", 70, None],
        [None, "2025-26", "Q4", 72, "x" * 301],
        ["Children on a child protection plan", "2025-26", "Q1", 45.9, None],
    ]
    assert problems(upload(thurrock, rows)) == [
        "Row 3, Indicator: 'Children on a plan' is not an indicator of the dataset",
        "Row 4, Year: '2025-27' is not a financial year: write it like 2026-27",
        "Row 4, Quarter: 'Q5' is not a quarter: write Q1, Q2, Q3 or Q4",
        "Row 4, Value: 'sixty' is not a number: enter a number like 41.5",
        "Row 5, Quarter: Q3 2026-27 (Oct–Dec 2026) has not started yet",
        "Row 6, Indicator: is empty",
        "Row 6, Note: is longer than 300 characters",
        "Row 7: Q1 2025-26 (Apr–Jun 2025) for this indicator is already on row 2",
    ]
    assert writes(thurrock) == before


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [["Indicator", "Year", "Value"], ["Children on a child protection plan", "2025-26", 45]],
            "The spreadsheet is missing the column 'Quarter'",
        ),
        ([HEADER], "The spreadsheet has a header row but no data"),
        (
            [HEADER, ["Children on a child protection plan", "2025-26", "Q1", None, None]],
            "The spreadsheet has no values to load: fill in the Value column",
        ),
    ],
    ids=["missing column", "no rows", "no values"],
)
def test_a_spreadsheet_that_cannot_be_used_loads_nothing(thurrock, rows, message):
    before = writes(thurrock)
    assert problems(upload(thurrock, rows)) == [message]
    assert writes(thurrock) == before


def test_a_file_that_is_not_a_spreadsheet_loads_nothing(thurrock):
    before = writes(thurrock)
    for content, name in [(b"Indicator,Year,Quarter,Value\nX,2025-26,Q1,1\n", "dataset.csv"), (b"%PDF-1.4", "x.xlsx")]:
        file = io.BytesIO(content)
        file.name = name
        response = signed_in(thurrock.people["business"]).post(
            reverse("dataset-upload", args=[thurrock.slug]), {"file": file}
        )
        assert error_by_field(response.content.decode(), "id_file") == "The file is not an Excel spreadsheet (.xlsx)"
    assert writes(thurrock) == before
    with pytest.raises(ValidationError) as error:
        dataset_services.indicator_values_import(thurrock.ctx(), upload=io.BytesIO(b"not a spreadsheet"))
    assert error.value.message_dict == {"spreadsheet": ["The file is not an Excel spreadsheet (.xlsx)"]}


def test_the_downloaded_spreadsheet_is_the_template_for_the_upload(thurrock, as_user):
    dataset_services.indicator_value_set(thurrock.ctx(), thurrock.police, year_start=2025, quarter=4, value="72")
    client = as_user(thurrock.people["scrutineer"])  # everyone may download the dataset
    response = client.get(reverse("dataset-spreadsheet", args=[thurrock.slug]))
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Values", "Indicators"]
    rows = list(workbook["Values"].iter_rows(values_only=True))
    assert rows[0] == tuple(HEADER)
    # A row for each indicator in use and each of the last four complete quarters, blank where not reported.
    police = [r for r in rows if r[0] == "Strategy meetings with police attendance"]
    assert [(r[1], r[2], r[3]) for r in police] == [
        ("2025-26", "Q1", None),
        ("2025-26", "Q2", None),
        ("2025-26", "Q3", None),
        ("2025-26", "Q4", 72),
    ]
    # Filled in and uploaded as it is, it loads.
    sheet = workbook["Values"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "Strategy meetings with police attendance" and row[2].value == "Q3":
            row[3].value = 66
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "dataset.xlsx"
    response = signed_in(thurrock.people["business"]).post(
        reverse("dataset-upload", args=[thurrock.slug]), {"file": buffer}
    )
    assert response.status_code == 302
    assert IndicatorValue.objects.for_partnership(thurrock.partnership).get(
        indicator=thurrock.police, year_start=2025, quarter=3
    ).value == D("66.00")


# ----------------------------------------------------------------------------------------------
# Who may change it


def test_a_scrutineer_reads_the_dataset_and_changes_nothing(thurrock):
    scrutineer = thurrock.people["scrutineer"]
    row = dataset_services.indicator_value_set(thurrock.ctx(), thurrock.police, year_start=2025, quarter=4, value="72")
    client = signed_in(scrutineer)
    assert client.get(reverse("indicator-detail", args=[thurrock.slug, thurrock.police.pk])).status_code == 200
    before = writes(thurrock)
    for url, data in [
        (reverse("indicator-add", args=[thurrock.slug]), {"name": "X", "unit": "number"}),
        (reverse("indicator-edit", args=[thurrock.slug, thurrock.police.pk]), {"name": "X", "unit": "number"}),
        (reverse("indicator-value-add", args=[thurrock.slug, thurrock.police.pk]), {"quarter": "2025-4", "value": "1"}),
        (reverse("indicator-value-edit", args=[thurrock.slug, row.pk]), {"value": "1"}),
        (reverse("dataset-upload", args=[thurrock.slug]), {"file": xlsx([HEADER])}),
    ]:
        assert client.get(url).status_code == 403
        assert client.post(url, data).status_code == 403
    api = api_as(scrutineer)
    base = f"/api/v1/{thurrock.slug}/indicators/"
    assert (
        api.post(base, {"name": "X", "unit": "number", "reporting_member": thurrock.members["police"].pk}).status_code
        == 403
    )
    assert api.patch(f"{base}{thurrock.police.pk}/", {"name": "X"}).status_code == 403
    assert (
        api.post(f"{base}{thurrock.police.pk}/values/", {"year_start": 2025, "quarter": 4, "value": "1"}).status_code
        == 403
    )
    for who in ("agency", "council"):
        assert (
            api_as(thurrock.people[who])
            .post(f"{base}{thurrock.police.pk}/values/", {"year_start": 2025, "quarter": 4, "value": "1"})
            .status_code
            == 403
        )
    with pytest.raises(PermissionDenied):
        dataset_services.indicator_value_set(
            thurrock.ctx("scrutineer"), thurrock.police, year_start=2025, quarter=4, value="1"
        )
    assert writes(thurrock) == before


# ----------------------------------------------------------------------------------------------
# The API


def test_api_indicators_with_their_values(thurrock, api):
    ctx = thurrock.ctx()
    dataset_services.indicator_value_set(ctx, thurrock.police, year_start=2025, quarter=3, value="66")
    dataset_services.indicator_value_set(ctx, thurrock.police, year_start=2025, quarter=4, value="72", note="Improving")
    client = api(thurrock.people["scrutineer"])
    listed = client.get(f"/api/v1/{thurrock.slug}/indicators/").json()
    police = next(row for row in listed["results"] if row["id"] == thurrock.police.pk)
    assert police["unit"] == "percent" and police["direction"] == "higher"
    assert police["reporting_organisation"] == "Essex Police"
    assert police["latest"]["label"] == "Q4 2025-26 (Jan–Mar 2026)" and police["latest"]["value"] == "72.00"
    assert [(v["year_start"], v["quarter"], v["value"], v["note"]) for v in police["values"]] == [
        (2025, 3, "66.00", ""),
        (2025, 4, "72.00", "Improving"),
    ]
    detail = client.get(f"/api/v1/{thurrock.slug}/indicators/{thurrock.plans.pk}/").json()
    assert detail["priority"] == {"id": thurrock.objects[Priority].pk, "name": "Neglect"} and detail["values"] == []


def test_api_writes_use_the_same_rules(thurrock, api):
    client = api(thurrock.people["business"])
    base = f"/api/v1/{thurrock.slug}/indicators/"
    bad = client.post(base, {"name": "", "unit": "miles", "reporting_member": 999999})
    assert bad.status_code == 400 and set(bad.json()) == {"name", "unit", "reporting_member"}
    created = client.post(
        base,
        {
            "name": "Missing episodes",
            "unit": "number",
            "direction": "lower",
            "reporting_member": thurrock.members["police"].pk,
        },
    )
    assert created.status_code == 201 and created.json()["values"] == []
    indicator_id = created.json()["id"]
    duplicate = client.patch(f"{base}{indicator_id}/", {"name": "strategy meetings with police attendance"})
    assert duplicate.status_code == 400
    assert duplicate.json() == {"name": ["The dataset already has an indicator with this name"]}
    assert client.patch(f"{base}{indicator_id}/", {"is_active": False}).json()["is_active"] is False

    values = f"{base}{indicator_id}/values/"
    for payload, expected in [
        ({"year_start": 2025, "quarter": 5, "value": "1"}, {"quarter": ["The quarter must be Q1, Q2, Q3 or Q4"]}),
        (
            {"year_start": 2026, "quarter": 2, "value": "1"},
            {"quarter": ["Q2 2026-27 (Jul–Sep 2026) has not started yet"]},
        ),
        (
            {"year_start": 2025, "quarter": 1, "value": "a few"},
            {"value": ["'a few' is not a number: enter a number like 41.5"]},
        ),
        ({"year_start": "last year", "quarter": 1, "value": "1"}, {"year_start": ["A valid integer is required."]}),
    ]:
        response = client.post(values, payload)
        assert (response.status_code, response.json()) == (400, expected)
    first = client.post(values, {"year_start": 2025, "quarter": 4, "value": 204})
    assert first.status_code == 201 and first.json()["value"] == "204.00"
    corrected = client.post(values, {"year_start": 2025, "quarter": 4, "value": "197.5"})
    assert corrected.status_code == 200 and corrected.json()["value"] == "197.50"
    assert IndicatorValue.objects.for_partnership(thurrock.partnership).filter(indicator_id=indicator_id).count() == 1


def test_api_another_partnerships_indicator_is_404(thurrock, world_b, api):
    theirs = world_b.objects[Indicator]
    client = api(thurrock.people["business"])
    assert client.get(f"/api/v1/{thurrock.slug}/indicators/{theirs.pk}/").status_code == 404
    response = client.post(
        f"/api/v1/{thurrock.slug}/indicators/{theirs.pk}/values/", {"year_start": 2025, "quarter": 1, "value": "1"}
    )
    assert response.status_code == 404
    # Their organisation is not a choice here.
    response = client.post(
        f"/api/v1/{thurrock.slug}/indicators/",
        {"name": "Borrowed", "unit": "number", "reporting_member": world_b.members["agency"].pk},
    )
    assert response.status_code == 400 and "reporting_member" in response.json()


def test_quarter_and_value_helpers():
    assert quarter_of(dt.date(2026, 3, 31)) == (2025, 4) and quarter_of(dt.date(2026, 4, 1)) == (2026, 1)
    assert quarters.quarters_to((2026, 1), 3) == [(2025, 3), (2025, 4), (2026, 1)]
    assert quarters.parse_quarter("2025-4") == (2025, 4) and quarters.parse_quarter("2025-5") is None
    assert dataset_selectors.value_text(D("1204.50"), "number") == "1,204.5"
    assert (
        dataset_selectors.value_text(D("1.00"), "days") == "1 day"
        and dataset_selectors.value_text(D("12"), "days") == "12 days"
    )
    assert current_year_start(dt.date(2026, 5, 15)) == 2026


def test_bad_filter_values_are_refused_by_the_api_as_by_the_page(thurrock, world_b):
    """The page and the API share IndicatorFilter: a priority or `active` that is not one is a 400."""
    api = api_as(thurrock.people["scrutineer"])
    base = f"/api/v1/{thurrock.slug}/indicators/"
    for query in ("priority=nonsense", "priority=999999", "active=maybe"):
        response = api.get(f"{base}?{query}")
        assert response.status_code == 400, query
    foreign = world_b.objects[Priority]  # another partnership's priority is not a choice here
    assert api.get(f"{base}?priority={foreign.pk}").status_code == 400
    names = [row["name"] for row in api.get(f"{base}?priority=none").json()["results"]]
    assert "Strategy meetings with police attendance" in names
    assert "Children on a child protection plan" not in names
    page = signed_in(thurrock.people["scrutineer"]).get(reverse("dataset", args=[thurrock.slug]) + "?active=maybe")
    assert "In use: Select one of the options given" in html_lib.unescape(page.content.decode())
