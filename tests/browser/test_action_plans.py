"""Action plans in a real browser: an agency lead marks their organisation's action complete with
evidence (a document); the business unit accepts it and the plan's summary changes. Every action
plan page passes axe-core's WCAG 2.2 A/AA checks and the Content-Security-Policy."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from reviews.action_plans import services
from reviews.action_plans.models import Action, ActionPlan, SourceKind
from tests.browser.conftest import Pages
from tests.support.makers_actions import plan_with, ratify_all
from tests.support.makers_reviews import PDF_BYTES
from tests.support.world import PASSWORD, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_date(page, name, day):
    page.fill(f"#id_{name}-day", str(day.day))
    page.fill(f"#id_{name}-month", str(day.month))
    page.fill(f"#id_{name}-year", str(day.year))


def thurrock_plan():
    world = make_world("thurrock", area="Thurrock", with_objects=False)
    today = dt.date.today()
    plan = plan_with(
        world,
        [
            (
                "1a",
                "Health visitors use the Graded Care Profile 2",
                [("Train every health visitor in GCP2", "agency", today + dt.timedelta(days=60))],
            ),
            (
                "2",
                "GPs record children not brought to appointments",
                [("Was-not-brought guidance", "health", today + dt.timedelta(days=90))],
            ),
        ],
        created_on=today - dt.timedelta(days=40),
        title="Shae and Ashley LHR action plan",
    )
    ratify_all(world, plan, *(today - dt.timedelta(days=days) for days in (30, 20, 10)))
    return world, plan


def test_an_agency_lead_completes_an_action_with_evidence_and_the_business_unit_accepts_it(pages, browser, live_server):
    world, plan = thurrock_plan()
    action = Action.objects.for_partnership(world.partnership).get(plan=plan, owner_member=world.members["agency"])
    page = pages.page
    pages.sign_in(world.person("agency").username, PASSWORD)
    pages.goto(f"/{world.slug}/")
    assert "Train every health visitor in GCP2" in page.locator(".govuk-task-list").inner_text()
    page.click("text=Our actions")
    pages.check()
    assert "Was-not-brought guidance" not in page.content()  # another organisation's action
    page.click("#actions a:has-text('1a.1')")
    pages.check()
    page.click("text=Update progress")
    pages.check()
    page.fill("#id_text", "Two of three cohorts trained")
    page.check("#id_status_1")
    page.click("button:has-text('Save progress')")
    pages.check()
    assert "Progress on action 1a.1 has been saved" in page.locator(".govuk-notification-banner").inner_text()
    page.click("text=Mark complete with evidence")
    pages.check()
    fill_date(page, "completed_on", dt.date.today() + dt.timedelta(days=3))  # the future: refused
    page.click("button:has-text('Mark complete')")
    pages.check()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "must be today or in the past" in summary
    assert "Give the evidence of completion" in summary
    fill_date(page, "completed_on", dt.date.today())
    page.fill("#id_completion_evidence", "All 42 health visitors trained; GCP2 is in the neglect pathway")
    page.set_input_files(
        "#id_document", files=[{"name": "training-register.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    page.click("button:has-text('Mark complete')")
    pages.check()
    assert "the business unit will check the evidence" in page.locator(".govuk-notification-banner").inner_text()
    assert "Evidence of completion of action 1a.1" in page.locator("#evidence").inner_text()
    assert Action.objects.for_partnership(world.partnership).get(pk=action.pk).status == "awaiting_acceptance"

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    business = Pages(context.new_page(), live_server.url)
    business.sign_in(world.person("business").username, PASSWORD)
    business.goto(f"/{world.slug}/action-plans/{plan.pk}/")
    assert (
        business.page.locator("#plan-summary")
        .inner_text()
        .startswith("2 recommendations, 2 actions: 1 awaiting acceptance, 1 on track")
    )
    business.goto(f"/{world.slug}/")
    business.page.click("text=Accept or return action 1a.1")
    business.check()
    business.page.click("text=Accept the completion")
    business.check()
    assert "training-register.pdf" in business.page.content()
    business.page.click("button:has-text('Accept: the action is complete')")
    business.check()
    assert "Action 1a.1 is complete" in business.page.locator(".govuk-notification-banner").inner_text()
    business.goto(f"/{world.slug}/action-plans/{plan.pk}/")
    assert (
        business.page.locator("#plan-summary")
        .inner_text()
        .startswith("2 recommendations, 2 actions: 1 complete, 1 on track")
    )
    context.close()


def _sheet(path, rows):
    workbook = Workbook()
    workbook.active.append(["Recommendation number", "Recommendation", "Action", "Owner organisation", "Due date"])
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_every_action_plan_page_meets_wcag_2_2_aa(pages, tmp_path):
    world, plan = thurrock_plan()
    slug = world.slug
    draft = plan_with(
        world,
        [
            ("1", "Share intelligence", [("MACE protocol", "police", dt.date.today() + dt.timedelta(days=30))]),
            ("2", "No actions yet", []),
        ],
        title="Youth violence thematic review plan",
        source_kind=SourceKind.THEMATIC_REVIEW,
    )
    actions = {a.description: a for a in Action.objects.for_partnership(world.partnership)}
    mine = actions["Train every health visitor in GCP2"]
    services.action_complete(world.ctx("agency"), mine, completed_on=dt.date.today(), completion_evidence="Done")
    empty_rec = draft.recommendations.get(number=2)
    draft_action = actions["MACE protocol"]
    rec = plan.recommendations.first()
    pages.sign_in(world.person("business").username, PASSWORD)
    for path in [
        f"/{slug}/action-plans/",
        f"/{slug}/action-plans/?status=live&sort=-title",
        f"/{slug}/action-plans/new/",
        f"/{slug}/action-plans/import/",
        f"/{slug}/action-plans/report/",
        f"/{slug}/action-plans/{plan.pk}/",
        f"/{slug}/action-plans/{draft.pk}/",
        f"/{slug}/action-plans/{plan.pk}/edit/",
        f"/{slug}/action-plans/{draft.pk}/ratify/",
        f"/{slug}/action-plans/{plan.pk}/recommendations/add/",
        f"/{slug}/action-plans/recommendations/{rec.pk}/edit/",
        f"/{slug}/action-plans/recommendations/{empty_rec.pk}/remove/",
        f"/{slug}/action-plans/recommendations/{rec.pk}/actions/add/",
        f"/{slug}/actions/",
        f"/{slug}/actions/?overdue=on&status=on_track&sort=owner",
        f"/{slug}/actions/{mine.pk}/",
        f"/{slug}/actions/{mine.pk}/accept/",
        f"/{slug}/actions/{mine.pk}/return/",
        f"/{slug}/actions/{mine.pk}/evidence/",
        f"/{slug}/actions/{draft_action.pk}/",
        f"/{slug}/actions/{draft_action.pk}/edit/",
        f"/{slug}/actions/{draft_action.pk}/remove/",
        f"/{slug}/actions/{draft_action.pk}/progress/",
        f"/{slug}/actions/{draft_action.pk}/complete/",
        f"/{slug}/deadlines/",
    ]:
        pages.goto(path)
        assert pages.page.url.endswith(path), f"{path} redirected to {pages.page.url}"
    # Error states: an empty plan form, a report with no plan chosen, a bad spreadsheet.
    pages.goto(f"/{slug}/action-plans/new/")
    pages.page.click("button:has-text('Create plan')")
    pages.check()
    assert "There is a problem" in pages.page.content()
    pages.goto(f"/{slug}/action-plans/report/?download=1")
    assert "Choose at least one plan" in pages.page.locator(".govuk-error-summary").inner_text()
    pages.goto(f"/{slug}/action-plans/import/")
    pages.page.set_input_files(
        "#id_file",
        _sheet(tmp_path / "plan.xlsx", [["1", "R", "A", "Nobody", "soon"], ["x", "", "", "NELFT", "2027-01-01"]]),
    )
    pages.page.fill("#id_title", "From Excel")
    pages.page.check("#id_source_kind_0")
    pages.page.click("button:has-text('Import the plan')")
    pages.check()
    problems = pages.page.locator("#sheet-problems").inner_text()
    assert "Row 2, Owner organisation: 'Nobody' is not a member organisation" in problems
    assert "Row 3, Recommendation number: 'x' is not a recommendation number" in problems
    assert not ActionPlan.objects.for_partnership(world.partnership).filter(title="From Excel").exists()


def test_action_pages_work_without_javascript(pages_without_js):
    world, plan = thurrock_plan()
    page, base = pages_without_js
    page.goto(base + "/accounts/sign-in/")
    page.fill("#id_username", world.person("agency").username)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    action = Action.objects.for_partnership(world.partnership).get(plan=plan, owner_member=world.members["agency"])
    page.goto(f"{base}/{world.slug}/actions/{action.pk}/progress/")
    page.fill("#id_text", "Begun, without JavaScript")
    page.check("#id_status_2")
    page.click("button:has-text('Save progress')")
    assert "Progress on action 1a.1 has been saved" in page.content()
    assert Action.objects.for_partnership(world.partnership).get(pk=action.pk).status == "at_risk"
