"""Funding: the seed's figures reproduced from recorded amounts, what bad input gets (a clear
message by the field, input kept, nothing changed), exports, the API, the activity log."""

import datetime as dt
import html as html_lib
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from funding import planning, selectors, services, years
from funding.models import Benchmark, Contribution, FinancialYear, Income, SpendingLine
from funding.permissions import FundingPolicy
from lscp.models import ActivityEvent
from partners import services as partner_services
from partners.models import Sector
from tests.support.routes import tenant_routes
from tests.support.world import organisation

pytestmark = pytest.mark.django_db

D = Decimal

# Seed 003 §14: "2020/21 LSCP Contributions".
SEED_2020_21 = [
    ("Local Authority", "council", D("177444.00")),
    ("Police", "police", D("17777.00")),
    ("CAFCASS", Sector.COURTS, D("550.00")),
    ("NPS", Sector.PROBATION, D("1206.21")),
    ("CRC", Sector.PROBATION, D("4750.00")),
    ("Thurrock CCG", "health", D("17777.00")),
    ("NELFT", Sector.HEALTH, D("5000.00")),
    ("BTUH", Sector.HEALTH, D("5000.00")),
    ("EPUT", Sector.HEALTH, D("5000.00")),
]

# Seed 003 §14: "ALL PARTNER CONTRIBUTIONS", with training and other income from the totals
# table and population and 2016/17 budget from the population table.
EASTERN_REGION = [
    ("Bedford Borough", "unitary", 108240, 62663, 18300, 2228, None, 9000, 168751, 225056),
    ("Cambridgeshire", "county", 111530, 43458, 48468, 1762, 6000, None, 651940, 255374),
    ("Central Bedfordshire", "unitary", 82037, 54830, 19992, 2229, None, 22210, 278937, 241765),
    ("Essex", "county", 213166, 66426, 66426, 22567, 11208, None, 1455340, 389443),
    ("Hertfordshire", "county", 198694, 104300, 16800, 7450, 9000, None, 1176720, 331724),
    ("Luton", "unitary", 141544, 87068, 24359, 3868, 0, 6900, 216791, 237220),
    ("Norfolk", "county", 121108, 80621, 48611, 39550, 95000, 10000, 892870, 363635),
    ("Peterborough", "unitary", 74911, 45420, 35884, 1762, 3000, None, 197095, 172710),
    ("Southend", "unitary", 43065, 22620, 14355, 4888, 5000, 14000, 179799, 108449),
    ("Suffolk", "county", 100865, 47000, 23500, 40150, 0, 0, 745274, 205821),
    ("Thurrock", "unitary", 108000, 25000, 15000, 10050, 0, 0, 167025, 120641),
]


def error_by_field(html: str, field_id: str) -> str:
    match = re.search(rf'<p id="{field_id}-error" class="govuk-error-message">(.*?)</p>', html, re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", "", match.group(1)).replace("Error:", "").strip()) if match else ""


def seed_year(world) -> FinancialYear:
    """Thurrock's 2020/21 contributions, recorded through the services as the business unit."""
    ctx = world.ctx()
    year = services.year_add(ctx=ctx, label="2020/21")
    for name, sector, agreed in SEED_2020_21:
        if name == "Local Authority":
            org = world.members["council"].organisation
        elif name == "Police":
            org = world.members["police"].organisation
        elif name == "Thurrock CCG":
            org = world.members["health"].organisation
        elif name == "NELFT":
            org = world.members["agency"].organisation
        else:
            org = organisation(name, sector)
            partner_services.member_add(ctx=ctx, organisation=org, kind="relevant_agency")
        services.contribution_add(ctx=ctx, year=year, organisation=org, agreed=agreed)
    return year


def seed_benchmarks(world) -> None:
    for name, kind, council, health, police, other, training, other_income, population, budget in EASTERN_REGION:
        services.benchmark_add(
            ctx=world.ctx(),
            name=name,
            year="2016/17",
            authority_type=kind,
            council=D(council),
            health=D(health),
            police=D(police),
            other=D(other),
            training_income=None if training is None else D(training),
            other_income=None if other_income is None else D(other_income),
            population=population,
            budget=D(budget),
            is_this_partnership=name == "Thurrock",
        )


@pytest.fixture
def thurrock(world_a):
    """World A as Thurrock: no funding records yet (the seed's table is loaded where a test needs it)."""
    return world_a


def writes(world) -> tuple:
    p = world.partnership
    return (
        FinancialYear.objects.for_partnership(p).count(),
        Contribution.objects.for_partnership(p).count(),
        Income.objects.for_partnership(p).count(),
        SpendingLine.objects.for_partnership(p).count(),
        Benchmark.objects.for_partnership(p).count(),
        ActivityEvent.objects.for_partnership(p).filter(kind="write").count(),
    )


# ----------------------------------------------------------------------------------------------
# The seed's figures, computed from the recorded amounts


def test_thurrock_2020_21_contributions_reproduce_the_seed(thurrock):
    year = seed_year(thurrock)
    assert year.label == "2020-21"  # "2020/21" accepted, stored and shown in URLs as 2020-21
    summary = selectors.year_summary(thurrock.ctx(), year)
    assert summary.agreed == D("234504.21")
    assert {s.sector: s.amount for s in summary.by_sector} == {
        "council": D("177444.00"),
        "health": D("32777.00"),  # the CCG and three NHS trusts
        "police": D("17777.00"),
        "other": D("6506.21"),  # CAFCASS (courts), NPS and CRC (probation)
    }
    shares = [s.share for s in summary.by_sector]
    assert shares == [D("75.6"), D("14.0"), D("7.6"), D("2.8")] and sum(shares) == 100
    assert sum(row.share for row in summary.contributions) == D("100.0")
    assert summary.total_income == D("234504.21") and summary.outstanding == 0
    # Nothing is stored: change an amount and the total follows.
    police = Contribution.objects.for_partnership(thurrock.partnership).get(member=thurrock.members["police"])
    services.contribution_update(ctx=thurrock.ctx(), contribution=police, agreed=D("17777.01"))
    assert selectors.year_summary(thurrock.ctx(), year).agreed == D("234504.22")


def test_regional_comparison_reproduces_the_seed(thurrock):
    seed_benchmarks(thurrock)
    comparison = selectors.comparison(thurrock.ctx())
    assert comparison.year == "2016-17" and len(comparison.rows) == 11
    own = comparison.own
    assert own.name == "Thurrock" and own.contributions == D("158050")
    assert own.shares == [D("68.3"), D("15.8"), D("9.5"), D("6.4")]
    assert own.per_head.quantize(D("0.01")) == D("0.72")

    averages = comparison.averages
    # The seed's AVERAGES row, to the pound...
    assert [a.quantize(D("1")) for a in averages.amounts] == [D(118469), D(58128), D(30154), D(12409)]
    assert averages.contributions.quantize(D("1")) == D(219160)
    # ...to the penny, adding up to the average total.
    assert averages.amounts == [D("118469.09"), D("58127.82"), D("30154.09"), D("12409.45")]
    assert sum(averages.amounts) == averages.contributions == D("219160.45")
    # One method for shares: each sector's share of the average amounts. The council's is
    # 54.06% (the seed's 54.1% rounded alone); in the row it shows 54.0% so the row adds up.
    assert averages.exact_shares[0].quantize(D("0.1")) == D("54.1")
    assert averages.shares == [D("54.0"), D("26.5"), D("13.8"), D("5.7")] and sum(averages.shares) == 100
    # The other method, shown only to explain the seed's mixed row: 53.8 / 26.7 / 14.1 / 5.4.
    assert averages.mean_of_shares == [D("53.8"), D("26.7"), D("14.1"), D("5.4")]
    # Totals: a blank income counts as £0, so the average grand total is the seed's £236,553.
    assert averages.total_income == D("236553.00")
    assert averages.training_income_of_reporting.quantize(D("1")) == D(14356)  # the seed's figure
    assert averages.other_income_of_reporting.quantize(D("1")) == D(8873)
    for row in comparison.rows:
        assert sum(row.shares) == 100


def test_unitary_comparison_reproduces_the_seed(thurrock):
    seed_benchmarks(thurrock)
    averages = selectors.comparison(thurrock.ctx(), group="unitary").averages
    assert averages.count == 6
    assert [a.quantize(D("1")) for a in averages.amounts] == [D(92966), D(49600), D(21315), D(4171)]
    assert averages.contributions.quantize(D("1")) == D(168052)


def test_comparison_page_shows_the_figures_and_says_how_averages_are_made(thurrock, as_user):
    seed_benchmarks(thurrock)
    year = seed_year(thurrock)
    page = (
        as_user(thurrock.people["scrutineer"])
        .get(reverse("funding-comparison", args=[thurrock.slug]) + f"?recorded={year.label}")
        .content.decode()
    )
    shares_row = re.search(r'<tr class="govuk-table__row lscp-row--highlight">.*?Thurrock<br>(.*?)</tr>', page, re.S)
    assert all(v in shares_row.group(1) for v in ("68.3%", "15.8%", "9.5%", "6.4%"))
    assert "£118,469.09" in page and "£219,160.45" in page and "£0.72" in page
    assert "each average share is that sector's share of the average amounts" in page
    assert "53.8% / 26.7% / 14.1% / 5.4%" in page
    assert "Thurrock 2020/21" in page and "Recorded year, not in the averages" in page
    assert page.count('role="img"') == 3


def test_the_comparison_reads_its_parameters_alike_on_the_page_and_in_the_api(thurrock, as_user, api):
    """One parameter reader (funding.filters.comparison_filter): a benchmark year, group or
    recorded year that does not exist is the page's form error and the API's 400; before, both
    quietly compared the latest year of all areas instead (the API refused only `recorded`)."""
    from tests.support.clients import error_by_field

    seed_benchmarks(thurrock)
    seed_year(thurrock)
    page_url = reverse("funding-comparison", args=[thurrock.slug])
    api_url = f"/api/v1/{thurrock.slug}/funding/benchmarks/comparison/"
    page, client = as_user(thurrock.people["scrutineer"]), api(thurrock.people["scrutineer"])
    good = client.get(api_url, {"year": "2016-17", "group": "unitary", "recorded": "2020-21"})
    assert good.status_code == 200 and good.json()["group"] == "unitary" and good.json()["recorded"]
    for field, bad in (("year", "1999-00"), ("group", "nonsense"), ("recorded", "1999-00")):
        html = page.get(page_url, {field: bad}).content.decode()
        assert "Select one of the" in error_by_field(html, f"id_{field}"), field
        response = client.get(api_url, {field: bad})
        assert response.status_code == 400 and field in response.json(), field


# ----------------------------------------------------------------------------------------------
# The year's page


def test_year_page_summary_outstanding_contingency_and_change(thurrock, as_user):
    ctx = thurrock.ctx()
    previous = services.year_add(ctx=ctx, label="2019-20")
    services.contribution_add(
        ctx=ctx, year=previous, organisation=thurrock.members["council"].organisation, agreed=D("170000")
    )
    year = services.year_add(ctx=ctx, label="2020-21")
    services.contribution_add(
        ctx=ctx,
        year=year,
        organisation=thurrock.members["council"].organisation,
        agreed=D("177444.00"),
        invoiced_on=dt.date(2020, 4, 20),
        invoiced=D("177444.00"),
        received_on=dt.date(2020, 5, 29),
        received=D("100000.00"),
    )
    services.contribution_add(
        ctx=ctx, year=year, organisation=thurrock.members["police"].organisation, agreed=D("17777.00")
    )
    services.income_add(ctx=ctx, year=year, kind="training", amount=D("14868.75"))
    services.spending_add(ctx=ctx, year=year, kind="training", budget=D("15000"), actual=D("15000"))
    services.spending_add(ctx=ctx, year=year, kind="reviews", budget=D("20000"), actual=D("4500.50"))
    summary = selectors.year_summary(ctx, year)
    assert summary.total_income == D("210089.75")
    assert summary.outstanding == D("77444.00") and summary.not_invoiced == D("17777.00")
    assert summary.contingency_left == D("15499.50")
    assert summary.training_income == D("14868.75")
    first = summary.changes[0]
    assert (first.what, first.previous, first.current, first.percent) == (
        "Contributions agreed",
        D("170000"),
        D("195221.00"),
        D("14.8"),
    )
    page = as_user(thurrock.people["council"]).get(reverse("funding-year", args=[thurrock.slug, "2020-21"]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "£210,089.75" in html and "£77,444.00" in html and "£15,499.50 of £20,000.00" in html
    assert "Change from 2019/20" in html and "+£25,221.00 (+14.8%)" in html
    assert "2019-20" not in re.sub(r'(href|action)="[^"]*"', "", html)  # the URL form stays in links
    assert "Add a contribution" not in html  # a DSP reads, never writes
    assert ActivityEvent.objects.for_partnership(thurrock.partnership).filter(event="financialyear.viewed").exists()


def test_years_read_2020_21_with_a_slash_on_the_page_and_in_the_exports(thurrock, as_user, api):
    """One year format wherever a person reads one ("2019/20", as the partnership's documents
    write it); the URL and the API keep their documented "2019-20"."""
    ctx = thurrock.ctx()
    previous = services.year_add(ctx=ctx, label="2019-20")
    council = thurrock.members["council"].organisation
    services.contribution_add(ctx=ctx, year=previous, organisation=council, agreed=D("170000"))
    year = services.year_add(ctx=ctx, label="2020-21")
    services.contribution_add(ctx=ctx, year=year, organisation=council, agreed=D("177444.00"))
    services.income_add(ctx=ctx, year=year, kind="training", description="Courses", amount=D("100"))
    client = as_user(thurrock.people["business"])
    hyphen = re.compile(r"\b20\d{2}-\d{2}(?![\d-])")

    pdf = client.get(reverse("funding-year-pdf", args=[thurrock.slug, "2020-21"])).content
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Change from 2019/20" in text and not hyphen.search(text)

    book = load_workbook(io.BytesIO(client.get(reverse("funding-year-xlsx", args=[thurrock.slug, "2020-21"])).content))
    cells = [str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert "Agreed 2019/20" in cells and not [cell for cell in cells if hyphen.search(cell)]

    with pytest.raises(ValidationError) as refused:
        services.year_add(ctx=ctx, label="2020/21")
    assert refused.value.message_dict == {"label": ["2020/21 has already been added"]}
    assert str(year) == "Financial year 2020/21"
    body = api(thurrock.people["business"]).get(f"/api/v1/{thurrock.slug}/funding/years/2020-21/").json()
    assert (body["label"], body["summary"]["previous_year"]) == ("2020-21", "2019-20")


def test_a_year_like_2020_22_is_refused_by_the_field(thurrock, as_user):
    client = as_user(thurrock.people["business"])
    before = writes(thurrock)
    response = client.post(reverse("funding-year-add", args=[thurrock.slug]), {"label": "2020-22"})
    html = response.content.decode()
    assert response.status_code == 200
    assert error_by_field(html, "id_label").startswith("2020-22 is not a financial year")
    assert "so the one starting in April 2020 is 2020/21" in error_by_field(html, "id_label")
    assert 'value="2020-22"' in html
    assert writes(thurrock) == before
    response = client.post(reverse("funding-year-add", args=[thurrock.slug]), {"label": "2020/21"})
    assert response.status_code == 302 and response["Location"].endswith("/funding/years/2020-21/")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("2020-21", "2020-21"), ("2020/21", "2020-21"), ("2020-2021", "2020-21"), ("1999/00", "1999-00")],
)
def test_financial_year_labels(typed, expected):
    assert years.parse(typed) == expected


@pytest.mark.parametrize("typed", ["2020-22", "2020", "20-21", "2021-20", "2020/2022", "", "2200-01"])
def test_bad_financial_year_labels(typed):
    with pytest.raises(ValueError):
        years.parse(typed)


# ----------------------------------------------------------------------------------------------
# Contributions: bad input


@pytest.fixture
def year(thurrock):
    return services.year_add(ctx=thurrock.ctx(), label="2020-21")


def add_url(world, year, what="contribution"):
    return reverse(f"funding-{what}-add", args=[world.slug, year.label])


def test_negative_amount_is_refused_by_the_field_with_the_input_kept(thurrock, year, as_user):
    before = writes(thurrock)
    response = as_user(thurrock.people["business"]).post(
        add_url(thurrock, year),
        {"organisation": thurrock.members["police"].organisation.pk, "agreed": "-17777", "notes": "Essex Police"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert error_by_field(html, "id_agreed") == "The agreed amount must be £0 or more, not -£17,777.00"
    assert 'value="-17777"' in html and "Essex Police</textarea>" in html
    assert "There is a problem" in html
    assert writes(thurrock) == before


def test_received_more_than_invoiced_needs_a_note(thurrock, year, as_user):
    client = as_user(thurrock.people["business"])
    data = {
        "organisation": thurrock.members["agency"].organisation.pk,
        "agreed": "5000",
        "invoiced_on-day": "20",
        "invoiced_on-month": "4",
        "invoiced_on-year": "2020",
        "invoiced": "5000",
        "received_on-day": "5",
        "received_on-month": "6",
        "received_on-year": "2020",
        "received": "5500.00",
    }
    before = writes(thurrock)
    html = client.post(add_url(thurrock, year), data).content.decode()
    assert error_by_field(html, "id_received") == (
        "The amount received (£5,500.00) is more than the amount invoiced (£5,000.00): check it, or add a note to say why"
    )
    assert 'value="5500.00"' in html and 'name="received_on-day" type="text" inputmode="numeric" value="5"' in html
    assert writes(thurrock) == before
    response = client.post(add_url(thurrock, year), {**data, "notes": "Paid the 2019-20 shortfall of £500 too"})
    assert response.status_code == 302
    contribution = Contribution.objects.for_partnership(thurrock.partnership).get(year=year)
    assert contribution.received == D("5500.00") and contribution.outstanding == 0


def test_invoice_and_payment_need_both_date_and_amount(thurrock, year):
    with pytest.raises(ValidationError) as error:
        services.contribution_add(
            ctx=thurrock.ctx(),
            year=year,
            organisation=thurrock.members["council"].organisation,
            agreed=D("1"),
            invoiced=D("1"),
            received_on=dt.date(2020, 5, 1),
        )
    assert error.value.message_dict == {
        "invoiced_on": ["Enter the date of the invoice"],
        "received": ["Enter the amount received"],
    }


def test_a_contribution_from_an_organisation_that_is_not_a_member_is_refused(thurrock, year, as_user, api):
    outsider = organisation("Hertfordshire Constabulary", Sector.POLICE)
    before = writes(thurrock)
    html = (
        as_user(thurrock.people["business"])
        .post(add_url(thurrock, year), {"organisation": outsider.pk, "agreed": "100"})
        .content.decode()
    )
    assert error_by_field(html, "id_organisation") == "Choose an organisation that is a member of the partnership"
    assert 'value="100"' in html
    response = api(thurrock.people["business"]).post(
        f"/api/v1/{thurrock.slug}/funding/years/2020-21/contributions/",
        {"organisation": outsider.pk, "agreed": "100.00"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "organisation": [
            "Hertfordshire Constabulary is not a member of Thurrock LSCP: add it as a partner before recording its contribution"
        ]
    }
    assert writes(thurrock) == before


def test_two_contributions_for_the_same_organisation_and_year_are_refused(thurrock, year, as_user, api):
    services.contribution_add(
        ctx=thurrock.ctx(), year=year, organisation=thurrock.members["council"].organisation, agreed=D("177444")
    )
    before = writes(thurrock)
    html = (
        as_user(thurrock.people["business"])
        .post(add_url(thurrock, year), {"organisation": thurrock.members["council"].organisation.pk, "agreed": "1"})
        .content.decode()
    )
    message = "Thurrock Council already has a contribution for 2020/21: change that one instead"
    assert error_by_field(html, "id_organisation") == message
    response = api(thurrock.people["business"]).post(
        f"/api/v1/{thurrock.slug}/funding/years/2020-21/contributions/",
        {"organisation": thurrock.members["council"].organisation.pk, "agreed": "1"},
        format="json",
    )
    assert response.status_code == 400 and response.json() == {"organisation": [message]}
    assert writes(thurrock) == before
    # A different year is a different contribution.
    other = services.year_add(ctx=thurrock.ctx(), label="2021-22")
    services.contribution_add(
        ctx=thurrock.ctx(), year=other, organisation=thurrock.members["council"].organisation, agreed=D("180000")
    )


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"agreed": "-1"}, "agreed", "The agreed amount must be £0 or more, not -£1.00"),
        ({"agreed": "12.345"}, "agreed", "Ensure that there are no more than 2 decimal places."),
        ({"agreed": "ten"}, "agreed", "A valid number is required."),
        ({"agreed": "10", "received": "5", "received_on": "2020-05-01"}, "received", "nothing has been invoiced"),
        ({"agreed": "10", "invoiced": "-5", "invoiced_on": "2020-05-01"}, "invoiced", "must be £0 or more"),
        (
            {
                "agreed": "10",
                "invoiced": "10",
                "invoiced_on": "2020-05-01",
                "received": "10",
                "received_on": "2999-01-01",
            },
            "received_on",
            "The date received must be today or in the past",
        ),
    ],
)
def test_api_contribution_bad_input_is_400_by_field(thurrock, year, api, payload, field, message):
    before = writes(thurrock)
    response = api(thurrock.people["business"]).post(
        f"/api/v1/{thurrock.slug}/funding/years/2020-21/contributions/",
        {"organisation": thurrock.members["agency"].organisation.pk, **payload},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert message in str(response.json()[field])
    assert writes(thurrock) == before


def test_spending_and_income_rules(thurrock, year):
    ctx = thurrock.ctx()
    with pytest.raises(ValidationError) as error:
        services.spending_add(ctx=ctx, year=year, kind="other", budget=D("-1"))
    assert error.value.message_dict == {
        "description": ["Describe what the other spending is for"],
        "budget": ["The budget must be £0 or more, not -£1.00"],
    }
    services.spending_add(ctx=ctx, year=year, kind="staffing", budget=D("120835"))
    with pytest.raises(ValidationError, match="already has a staffing"):
        services.spending_add(ctx=ctx, year=year, kind="staffing", budget=D("1"))
    with pytest.raises(ValidationError) as error:
        services.income_add(ctx=ctx, year=year, kind="grant", amount=D("-10"))
    assert error.value.message_dict == {"amount": ["The amount must be £0 or more, not -£10.00"]}
    with pytest.raises(TypeError):
        services.income_add(ctx=ctx, year=year, kind="grant", amount=10.5)  # never a float


def test_only_the_business_unit_changes_funding(thurrock, year):
    for who in ("agency", "council", "police", "health", "scrutineer"):
        assert FundingPolicy.can(thurrock.ctx(who), "view")
        assert not FundingPolicy.can(thurrock.ctx(who), "manage")
        with pytest.raises(Exception, match="permission"):
            services.income_add(ctx=thurrock.ctx(who), year=year, kind="training", amount=D("1"))


FUNDING_WRITES = [
    (route, method)
    for route in tenant_routes()
    for method in sorted(route.write_methods)
    if route.policy_and_permission(method) == (FundingPolicy, "manage")
]


def test_funding_write_routes_are_found():
    names = {route.name for route, _ in FUNDING_WRITES}
    assert {
        "funding-year-add",
        "funding-contribution-add",
        "funding-contribution-change",
        "funding-benchmark-upload",
        "api-funding-year-list",
        "api-funding-year-add-contribution",
        "api-funding-contribution-detail",
        "api-funding-benchmark-detail",
    } <= names


# ----------------------------------------------------------------------------------------------
# The activity log


def test_every_write_is_logged_and_a_change_that_changes_nothing_writes_nothing(thurrock, year):
    ctx = thurrock.ctx()
    contribution = services.contribution_add(
        ctx=ctx, year=year, organisation=thurrock.members["council"].organisation, agreed=D("177444")
    )
    events = ActivityEvent.objects.for_partnership(thurrock.partnership).filter(
        kind="write", object_id=str(contribution.pk), object_type__model="contribution"
    )
    added = events.get(event="contribution.added")
    assert added.actor == thurrock.person("business") and added.changes["agreed"] == {"old": None, "new": "177444.00"}
    before = events.count()
    services.contribution_update(ctx=ctx, contribution=contribution, agreed=D("177444.00"))
    assert events.count() == before
    services.contribution_update(ctx=ctx, contribution=contribution, agreed=D("180000"), notes="Uplift agreed")
    changed = events.get(event="contribution.changed")
    assert changed.changes == {
        "agreed": {"old": "177444.00", "new": "180000.00"},
        "notes": {"old": "", "new": "Uplift agreed"},
    }
    services.contribution_remove(ctx=ctx, contribution=contribution)
    assert events.get(event="contribution.removed").changes == {
        "record": {"old": "Thurrock Council contribution 2020/21", "new": None}
    }
    # ...and so is a write of every other kind of funding record.
    services.spending_add(ctx=ctx, year=year, kind="reviews", budget=D("20000.00"))
    services.benchmark_remove(ctx=ctx, benchmark=thurrock.objects[Benchmark])
    all_events = ActivityEvent.objects.for_partnership(thurrock.partnership).values_list("event", flat=True)
    assert set(all_events) >= {"financial_year.added", "benchmark.added", "benchmark.removed", "spending.added"}


def test_copying_the_previous_year_brings_agreed_amounts_and_budgets_only(thurrock):
    seed_year(thurrock)
    ctx = thurrock.ctx()
    previous = FinancialYear.objects.for_partnership(thurrock.partnership).get(label="2020-21")
    services.spending_add(ctx=ctx, year=previous, kind="staffing", budget=D("120835"), actual=D("120000"))
    year = services.year_add(ctx=ctx, label="2021-22", copy_previous=True)
    summary = selectors.year_summary(ctx, year)
    assert summary.agreed == D("234504.21") and summary.invoiced == 0
    assert summary.budget == D("120835.00") and summary.actual == 0
    assert all(change.difference == 0 for change in summary.changes[:1])
    with pytest.raises(ValidationError, match="There is no 2029/30 to copy from"):
        services.year_add(ctx=ctx, label="2030-31", copy_previous=True)
    assert not FinancialYear.objects.for_partnership(thurrock.partnership).filter(label="2030-31").exists()


# ----------------------------------------------------------------------------------------------
# Decimal correctness


def test_sums_of_many_small_amounts_are_exact(thurrock, year, api):
    ctx = thurrock.ctx()
    for _ in range(300):
        services.income_add(ctx=ctx, year=year, kind="event", description="Walk Online roadshow", amount=D("0.10"))
    services.income_add(ctx=ctx, year=year, kind="training", amount=D("1206.21"))
    summary = selectors.year_summary(ctx, year)
    assert summary.other_income == D("1236.21")
    assert selectors.year_totals(thurrock.ctx(), [year])[0].other_income == D("1236.21")
    data = api(thurrock.people["scrutineer"]).get(f"/api/v1/{thurrock.slug}/funding/years/2020-21/").json()
    assert data["summary"]["other_income"] == "1236.21"  # a string, never a float


# ----------------------------------------------------------------------------------------------
# Equity planning


def test_plan_moves_linearly_to_the_target_shares_and_each_year_adds_up():
    current = [D("177444.00"), D("32777.00"), D("17777.00"), D("6506.21")]
    plan = planning.plan(
        start_label="2020-21", current=current, targets=[D("54.0"), D("26.5"), D("13.8"), D("5.7")], years=2
    )
    assert [p.label for p in plan] == ["2020-21", "2021-22", "2022-23"]
    assert plan[0].amounts == current
    for year in plan:
        assert sum(year.amounts) == year.total == D("234504.21")
        assert sum(year.shares) == D("100.0")
    assert plan[-1].shares == [D("54.0"), D("26.5"), D("13.8"), D("5.7")]
    assert plan[-1].amounts == [D("126632.27"), D("62143.62"), D("32361.58"), D("13366.74")]
    # Equal steps: the first year's change is half the whole change (to the penny).
    for first, last, start in zip(plan[1].amounts, plan[2].amounts, current, strict=True):
        assert abs((first - start) - (last - first)) <= D("0.01")
    # Health and police go up, the local authority down (seed 003 recommendation 15).
    assert plan[1].changes[1] > 0 and plan[1].changes[2] > 0 and plan[1].changes[0] < 0


def test_plan_to_a_new_total():
    plan = planning.plan(
        start_label="2020-21",
        current=[D("100"), D("0"), D("0"), D("0")],
        targets=[D("50"), D("25"), D("25"), D("0")],
        years=3,
        new_total=D("1000.00"),
    )
    assert [p.total for p in plan] == [D("100.00"), D("400.00"), D("700.00"), D("1000.00")]
    assert plan[-1].amounts == [D("500.00"), D("250.00"), D("250.00"), D("0.00")]
    # 233.333... + 83.333... + 83.333... = 400: each is within a penny, and one gets the missing penny.
    exact = [D(700) / 3, D(250) / 3, D(250) / 3, D(0)]
    assert all(abs(a - e) < D("0.01") for a, e in zip(plan[1].amounts, exact, strict=True))
    for year in plan:
        assert sum(year.amounts) == year.total


@pytest.mark.parametrize(
    ("kwargs", "errors"),
    [
        ({"targets": [D("50"), D("25"), D("25"), D("1")]}, {"council": ["add up to 101%"]}),
        ({"years": 0}, {"years": ["from 1 to 10"]}),
        ({"years": 11}, {"years": ["from 1 to 10"]}),
        ({"new_total": D("-1")}, {"new_total": ["£0 or more"]}),
        ({"current": [D(0)] * 4}, {"new_total": ["enter the total to reach"]}),
    ],
)
def test_plan_refuses_bad_input(kwargs, errors):
    arguments = {
        "start_label": "2020-21",
        "current": [D("100")] * 4,
        "targets": [D("25")] * 4,
        "years": 2,
        "fields": ["council", "health", "police", "other"],
        **kwargs,
    }
    with pytest.raises(ValidationError) as error:
        planning.plan(**arguments)
    for field, fragments in errors.items():
        assert any(fragments[0] in message for message in error.value.message_dict[field])


def test_planning_page(thurrock, as_user):
    seed_benchmarks(thurrock)
    year = seed_year(thurrock)
    client = as_user(thurrock.people["scrutineer"])
    url = reverse("funding-planning", args=[thurrock.slug, year.label])
    form = client.get(url).content.decode()
    assert 'value="54.0"' in form and 'value="26.5"' in form  # the benchmark averages, to start from
    bad = client.get(url, {"council": "60", "health": "26.5", "police": "13.8", "other": "5.7", "years": "2"})
    html = bad.content.decode()
    assert error_by_field(html, "id_council") == "The target shares add up to 106.0%: make them add up to 100%"
    assert 'value="60"' in html
    good = client.get(url, {"council": "54.0", "health": "26.5", "police": "13.8", "other": "5.7", "years": "2"})
    html = good.content.decode()
    assert "2022/23" in html and "£126,632.27" in html and "£234,504.21" in html


# ----------------------------------------------------------------------------------------------
# Benchmarks from a spreadsheet


def xlsx(rows) -> io.BytesIO:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "benchmarks.xlsx"
    return buffer


HEADER = ["Partnership", "Year", "Local authority", "Health", "Police", "Other agencies", "Population", "Budget"]


def test_benchmark_spreadsheet_loads_every_row(thurrock, as_user):
    rows = [HEADER] + [[r[0], "2016/17", r[2], r[3], r[4], r[5], r[8], r[9]] for r in EASTERN_REGION]
    response = as_user(thurrock.people["business"]).post(
        reverse("funding-benchmark-upload", args=[thurrock.slug]), {"file": xlsx(rows)}
    )
    assert response.status_code == 302
    table = Benchmark.objects.for_partnership(thurrock.partnership)
    assert table.count() == 11
    assert table.get(name="Thurrock").council == D("108000.00")
    # Loading it again with one changed figure changes that row only.
    rows[11][3] = 26000
    as_user(thurrock.people["business"]).post(
        reverse("funding-benchmark-upload", args=[thurrock.slug]), {"file": xlsx(rows)}
    )
    assert table.count() == 11 and table.get(name="Thurrock").health == D("26000.00")
    assert ActivityEvent.objects.for_partnership(thurrock.partnership).filter(event="benchmark.changed").count() == 1


def test_benchmark_spreadsheet_with_a_missing_column_is_refused(thurrock, as_user):
    before = writes(thurrock)
    html = (
        as_user(thurrock.people["business"])
        .post(
            reverse("funding-benchmark-upload", args=[thurrock.slug]),
            {
                "file": xlsx(
                    [["Partnership", "Year", "Local authority", "Health", "Other agencies"], ["X", "2016-17", 1, 2, 3]]
                )
            },
        )
        .content.decode()
    )
    assert error_by_field(html, "id_file") == "The spreadsheet is missing the column 'Police'"
    assert writes(thurrock) == before


def test_benchmark_spreadsheet_with_text_in_an_amount_column_lists_every_problem(thurrock, as_user):
    before = writes(thurrock)
    rows = [
        HEADER,
        ["Bedford Borough", "2016/17", 108240, "sixty thousand", 18300, 2228, 168751, 225056],
        ["Luton", "2016-18", 141544, 87068, 24359, 3868, 216791, 237220],
        ["Thurrock", "2016/17", 108000, 25000, 15000, 10050, 167025, 120641],
    ]
    response = as_user(thurrock.people["business"]).post(
        reverse("funding-benchmark-upload", args=[thurrock.slug]), {"file": xlsx(rows)}
    )
    html = html_lib.unescape(response.content.decode())
    assert "Row 2, Health: 'sixty thousand' is not an amount: enter numbers only, like 1234.56" in html
    assert writes(thurrock) == before
    # With the text fixed, the bad year is next: every row is checked before anything loads.
    rows[1][3] = 62663
    html = html_lib.unescape(
        as_user(thurrock.people["business"])
        .post(reverse("funding-benchmark-upload", args=[thurrock.slug]), {"file": xlsx(rows)})
        .content.decode()
    )
    assert "Row 3: 2016-18 is not a financial year" in html
    assert writes(thurrock) == before


def test_benchmark_form_keeps_input_and_refuses_negative_and_duplicate(thurrock, as_user):
    seed_benchmarks(thurrock)
    before = writes(thurrock)
    data = {
        "name": "Thurrock",
        "year": "2016-17",
        "council": "-1",
        "health": "25000",
        "police": "15000",
        "other": "10050",
        "population": "167,025",
    }
    html = (
        as_user(thurrock.people["business"])
        .post(reverse("funding-benchmark-add", args=[thurrock.slug]), data)
        .content.decode()
    )
    assert error_by_field(html, "id_council") == "The local authority contribution must be £0 or more, not -£1.00"
    assert error_by_field(html, "id_name") == "The table already has Thurrock for 2016/17: change that row instead"
    assert 'value="167,025"' in html
    assert writes(thurrock) == before


# ----------------------------------------------------------------------------------------------
# Exports


def test_exports_xlsx_csv_and_pdf(thurrock, as_user):
    year = seed_year(thurrock)
    services.income_add(ctx=thurrock.ctx(), year=year, kind="training", amount=D("14868.75"))
    services.spending_add(ctx=thurrock.ctx(), year=year, kind="training", budget=D("15000"), actual=D("15000"))
    seed_benchmarks(thurrock)
    client = as_user(thurrock.people["scrutineer"])

    response = client.get(reverse("funding-year-xlsx", args=[thurrock.slug, "2020-21"]))
    assert response["Content-Disposition"] == 'attachment; filename="thurrock-funding-2020-21.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Summary", "By sector", "Contributions", "Income", "Spending"]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert D(str(summary["Contributions agreed"])) == D("234504.21")
    assert D(str(summary["Total income"])) == D("249372.96")
    sectors = list(book["By sector"].iter_rows(min_row=2, values_only=True))
    assert sectors[-1][0] == "Total" and D(str(sectors[-1][1])) == D("234504.21")

    response = client.get(reverse("funding-year-csv", args=[thurrock.slug, "2020-21"]))
    text = response.content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].split(",")[:3] == ["Section", "Item", "Sector or kind"]
    assert "Contribution,NPS,Other agencies,1206.21,0.5," in text
    assert "Income,Training charges,Training charges,14868.75" in text
    assert "Spending,Training delivery,Training delivery,15000.00" in text

    response = client.get(reverse("funding-year-pdf", args=[thurrock.slug, "2020-21"]))
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Funding report 2020/21" in text and "£234,504.21" in text and "£249,372.96" in text
    assert "68.3%" in text and "Thurrock LSCP" in text and "OFFICIAL-SENSITIVE" in text


# ----------------------------------------------------------------------------------------------
# API


def test_api_year_with_contributions_income_spending_and_summary(thurrock, api):
    year = seed_year(thurrock)
    services.spending_add(ctx=thurrock.ctx(), year=year, kind="reviews", budget=D("20000"), actual=D("0"))
    client = api(thurrock.people["scrutineer"])
    listed = client.get(f"/api/v1/{thurrock.slug}/funding/years/").json()
    labels = [y["label"] for y in listed["results"]]
    assert "2020-21" in labels
    row = next(y for y in listed["results"] if y["label"] == "2020-21")
    assert row["contributions_agreed"] == "234504.21" and row["budget"] == "20000.00"

    data = client.get(f"/api/v1/{thurrock.slug}/funding/years/2020-21/").json()
    assert data["label"] == "2020-21" and data["first_day"] == "2020-04-01" and data["last_day"] == "2021-03-31"
    assert len(data["contributions"]) == 9
    nps = next(c for c in data["contributions"] if c["organisation"]["name"] == "NPS")
    assert nps["agreed"] == "1206.21" and nps["sector"] == "other" and nps["share"] == "0.5"
    summary = data["summary"]
    assert summary["contributions_agreed"] == "234504.21" and summary["contingency_left"] == "20000.00"
    assert [s["share"] for s in summary["by_sector"]] == ["75.6", "14.0", "7.6", "2.8"]
    assert sum(D(c["share"]) for c in data["contributions"]) == D("100.0")
    assert data["spending"][0]["budget"] == "20000.00"
    assert client.get(f"/api/v1/{thurrock.slug}/funding/years/2020-22/").status_code == 404


def test_api_benchmarks_and_comparison(thurrock, api):
    seed_benchmarks(thurrock)
    client = api(thurrock.people["agency"])
    listed = client.get(f"/api/v1/{thurrock.slug}/funding/benchmarks/").json()
    assert listed["count"] == 11
    assert {"name": "Thurrock", "council": "108000.00", "is_this_partnership": True}.items() <= next(
        b for b in listed["results"] if b["name"] == "Thurrock"
    ).items()
    comparison = client.get(f"/api/v1/{thurrock.slug}/funding/benchmarks/comparison/").json()
    averages = comparison["averages"]
    assert [averages[k] for k in ("council", "health", "police", "other", "contributions")] == [
        "118469.09",
        "58127.82",
        "30154.09",
        "12409.45",
        "219160.45",
    ]
    assert averages["shares"] == ["54.0", "26.5", "13.8", "5.7"]
    own = next(r for r in comparison["rows"] if r["is_this_partnership"])
    assert own["shares"] == ["68.3", "15.8", "9.5", "6.4"] and own["budget_per_head"] == "0.72"


def test_api_writes_and_the_year_label_is_validated(thurrock, api):
    client = api(thurrock.people["business"])
    bad = client.post(f"/api/v1/{thurrock.slug}/funding/years/", {"label": "2020-22"}, format="json")
    assert bad.status_code == 400 and "2020-22 is not a financial year" in bad.json()["label"][0]
    created = client.post(f"/api/v1/{thurrock.slug}/funding/years/", {"label": "2020/21"}, format="json")
    assert created.status_code == 201 and created.json()["label"] == "2020-21"
    added = client.post(
        f"/api/v1/{thurrock.slug}/funding/years/2020-21/contributions/",
        {"organisation": thurrock.members["police"].organisation.pk, "agreed": 17777.00},
        format="json",
    )
    assert added.status_code == 201 and added.json()["agreed"] == "17777.00"
    contribution_id = added.json()["id"]
    patched = client.patch(
        f"/api/v1/{thurrock.slug}/funding/contributions/{contribution_id}/",
        {"invoiced": "17777.00", "invoiced_on": "2020-04-20"},
        format="json",
    )
    assert patched.status_code == 200 and patched.json()["outstanding"] == "17777.00"
    negative = client.patch(
        f"/api/v1/{thurrock.slug}/funding/contributions/{contribution_id}/", {"agreed": "-1"}, format="json"
    )
    assert negative.status_code == 400 and negative.json() == {
        "agreed": ["The agreed amount must be £0 or more, not -£1.00"]
    }
    assert client.delete(f"/api/v1/{thurrock.slug}/funding/contributions/{contribution_id}/").status_code == 204
    assert not Contribution.objects.for_partnership(thurrock.partnership).filter(pk=contribution_id).exists()


def test_a_service_handed_another_partnerships_record_answers_as_if_it_were_missing(world_a, world_b):
    """FundingPolicy.can_see: the object rule lives in the policy (it was a ValidationError in each
    service); a record of another partnership is a 404 and is left alone."""
    from django.http import Http404

    theirs = services.year_add(ctx=world_b.ctx(), label="2020-21")
    with pytest.raises(Http404):
        services.contribution_add(
            ctx=world_a.ctx(), year=theirs, organisation=world_a.members["council"].organisation, agreed=Decimal("1")
        )
    assert not theirs.contributions.exists()


def test_a_superscript_digit_is_a_mistake_by_its_field_not_a_500(thurrock, as_user):
    """'²' is a digit to str.isdigit() but not to int(): the planning page's years and a
    benchmark's population are checked by the one whole-number reading (lscp.checks)."""
    seed_benchmarks(thurrock)
    year = seed_year(thurrock)
    client = as_user(thurrock.people["business"])
    url = reverse("funding-planning", args=[thurrock.slug, year.label])
    page = client.get(url, {"council": "54.0", "health": "26.5", "police": "13.8", "other": "5.7", "years": "²"})
    assert page.status_code == 200
    assert "whole number" in error_by_field(page.content.decode(), "id_years")
    before = writes(thurrock)
    data = {"name": "Newham", "year": "2016-17", "council": "1", "health": "1", "police": "1", "other": "1"}
    added = client.post(reverse("funding-benchmark-add", args=[thurrock.slug]), {**data, "population": "1²"})
    assert added.status_code == 200
    assert "whole number" in error_by_field(added.content.decode(), "id_population")
    assert writes(thurrock) == before
