"""The demo data: the seeds' partnerships and one login per role; loading twice changes nothing;
the product reproduces the seeds' funding tables and action plans from it.

The demo is loaded once for this module and the tests read it, each in its own savepoint (see
`built_once` in tests/conftest.py); it is dated back from the day it is loaded. The tests that need
an empty database to load into are in test_demo_loading.py.
"""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from lscp.demo import DEMO_PASSWORD
from partners.models import Member, Membership, Organisation, Partnership
from tests.conftest import built_once

D = Decimal


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker):
        call_command("load_demo", "--force")
        yield


@pytest.fixture(autouse=True)
def demo(loaded_demo, db):
    """Every test here reads the module's demo."""


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


def test_demo_loads_the_seed_partnerships_and_loading_twice_changes_nothing():
    first = row_counts()
    call_command("load_demo", "--force")
    assert row_counts() == first

    assert set(Partnership.objects.values_list("slug", flat=True)) == {"thurrock", "southend", "essex"}
    thurrock = Partnership.objects.get(slug="thurrock")
    statutory = dict(
        Member.objects.for_partnership(thurrock)
        .exclude(statutory_role="")
        .values_list("statutory_role", "organisation__name")
    )
    assert statutory == {
        "council": "Thurrock Council",
        "police": "Essex Police",
        "health": "Thurrock Clinical Commissioning Group (CCG)",
    }
    # The shared agencies are one organisation each, a member of all three partnerships.
    for name in (
        "Essex Police",
        "Essex Partnership University NHS Foundation Trust (EPUT)",
        "North East London NHS Foundation Trust (NELFT)",
        "Essex County Fire and Rescue Service",
        "East of England Ambulance Service NHS Trust",
    ):
        assert Organisation.objects.get(name=name).memberships.count() == 3
    titles = set(Membership.objects.for_partnership(thurrock).filter(role="dsp").values_list("job_title", flat=True))
    assert titles == {"Director of People Services", "Head of Public Protection", "Chief Nurse"}


def test_every_demo_login_signs_in_to_its_partnership():
    for slug in ("thurrock", "southend", "essex"):
        for login in ("business", "agency", "partner-council", "partner-police", "partner-health", "scrutineer"):
            client = Client()
            response = client.post("/accounts/sign-in/", {"username": f"{slug}-{login}", "password": DEMO_PASSWORD})
            assert response.status_code == 302, f"{slug}-{login}"
            assert client.get(f"/{slug}/").status_code == 200, f"{slug}-{login}"


def test_the_demo_audit_programme_and_section_11_cycle():
    from audits.models import Audit, SelfAssessment
    from audits.self_assessment.selectors import heatmap
    from lscp.tenancy import TenantContext
    from reviews.action_plans.models import ActionPlan

    thurrock = Partnership.objects.get(slug="thurrock")
    states = dict(SelfAssessment.objects.for_partnership(thurrock).values_list("member__organisation__name", "status"))
    assert states == {
        "North East London NHS Foundation Trust (NELFT)": "moderated",
        "Basildon and Thurrock University Hospitals NHS Foundation Trust (BTUH)": "submitted",
        "Essex Police": "draft",
        "Thurrock Youth Offending Service": "not_started",
        "Thurrock Clinical Commissioning Group (CCG)": "submitted",  # emailed in, recorded by the business unit
    }
    ccg = SelfAssessment.objects.for_partnership(thurrock).get(member__organisation__name__endswith="(CCG)")
    assert ccg.recorded_for_organisation and ccg.submitted_by.username == "thurrock-business"
    audits = Audit.objects.for_partnership(thurrock)
    assert audits.count() == 9
    re_audit = audits.get(re_audit_of__isnull=False)
    assert re_audit.re_audit_of.year_start == re_audit.year_start - 1
    plan = ActionPlan.objects.for_partnership(thurrock).get(source_kind="audit")
    assert plan.source_record() == re_audit.re_audit_of and plan.status == "live"

    scrutineer = Membership.objects.for_partnership(thurrock).get(person__username="thurrock-scrutineer")
    ctx = TenantContext(partnership=thurrock, user=scrutineer.person, membership=scrutineer)
    heat = heatmap(ctx)
    rows = {row.organisation: row.cells for row in heat.rows}
    # NELFT graded information sharing green; the business unit challenged it to amber.
    assert rows["North East London NHS Foundation Trust (NELFT)"][6] == "amber"
    assert rows["Essex Police"] == [""] * 9  # a draft is not shown


def test_the_demo_plans():
    from lscp.demo import demo_admin
    from lscp.tenancy import TenantContext
    from reviews.action_plans import selectors
    from reviews.action_plans.models import ActionPlan, ProgressUpdate

    thurrock = Partnership.objects.get(slug="thurrock")
    plans = {p.title: p for p in ActionPlan.objects.for_partnership(thurrock)}
    ctx = TenantContext.for_administrator(partnership=thurrock, user=demo_admin())
    shae = plans["Shae and Ashley Local Health Review (LHR) action plan"]
    assert shae.status == "live"
    assert selectors.plan_page(ctx, shae).summary.sentence == "10 recommendations, 14 actions: 6 complete, 8 on track"
    thematic = plans["Thematic Review into Serious Youth Violence and Gang Related Crime action plan"]
    assert thematic.status == "ratifying"
    assert [r.stage for r in thematic.ratifications.all()] == ["lprg"]
    assert ProgressUpdate.objects.for_partnership(thurrock).filter(action__plan=thematic).exists()
    review = plans["Independent review of Thurrock LSCP (2020): composite recommendations"]
    page = selectors.plan_page(ctx, review)
    assert page.summary.recommendations == 26 and page.summary.actions == 26
    assert page.recommendations[21].text == "Explore learning across SET"
    assert all(row.action.owner_member_id is None for row in page.rows)
    assert page.summary.overdue == 2


def test_demo_loads_the_seed_and_the_product_reproduces_it():
    from funding import selectors
    from funding.models import Benchmark, FinancialYear
    from lscp.tenancy import TenantContext
    from partners.models import Person

    thurrock = Partnership.objects.get(slug="thurrock")
    ctx = TenantContext.for_administrator(partnership=thurrock, user=Person.objects.get(username="admin"))
    year = FinancialYear.objects.for_partnership(thurrock).get(label="2020-21")
    summary = selectors.year_summary(ctx, year)
    assert summary.agreed == D("234504.21")
    assert summary.training_income == D("14868.75")
    training = next(row for row in summary.spending if row.line.kind == "training")
    assert training.actual == D("15000.00")
    assert summary.outstanding == D("9750.00")  # CRC and BTUH have not paid yet (invented for the demo)
    comparison = selectors.comparison(ctx)
    assert comparison.own.shares == [D("68.3"), D("15.8"), D("9.5"), D("6.4")]
    assert comparison.averages.contributions.quantize(D("1")) == D(219160)
    assert comparison.own.per_head.quantize(D("0.01")) == D("0.72")
    southend = Partnership.objects.get(slug="southend")
    assert Benchmark.objects.for_partnership(southend).get(is_this_partnership=True).name == "Southend"


def test_the_demo_s_health_partner_is_the_essex_icb_and_2020_21_is_still_thurrock_ccg_s():
    from funding import selectors
    from funding.models import FinancialYear
    from lscp.tenancy import TenantContext
    from partners import selectors as partner_selectors
    from partners.models import Organisation, Person

    thurrock = Partnership.objects.get(slug="thurrock")
    ctx = TenantContext.for_administrator(partnership=thurrock, user=Person.objects.get(username="admin"))
    year = FinancialYear.objects.for_partnership(thurrock).get(label="2020-21")
    names = [row.organisation for row in selectors.year_summary(ctx, year).contributions]
    assert "Thurrock Clinical Commissioning Group (CCG)" in names
    health = partner_selectors.members_for(ctx).get(statutory_role="health")
    assert health.organisation.name == "NHS Essex Integrated Care Board (ICB)"
    assert health.people.get(is_active=True, role="dsp").person.username == "thurrock-partner-health"
    ccg = Organisation.objects.get(name="Thurrock Clinical Commissioning Group (CCG)")
    icb = ccg.successor
    assert (icb.name, ccg.merged_on) == ("NHS Mid and South Essex Integrated Care Board (ICB)", dt.date(2022, 7, 1))
    assert (icb.successor.name, icb.merged_on) == ("NHS Essex Integrated Care Board (ICB)", dt.date(2026, 4, 1))


LINK = re.compile(r'href="(/thurrock/[^"#?]*)"')
# Proper nouns written in lower case, a possessive 's after an s, machine-like phrasing (issue 14 §4).
MISWRITTEN = re.compile(r"national panel|secretary of state|\bofsted\b|\w+s's\b|: recorded\b|the product's")


def page_text(html: str) -> str:
    """What a reader sees: the page without its tags, scripts and attribute values."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return __import__("html").unescape(re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("login", ["business", "agency", "partner-police", "scrutineer"])
def test_no_demo_page_links_its_reader_to_a_page_they_may_not_open(login):
    """Following links from the home page as each role would, through the demo's real cases:
    every page linked answers that person (no 403, no 404, no 500). A link someone may not
    follow is not offered (an agency lead on an LCSPR page was offered the rapid review). And no
    page writes "national panel", "ofsted", "schools's" or "...: recorded" (issue 14 §4)."""
    client = Client()
    client.post("/accounts/sign-in/", {"username": f"thurrock-{login}", "password": DEMO_PASSWORD})
    queue, seen, broken, miswritten = ["/thurrock/"], set(), [], []
    while queue and len(seen) < 150:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code >= 400:
            broken.append((url, response.status_code))
        elif response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            queue += [link for link in LINK.findall(response.content.decode()) if link not in seen]
            miswritten += [(url, found) for found in MISWRITTEN.findall(page_text(response.content.decode()))]
    assert len(seen) > 20, f"only {len(seen)} pages reached as {login}"
    assert not broken, f"links {login} was offered but may not follow: {broken}"
    assert not miswritten, f"words written wrong as {login}: {miswritten}"


def test_thurrocks_designated_education_agency_receives_an_information_request():
    """Issue 13: the early years settings are a designated childcare or education agency, asked for
    a rapid review's summary; the colleges are designated but still a relevant agency, so the
    partners page warns, with the reason."""
    from reviews.rapid_review.models import InformationRequest

    thurrock = Partnership.objects.get(slug="thurrock")
    early_years = Member.objects.for_partnership(thurrock).get(organisation__name="Thurrock early years settings")
    assert early_years.kind == "designated_education_agency"
    assert InformationRequest.objects.for_partnership(thurrock).filter(member=early_years).exists()
    client = Client()
    client.post("/accounts/sign-in/", {"username": "thurrock-early-years", "password": DEMO_PASSWORD})
    assert (
        "Thurrock early years settings: agency summary for"
        in client.get("/thurrock/requests-for-information/").content.decode()
    )
    client = Client()
    client.post("/accounts/sign-in/", {"username": "thurrock-business", "password": DEMO_PASSWORD})
    page = client.get("/thurrock/partners/").content.decode()
    assert (
        "Thurrock further education colleges is a member as relevant agency, not yet as a designated childcare "
        "or education agency" in page
    )
    assert "Thurrock early years settings is" not in page


def test_the_demo_register_has_the_arrangements_signed_by_the_three_lsps_and_published():
    from audits.models import AnnualReport
    from governance.models import DocumentKind, DocumentVersion, GovernanceDocument, VersionStatus
    from lscp import deadlines

    thurrock = Partnership.objects.get(slug="thurrock")
    documents = {d.kind: d for d in GovernanceDocument.objects.for_partnership(thurrock)}
    assert set(documents) == {DocumentKind.ARRANGEMENTS, DocumentKind.THRESHOLD_DOCUMENT, DocumentKind.YEARLY_REPORT}
    arrangements = DocumentVersion.objects.for_partnership(thurrock).get(document=documents[DocumentKind.ARRANGEMENTS])
    assert arrangements.status == VersionStatus.PUBLISHED
    signed = {
        (s.member.organisation.name, s.level) for s in arrangements.signatures.select_related("member__organisation")
    }
    assert signed == {
        ("Thurrock Council", "lsp"),
        ("Essex Police", "lsp"),
        ("NHS Essex Integrated Care Board (ICB)", "lsp"),
    }
    [clock] = deadlines.clocks_for(arrangements)
    assert clock.due_date == arrangements.next_review_on and clock.met_on is None
    # The threshold document's review is overdue while its next version waits for signatures.
    threshold = list(
        DocumentVersion.objects.for_partnership(thurrock)
        .filter(document=documents[DocumentKind.THRESHOLD_DOCUMENT])
        .order_by("created_at")
    )
    assert [v.status for v in threshold] == [VersionStatus.PUBLISHED, VersionStatus.AWAITING_SIGN_OFF]
    [overdue] = deadlines.clocks_for(threshold[0])
    assert overdue.met_on is None and overdue.due_date < dt.date.today()
    report = AnnualReport.objects.for_partnership(thurrock).get(title="Thurrock LSCP yearly report 2025/26")
    assert report.scrutineer_commentary and documents[DocumentKind.YEARLY_REPORT].annual_report == report


def test_the_review_tracker_export_carries_the_demo_reviews_practice_themes():
    """Issue 13: the tracker's themes come from the rapid reviews' meeting records and the action
    plans' recommendations (reviews/themes.py)."""
    from lscp.tenancy import TenantContext
    from reviews.tracker import selectors as tracker

    thurrock = Partnership.objects.get(slug="thurrock")
    business = Membership.objects.for_partnership(thurrock).filter(role="business_unit").first()
    rows = tracker.tracker_rows(TenantContext(partnership=thurrock, user=business.person, membership=business))
    assert rows and all(row.themes for row in rows if row.stage != "rapid_review_started")
    assert any("Fathers and male carers" in row.themes for row in rows)


def test_thurrock_today_has_an_lsp_and_a_dsp_per_partner_a_chair_a_scrutineer_and_a_signed_budget():
    from funding.models import BudgetSignOff, FinancialYear
    from partners.models import Office, Seat

    thurrock = Partnership.objects.get(slug="thurrock")
    seats = Seat.objects.for_partnership(thurrock).filter(until__isnull=True).select_related("member__organisation")
    held = sorted((s.member.organisation.name, s.level) for s in seats)
    assert held == [
        ("Essex Police", "dsp"),
        ("Essex Police", "lsp"),
        ("NHS Essex Integrated Care Board (ICB)", "dsp"),
        ("NHS Essex Integrated Care Board (ICB)", "lsp"),
        ("Thurrock Council", "dsp"),
        ("Thurrock Council", "lsp"),
    ]
    offices = {o.kind: o.membership.person.username for o in Office.objects.for_partnership(thurrock)}
    assert offices == {"chair": "thurrock-lsp-council", "scrutineer": "thurrock-scrutineer"}
    year = FinancialYear.objects.for_partnership(thurrock).get(label="2026-27")
    signed = BudgetSignOff.objects.for_partnership(thurrock).filter(year=year, withdrawn_at__isnull=True)
    assert sorted((s.level, s.member.organisation.name) for s in signed) == [
        ("lsp", "Essex Police"),
        ("lsp", "NHS Essex Integrated Care Board (ICB)"),
        ("lsp", "Thurrock Council"),
    ]
    assert not BudgetSignOff.objects.for_partnership(thurrock).filter(year__label="2020-21").exists()


def test_every_submitted_demo_summary_meets_its_clock_and_no_home_page_calls_it_overdue():
    """Issue 14 §3: the demo's submitted agency summaries (some on their reply-by date) showed
    "Overdue" at the top of the business unit's and the partners' home pages: their clocks were
    worked out from rows read before the summaries were submitted."""
    from django.contrib.contenttypes.models import ContentType

    from lscp.models import Deadline
    from reviews.rapid_review.models import InformationRequest

    request_type = ContentType.objects.get_for_model(InformationRequest)
    checked = 0
    for partnership in Partnership.objects.filter(slug__in=("thurrock", "southend", "essex")):
        submitted = list(
            InformationRequest.objects.for_partnership(partnership)
            .exclude(submitted_on=None)
            .select_related("notification", "member__organisation")
        )
        met = dict(
            Deadline.objects.for_partnership(partnership)
            .filter(subject_type=request_type, kind="information_request")
            .values_list("subject_id", "met_on")
        )
        unmet = [(r.pk, r.submitted_on, met.get(r.pk)) for r in submitted if met.get(r.pk) != r.submitted_on]
        assert not unmet, f"{partnership.slug}: submitted summaries whose clock is not met when submitted: {unmet}"
        for login in ("business", "partner-council", "partner-police", "partner-health"):
            client = Client()
            client.post("/accounts/sign-in/", {"username": f"{partnership.slug}-{login}", "password": DEMO_PASSWORD})
            page = client.get(f"/{partnership.slug}/").content.decode()
            for request in submitted:
                assert f"{request.notification.reference} ({request.member})" not in page, (login, request.pk)
        checked += len(submitted)
    assert checked >= 5


FINANCIAL_YEAR_WITH_A_HYPHEN = re.compile(r"\b(?:19|20)\d{2}-\d{2}(?![\d-])")


def _funding_2020_21(what: str):
    """Thurrock's 2020/21 as the business unit reads it: the page's visible text, or an export
    (the XLSX's cells, the CSV's rows, the PDF's text)."""
    client = Client()
    client.post("/accounts/sign-in/", {"username": "thurrock-business", "password": DEMO_PASSWORD})
    url = {"page": "funding-year", "xlsx": "funding-year-xlsx", "csv": "funding-year-csv", "pdf": "funding-year-pdf"}
    content = client.get(reverse(url[what], args=["thurrock", "2020-21"])).content
    if what == "page":
        html = re.sub(r"<(script|style)\b.*?</\1>", " ", content.decode(), flags=re.S)
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    if what == "xlsx":
        return load_workbook(io.BytesIO(content))
    if what == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_demo_funding_year_shows_one_share_per_figure_and_each_table_adds_up():
    """Thurrock Council was 75.7% by organisation and 75.6% by sector on one page. Its share is the
    local authority's (75.668%: the sectors' shares add up to 100.0 with the local authority's
    rounded down, its remainder being the smallest), in both tables, both sheets, the CSV and the PDF."""
    text = _funding_2020_21("page")
    by_sector = re.search(r"Local authority £177,444\.00 (\d+\.\d)%", text)
    by_organisation = re.search(r"Thurrock Council Local authority £177,444\.00 (\d+\.\d)%", text)
    assert (by_sector.group(1), by_organisation.group(1)) == ("75.6", "75.6")

    book = _funding_2020_21("xlsx")
    sectors = {row[0]: D(str(row[2])) for row in book["By sector"].iter_rows(min_row=2, values_only=True)}
    organisations = {row[0]: D(str(row[3])) for row in book["Contributions"].iter_rows(min_row=2, values_only=True)}
    assert sectors["Local authority"] == organisations["Thurrock Council"] == D("75.6")
    assert sum(organisations.values()) == D("100.0")

    rows = _funding_2020_21("csv")
    assert next(row for row in rows if row[1] == "Thurrock Council")[4] == "75.6"
    assert sum(D(row[4]) for row in rows[1:] if row[0] == "Contribution") == D("100.0")

    pdf = _funding_2020_21("pdf")
    assert pdf.count("75.6%") >= 2 and "75.7%" not in pdf  # and the comparison's "Thurrock 2020/21" row


def test_the_demo_funding_year_writes_its_years_one_way():
    """Years read "2020/21" on the page and in the exports ("2020-21" and "2019-20" appeared beside
    them); the URL and the API keep their documented "2020-21"."""
    text = _funding_2020_21("page")
    assert not FINANCIAL_YEAR_WITH_A_HYPHEN.search(text), [
        text[m.start() - 80 : m.end() + 40] for m in FINANCIAL_YEAR_WITH_A_HYPHEN.finditer(text)
    ]
    assert "Funding 2020/21" in text and "There is no 2019/20 recorded to compare with" in text
    cells = [str(c) for sheet in _funding_2020_21("xlsx") for row in sheet.iter_rows(values_only=True) for c in row]
    assert "2020/21" in cells and not [cell for cell in cells if FINANCIAL_YEAR_WITH_A_HYPHEN.search(cell)]
    assert not FINANCIAL_YEAR_WITH_A_HYPHEN.search(_funding_2020_21("pdf"))
    client = Client()
    client.post("/accounts/sign-in/", {"username": "thurrock-business", "password": DEMO_PASSWORD})
    assert client.get("/api/v1/thurrock/funding/years/2020-21/").json()["label"] == "2020-21"


def test_the_demo_funding_year_cites_no_seed():
    """ "(seed 003 §14)" was in the chair's spending note, on the page and in every export."""
    assert "seed" not in _funding_2020_21("page").lower()
    assert not [cell for row in _funding_2020_21("csv") for cell in row if "seed" in cell.lower()]
    cells = [str(c) for sheet in _funding_2020_21("xlsx") for row in sheet.iter_rows(values_only=True) for c in row]
    assert not [cell for cell in cells if "seed" in cell.lower()]
    pdf = _funding_2020_21("pdf")
    assert "seed" not in pdf.lower() and "§" not in pdf
    assert "No independent chair costs so far this year" in " ".join(cells)
