"""The annual report: a 12-month period and its narrative (an edit that crossed someone else's save
is refused with the text kept), and the PDF assembled from the records for the period, whose
figures are checked here against records made on known dates and counted by hand."""

import datetime as dt
import html as html_lib
import io
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from audits.annual_report import selectors as annual_report_selectors
from audits.annual_report import services as annual_report_services
from audits.challenges import services as challenge_services
from audits.dataset import services as dataset_services
from audits.models import AnnualReport, SelfAssessment
from audits.programme import services as programme_services
from audits.quarters import current_year_start
from audits.self_assessment import services as self_assessment_services
from funding import services as funding
from lscp.models import ActivityEvent
from lscp.states import StaleVersion, StateError
from reviews.lcspr import services as lcspr_services
from reviews.notifications import services as review_services
from tests.support.clients import signed_in
from tests.support.makers_audits import green_return
from tests.support.makers_reviews import meeting, notify_panel, signed_off, submit
from tests.support.world import make_world

pytestmark = pytest.mark.django_db

D = Decimal
PERIOD = (dt.date(2025, 4, 1), dt.date(2026, 3, 31))


def on(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 10), tick=False)


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def error_by_field(html: str, field_id: str) -> str:
    match = re.search(rf'<p id="{field_id}-error" class="govuk-error-message">(.*?)</p>', html, re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", "", match.group(1)).replace("Error:", "").strip()) if match else ""


# ----------------------------------------------------------------------------------------------
# The period and the narrative


@pytest.fixture
def thurrock(world_a):
    return world_a


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (dt.date(2025, 4, 1), dt.date(2026, 4, 1), "starting on 1 April 2025, it ends on 31 March 2026"),
        (dt.date(2025, 4, 1), dt.date(2025, 9, 30), "starting on 1 April 2025, it ends on 31 March 2026"),
        (dt.date(2025, 1, 1), dt.date(2025, 12, 30), "starting on 1 January 2025, it ends on 31 December 2025"),
        (dt.date(2024, 3, 1), dt.date(2025, 3, 1), "starting on 1 March 2024, it ends on 28 February 2025"),
    ],
)
def test_a_period_that_is_not_12_months_is_refused(thurrock, start, end, message):
    with pytest.raises(ValidationError) as error:
        annual_report_services.annual_report_save(
            thurrock.ctx(), title="Annual report", period_start=start, period_end=end
        )
    assert error.value.message_dict == {"period_end": [f"The period is 12 months: {message}"]}


def test_a_12_month_period_from_any_day(thurrock):
    for start, end in [
        (dt.date(2025, 4, 1), dt.date(2026, 3, 31)),
        (dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        (dt.date(2023, 3, 1), dt.date(2024, 2, 29)),  # through a leap day
    ]:
        saved = annual_report_services.annual_report_save(
            thurrock.ctx(), title=f"From {start}", period_start=start, period_end=end
        )
        assert (saved.period_start, saved.period_end, saved.version) == (start, end, 1)


def test_the_start_page_refuses_a_period_that_is_not_12_months_with_the_input_kept(thurrock, as_user):
    client = as_user(thurrock.people["business"])
    url = reverse("annual-report-add", args=[thurrock.slug])
    data = {
        "title": "Annual report 2025 to 2026",
        "period_start-day": "1",
        "period_start-month": "4",
        "period_start-year": "2025",
        "period_end-day": "1",
        "period_end-month": "4",
        "period_end-year": "2026",
    }
    count = AnnualReport.objects.for_partnership(thurrock.partnership).count()
    html = client.post(url, data).content.decode()
    assert error_by_field(html, "id_period_end") == (
        "The period is 12 months: starting on 1 April 2025, it ends on 31 March 2026"
    )
    assert 'value="Annual report 2025 to 2026"' in html
    assert AnnualReport.objects.for_partnership(thurrock.partnership).count() == count
    response = client.post(url, {**data, "period_end-day": "31", "period_end-month": "3"})
    created = AnnualReport.objects.for_partnership(thurrock.partnership).get(title="Annual report 2025 to 2026")
    assert response["Location"] == reverse("annual-report-edit", args=[thurrock.slug, created.pk])


def test_a_narrative_edit_that_crossed_another_save_is_refused_with_the_text_kept(thurrock, as_user, api):
    annual = thurrock.objects[AnnualReport]
    client = as_user(thurrock.people["business"])
    url = reverse("annual-report-edit", args=[thurrock.slug, annual.pk])
    form = client.get(url).content.decode()
    assert 'name="version" value="1"' in form and "A year of learning." in form
    # Someone else saves the foreword through the API while this form is open.
    other = api(thurrock.people["business"]).patch(
        f"/api/v1/{thurrock.slug}/annual-reports/{annual.pk}/", {"foreword": "Their foreword.", "version": 1}
    )
    assert other.status_code == 200 and other.json()["version"] == 2
    mine = {
        "version": "1",
        "title": annual.title,
        "period_start-day": str(annual.period_start.day),
        "period_start-month": str(annual.period_start.month),
        "period_start-year": str(annual.period_start.year),
        "period_end-day": str(annual.period_end.day),
        "period_end-month": str(annual.period_end.month),
        "period_end-year": str(annual.period_end.year),
        "foreword": "My foreword, written over an hour.",
        "scrutiny_narrative": "My scrutiny section.",
    }
    response = client.post(url, mine)
    assert response.status_code == 200
    html = html_lib.unescape(response.content.decode())
    assert "The report was changed by someone else while you were editing it" in html
    assert "My foreword, written over an hour." in html and "My scrutiny section." in html
    assert 'name="version" value="2"' in html  # saving again is deliberate, over their version
    annual.refresh_from_db()
    assert annual.foreword == "Their foreword." and annual.scrutiny_narrative == ""
    response = client.post(url, {**mine, "version": "2"})
    assert response.status_code == 302
    annual.refresh_from_db()
    assert (annual.foreword, annual.scrutiny_narrative, annual.version) == (
        "My foreword, written over an hour.",
        "My scrutiny section.",
        3,
    )
    # The API says the same with a 409.
    stale = api(thurrock.people["business"]).patch(
        f"/api/v1/{thurrock.slug}/annual-reports/{annual.pk}/", {"foreword": "Stale.", "version": 2}
    )
    assert stale.status_code == 409 and "changed by someone else" in stale.json()["detail"]
    with pytest.raises(StateError):
        annual_report_services.annual_report_save(thurrock.ctx(), annual, version=1, foreword="x")


def test_a_stale_save_of_the_report_is_a_stale_version_carrying_the_version_there_is_now(thurrock):
    """Issue 11: the report's version check raised a plain StateError, which a form page turns into
    a redirect (the text typed lost); it is the one optimistic-lock rule's StaleVersion, with the
    version there is now, so the page keeps the text and offers to save over it knowingly."""
    annual = thurrock.objects[AnnualReport]
    annual_report_services.annual_report_save(thurrock.ctx(), annual, version=1, foreword="Their foreword.")
    with pytest.raises(StaleVersion) as stale:
        annual_report_services.annual_report_save(thurrock.ctx(), annual, version=1, foreword="Mine.")
    assert stale.value.version == 2
    assert "The report was changed by someone else while you were editing it" in str(stale.value)
    annual.refresh_from_db()
    assert (annual.foreword, annual.version) == ("Their foreword.", 2)


def test_the_narrative_log_names_the_sections_changed_not_their_words(thurrock):
    annual = annual_report_services.annual_report_save(
        thurrock.ctx(), thurrock.objects[AnnualReport], foreword="Secret draft words."
    )
    event = ActivityEvent.objects.for_partnership(thurrock.partnership).filter(event="annual_report.saved").first()
    assert event.changes == {"foreword": {"old": None, "new": "changed"}}
    assert "Secret" not in str(event.changes)
    before = ActivityEvent.objects.for_partnership(thurrock.partnership).count()
    annual_report_services.annual_report_save(thurrock.ctx(), annual, foreword="Secret draft words.")
    assert ActivityEvent.objects.for_partnership(thurrock.partnership).count() == before


def test_api_annual_reports(thurrock, api):
    client = api(thurrock.people["business"])
    base = f"/api/v1/{thurrock.slug}/annual-reports/"
    bad = client.post(base, {"title": "Annual report", "period_start": "2025-04-01", "period_end": "2026-04-30"})
    assert bad.status_code == 400
    assert bad.json() == {"period_end": ["The period is 12 months: starting on 1 April 2025, it ends on 31 March 2026"]}
    created = client.post(
        base, {"title": "Annual report", "period_start": "2025-04-01", "period_end": "2026-03-31", "foreword": "Hi."}
    )
    assert created.status_code == 201 and created.json()["foreword"] == "Hi." and created.json()["version"] == 1
    patched = client.patch(f"{base}{created.json()['id']}/", {"priorities_ahead": "Neglect."})
    assert patched.json()["priorities_ahead"] == "Neglect." and patched.json()["foreword"] == "Hi."
    listed = client.get(base).json()
    assert [(row["id"], row["title"]) for row in listed["results"]] == [(created.json()["id"], "Annual report")]
    pdf = client.get(f"{base}{created.json()['id']}/pdf/", HTTP_ACCEPT="application/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and "Hi." in pdf_text(pdf.content)
    # The scrutineer reads and downloads, and changes nothing.
    scrutineer = api(thurrock.people["scrutineer"])
    assert scrutineer.get(f"{base}{created.json()['id']}/pdf/").status_code == 200
    assert scrutineer.patch(f"{base}{created.json()['id']}/", {"foreword": "Mine."}).status_code == 403
    assert scrutineer.post(base, {"title": "X"}).status_code == 403


def test_a_scrutineer_downloads_the_report_and_writes_nothing(thurrock):
    annual = thurrock.objects[AnnualReport]
    client = signed_in(thurrock.people["scrutineer"])
    writes = ActivityEvent.objects.for_partnership(thurrock.partnership).filter(kind="write").count()
    assert client.get(reverse("annual-report-detail", args=[thurrock.slug, annual.pk])).status_code == 200
    response = client.get(reverse("annual-report-pdf", args=[thurrock.slug, annual.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert (
        "Change the narrative"
        not in client.get(reverse("annual-report-detail", args=[thurrock.slug, annual.pk])).content.decode()
    )
    for url in (
        reverse("annual-report-add", args=[thurrock.slug]),
        reverse("annual-report-edit", args=[thurrock.slug, annual.pk]),
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, {"title": "Mine"}).status_code == 403
    assert ActivityEvent.objects.for_partnership(thurrock.partnership).filter(kind="write").count() == writes
    # The download is in the activity log.
    downloads = ActivityEvent.objects.for_partnership(thurrock.partnership).filter(event="annual_report.downloaded")
    assert [(d.actor, d.object_id) for d in downloads] == [(thurrock.person("scrutineer"), str(annual.pk))]


def test_action_plan_progress_for_the_period(db):
    """A plan live from 15 Apr 2025 with three actions: one due in June done early, one due in
    September done late, one due after the period; a draft plan does not count. Worked by hand:
    2 due in the period, 1 done by its due date (50.0%), 2 completed in the period."""
    from reviews.action_plans import services as plans
    from reviews.action_plans.models import Action, SourceKind, Stage

    with on(dt.date(2025, 3, 1)):
        world = make_world("thurrock", area="Thurrock", population=167025, with_objects=False)
        agency = world.members["agency"]
        plan = plans.plan_create(
            world.ctx(),
            title="Child Q rapid review action plan",
            source_kind=SourceKind.RAPID_REVIEW,
            recommendations=[
                plans.RecommendationIn(
                    number=1,
                    part="",
                    text="Agencies share information about children who go missing.",
                    actions=[
                        plans.ActionIn(description=f"Step {n}", owner_member=agency, due_date=due)
                        for n, due in enumerate([dt.date(2025, 6, 30), dt.date(2025, 9, 30), dt.date(2026, 6, 30)], 1)
                    ],
                )
            ],
        )
        plans.plan_create(world.ctx(), title="Draft plan", source_kind=SourceKind.STANDALONE)
    with on(dt.date(2025, 4, 15)):
        for stage in (Stage.LPRG, Stage.MEB, Stage.PARTNERS):
            plans.plan_ratify(world.ctx(), plan, stage=stage, decided_on=dt.date(2025, 4, 15), minute_reference=stage)
    first, second, _third = Action.objects.for_partnership(world.partnership).filter(plan=plan).order_by("pk")
    with on(dt.date(2025, 6, 20)):
        plans.action_complete(world.ctx("agency"), first, completed_on=dt.date(2025, 6, 20), completion_evidence="Done")
    with on(dt.date(2025, 10, 10)):
        plans.action_complete(
            world.ctx("agency"), second, completed_on=dt.date(2025, 10, 10), completion_evidence="Done"
        )
        plans.action_accept(world.ctx(), Action.objects.for_partnership(world.partnership).get(pk=second.pk))
        annual = annual_report_services.annual_report_save(
            world.ctx(), title="Annual report 2025-26", period_start=PERIOD[0], period_end=PERIOD[1]
        )
    with on(dt.date(2026, 4, 20)):
        data = annual_report_selectors.action_plans(world.ctx(), annual_report_selectors.Period(*PERIOD))
        assert [p.title for p, _, _ in data["plans"]] == ["Child Q rapid review action plan"]
        assert (data["due"], data["due_done_on_time"], data["completed"]) == (2, 1, 2)
        assert str(data["percent_on_time"]) == "50.0"
        text = pdf_text(annual_report_selectors.annual_report_pdf(world.ctx(), annual))
    assert (
        "1 action plan live in the period. Of the 2 actions due in the period, 1 was done by its due date (50.0%); 2 actions were completed in the period."
        in text
    )
    assert "Draft plan" not in text
    assert f"{agency.organisation} 2 0 1" in text  # open (one awaiting acceptance), overdue, complete


# ----------------------------------------------------------------------------------------------
# The PDF's figures for a year of records made on known dates


@pytest.fixture
def year_of_records(db):
    """Thurrock's records from March 2025 to April 2026, each made on its own date, so that some
    fall before the period (1 April 2025 to 31 March 2026), most in it and some after it."""
    with on(dt.date(2025, 3, 1)):
        world = make_world("thurrock", area="Thurrock", population=167025, with_objects=False)
    ctx = world.ctx()

    # Notifications: received before, in (three: two mandatory, one from NELFT) and after the period.
    with on(dt.date(2025, 3, 20)):
        submit(world, aware_date=dt.date(2025, 3, 20))
    with on(dt.date(2025, 6, 2)):
        first = submit(world, aware_date=dt.date(2025, 6, 2))  # a Monday: the Panel is due on Monday 9 June
    with on(dt.date(2025, 6, 5)):
        notify_panel(ctx, first, on=dt.date(2025, 6, 5), panel_reference="P-1")
    with on(dt.date(2025, 9, 8)):
        reviewed = submit(world, aware_date=dt.date(2025, 9, 8))  # due Monday 15 September
    with on(dt.date(2025, 9, 10)):
        reviewed = notify_panel(ctx, reviewed, on=dt.date(2025, 9, 10), panel_reference="P-2")
        reviewed = review_services.record_step(ctx, reviewed, step="rapid_review_started", on=dt.date(2025, 9, 10))
    with on(dt.date(2025, 9, 24)):
        meeting(world, reviewed)
        signed_off(world, reviewed)
        reviewed = review_services.record_step(ctx, reviewed, step="rapid_review_completed", on=None)
        lcspr_services.commission(
            ctx,
            reviewed,
            decision_date=dt.date(2025, 9, 24),
            reviewer_name="Dr Jo Reviewer",
            reviewer_kind="independent",
            terms_of_reference="Terms.",
            scope_from=dt.date(2024, 9, 1),
            scope_to=dt.date(2025, 9, 1),
        )
    with on(dt.date(2025, 11, 10)):
        late = submit(world, "agency", aware_date=dt.date(2025, 11, 10))  # due Monday 17 November
    with on(dt.date(2025, 11, 20)):
        notify_panel(ctx, late, on=dt.date(2025, 11, 20), panel_reference="P-3")
    with on(dt.date(2026, 4, 20)):
        submit(world, aware_date=dt.date(2026, 4, 20))

    with on(dt.date(2025, 4, 10)):
        # Funding: 2024-25 (before the period) and 2025-26.
        earlier = funding.year_add(ctx=ctx, label="2024-25")
        funding.contribution_add(
            ctx=ctx, year=earlier, organisation=world.members["council"].organisation, agreed=D("90000.00")
        )
        year = funding.year_add(ctx=ctx, label="2025-26")
        for who, amount in [("council", "100000.00"), ("health", "30000.00"), ("police", "20000.00")]:
            funding.contribution_add(ctx=ctx, year=year, organisation=world.members[who].organisation, agreed=D(amount))
        funding.income_add(ctx=ctx, year=year, kind="training", amount=D("5000.00"))
        funding.spending_add(ctx=ctx, year=year, kind="staffing", budget=D("120000.00"), actual=D("110000.50"))

        # The audit programme 2025-26, and an audit of the year before.
        neglect = programme_services.priority_create(ctx, name="Neglect")
        programme_services.priority_create(ctx, name="Online safety")
        case_audit = programme_services.audit_save(
            ctx,
            title="Neglect: multi-agency case audit",
            kind="multi_agency_case",
            priority=neglect,
            year_start=2025,
            quarter=1,
            children_involved=True,
        )
        deep_dive = programme_services.audit_save(
            ctx,
            title="Deep dive: exploitation",
            kind="deep_dive",
            year_start=2025,
            quarter=2,
            practitioners_involved=True,
        )
        programme_services.audit_save(
            ctx, title="Questionnaire: thresholds", kind="practitioner_questionnaire", year_start=2025, quarter=3
        )
    with on(dt.date(2025, 3, 12)):
        old = programme_services.audit_save(ctx, title="Earlier audit", kind="deep_dive", year_start=2024, quarter=4)
        programme_services.audit_save(ctx, old, status="complete", findings="Done.", completed_on=dt.date(2025, 3, 10))
    with on(dt.date(2025, 7, 15)):
        programme_services.audit_save(
            ctx, case_audit, status="complete", findings="Neglect seen earlier.", completed_on=dt.date(2025, 7, 10)
        )
    with on(dt.date(2025, 10, 20)):
        programme_services.audit_save(
            ctx, deep_dive, status="complete", findings="Gaps at night.", completed_on=dt.date(2025, 10, 15)
        )

    # Section 11: the 2025 cycle (in the period: NELFT returns it, the police do not) and a 2026 one.
    with on(dt.date(2025, 9, 1)):
        self_assessment_services.standards_install_defaults(ctx, framework="s11")
        cycle = self_assessment_services.cycle_create(
            ctx,
            name="Section 11 audit 2025",
            framework="s11",
            opens_on=dt.date(2025, 9, 1),
            due_on=dt.date(2025, 10, 31),
            members=[world.members["police"], world.members["agency"]],
        )
    with on(dt.date(2025, 10, 1)):
        green_return(
            world,
            SelfAssessment.objects.for_partnership(world.partnership).get(cycle=cycle, member=world.members["agency"]),
        )
    with on(dt.date(2026, 4, 5)):
        self_assessment_services.cycle_create(
            ctx,
            name="Section 11 audit 2026",
            framework="s11",
            opens_on=dt.date(2026, 4, 5),
            due_on=dt.date(2026, 6, 30),
            members=[world.members["police"]],
        )

    # Challenges: one before the period, three in it (open, responded, closed), one after.
    def challenge(day, subject, **respond):
        with on(day):
            logged = challenge_services.challenge_log(
                ctx,
                raised_on=day,
                raised_by="scrutineer",
                raised_by_name="The independent scrutineer",
                to_member=world.members["police"],
                subject=subject,
                challenge="Why?",
            )
        if respond:
            with on(respond["responded_on"]):
                challenge_services.challenge_respond(ctx, logged, response="Because.", **respond)

    challenge(dt.date(2025, 3, 1), "Before the period")
    challenge(dt.date(2025, 5, 10), "Strategy meeting attendance")
    challenge(dt.date(2025, 8, 1), "Missing episodes", responded_on=dt.date(2025, 8, 20))
    challenge(
        dt.date(2026, 1, 15),
        "Return home interviews",
        responded_on=dt.date(2026, 2, 1),
        outcome="Offered within 72 hours for 83%.",
        close=True,
    )
    challenge(dt.date(2026, 4, 10), "After the period")

    # The dataset: four quarters in the period, one before and one after.
    with on(dt.date(2026, 4, 20)):
        indicator = dataset_services.indicator_save(
            ctx,
            name="Strategy meetings with police attendance",
            unit="percent",
            direction="higher",
            priority=neglect,
            reporting_member=world.members["police"],
        )
        for (year_start, quarter), value in {
            (2024, 4): "55",
            (2025, 1): "61",
            (2025, 2): "58",
            (2025, 3): "66",
            (2025, 4): "72",
            (2026, 1): "99",
        }.items():
            dataset_services.indicator_value_set(ctx, indicator, year_start=year_start, quarter=quarter, value=value)
        world.report = annual_report_services.annual_report_save(
            ctx,
            title="Thurrock LSCP annual report 2025 to 2026",
            period_start=PERIOD[0],
            period_end=PERIOD[1],
            foreword="A year of learning together.",
            scrutiny_narrative="Our scrutineer challenged the police and the council.",
        )
    return world


def test_the_pdf_has_the_periods_figures(year_of_records):
    world = year_of_records
    client = signed_in(world.people["business"])
    with on(dt.date(2026, 5, 15)):
        response = client.get(reverse("annual-report-pdf", args=[world.slug, world.report.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="thurrock-yearly-report-2025-04-01-to-2026-03-31.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content)

    assert "Thurrock LSCP annual report 2025 to 2026" in text
    assert "For 1 April 2025 to 31 March 2026." in text
    assert "A year of learning together." in text
    assert "Our scrutineer challenged the police and the council." in text

    # Arrangements: the three partners with their DSPs, NELFT, the default groups.
    assert "Local authority Thurrock Council Council OfThurrock" in text
    assert "Police Essex Police Police OfThurrock" in text
    assert "4 member organisations: 3 safeguarding partners and 1 relevant agency (health 1)." in text
    assert "Learning & Practice Review Group" in text

    # Funding 2025/26 only: £100,000 + £30,000 + £20,000 contributions and £5,000 training income.
    assert "Financial year 2025/26" in text and "2024/25" not in text and "£90,000.00" not in text
    assert "Contributions agreed (3 organisations) £150,000.00" in text
    assert "Other income £5,000.00 Total income £155,000.00" in text
    assert "Local authority £100,000.00 66.7%" in text
    assert "Health £30,000.00 20.0%" in text
    assert "Police £20,000.00 13.3%" in text
    assert "Budget £120,000.00 Actual spending £110,000.50" in text
    assert "Staffing (business unit) £120,000.00 £110,000.50 £9,999.50" in text

    # Notifications received 2 June, 8 September (mandatory) and 10 November 2025 (NELFT); not
    # 20 March 2025 or 20 April 2026. One rapid review completed and one LCSPR commissioned.
    assert "Serious-incident notifications received 3" in text
    assert "The local authority's mandatory notification 2" in text
    assert "A member organisation's notification of an incident that may warrant a review 1" in text
    assert "Rapid reviews completed 1" in text
    assert "Local child safeguarding practice reviews commissioned 1" in text
    assert "Local child safeguarding practice reviews published 0" in text
    # Notifying the Panel: due 9 June (met 5 June, 3 working days), 15 September (met 10
    # September, 2) and 17 November (met 20 November, 8: late). The one due 27 March 2025 is
    # outside the period. 2 of 3 on time, 66.7%; median 3 working days; none overdue.
    assert "Notify the National Panel 3 3 2 1 66.7% 3.0 0" in text

    # Audits: 2025-26's programme, 2 of 3 complete; completed in the period (not the March 2025 one).
    assert "The audit programme 2025/26" in text
    assert "2 of 3 audits complete (66.7% of those not cancelled)" in text
    assert "Children took part in 1, families in 0 and practitioners in 1; 0 re-audits" in text
    assert "Priorities audited: Neglect. Not yet audited: Online safety." in text
    assert "Neglect: multi-agency case audit Multi-agency case audit Neglect 10 Jul 2025" in text
    assert "Deep dive: exploitation Deep dive – 15 Oct 2025" in text
    assert "Earlier audit" not in text
    # The latest cycle opened in the period (not the April 2026 one): NELFT green, police not submitted.
    assert "Section 11 audit 2025, opened 1 September 2025 with returns due 31 October 2025: 2 organisations" in text
    assert "Section 11 audit 2026" not in text
    assert "1. Senior management commitment 0 0 1 1" in text

    # Challenge: three raised in the period.
    assert "3 challenges raised in the period: 1 waiting for a response, 1 responded to and 1 closed." in text
    assert "Offered within 72 hours for 83%." in text
    assert "Before the period" not in text and "After the period" not in text

    # The dataset: Q1 to Q4 2025-26 only, and the change over the period.
    assert "Q1 2025-26 Q2 2025-26 Q3 2025-26 Q4 2025-26" in text and "Q1 2026-27" not in text
    assert "61% 58% 66% 72% up 11 percentage points from Q1 2025-26 (better)" in text
    assert "55%" not in text and "99%" not in text

    # The download is logged.
    assert (
        ActivityEvent.objects.for_partnership(world.partnership)
        .filter(event="annual_report.downloaded", object_id=str(world.report.pk), actor=world.person("business"))
        .exists()
    )


def test_the_report_of_a_busier_year_runs_the_same_queries(db):
    """The report's context is a fixed number of queries however many records the year holds
    (the benchmark renders the full busy year: `manage.py bench`)."""
    from tests.support import queries
    from tests.support.busy_year import Scale, busy_year

    counts = []
    for slug, scale in [
        ("quiet", Scale(notifications=6, audits=8, organisations=6, indicators=3, challenges=6, action_plans=1)),
        ("busy", Scale(notifications=15, audits=20, organisations=12, indicators=8, challenges=15, action_plans=4)),
    ]:
        world = make_world(slug, with_objects=False)
        annual = busy_year(world, year_start=current_year_start() - 1, scale=scale)
        with queries.counted() as ran:
            context = annual_report_selectors.annual_report_context(world.ctx(), annual)
        counts.append(ran)
        sections = {section.key: section.data for section in context["sections"]}
        assert sections["reviews"]["received"] == scale.notifications
        assert sections["scrutiny"]["challenges"].total == scale.challenges
        assert len(sections["audits"]["heatmap"].rows) == scale.organisations
        assert len(sections["dataset"]["dataset"].rows) == scale.indicators
        assert len(sections["learning"]["plans"]) == scale.action_plans
    quiet, busy = counts
    # 33: the funding summary's organisation renames (partners/history.py name_on), one query.
    # 34: the report's entry in the documents register, for its sign-off (issue 13), one query.
    queries.assert_constant(quiet, busy, ceiling=34, what="the report of a quiet year, then a busier one")
