"""In a real browser, a Section 11 cycle end to end: the business unit installs the default
standards and opens a cycle; an agency lead saves a draft, is refused an incomplete submission,
then submits; the business unit agrees most grades and challenges one; the scrutineer's heatmap
changes and the scrutineer finds nothing on any page that writes. Every page is checked with axe."""

import datetime as dt
import re

import pytest

from audits.models import SelfAssessment
from lscp.roles import Role
from tests.browser.test_rapid_review import as_person, fill_date
from tests.support.world import PASSWORD, add_person, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def heatmap(pages, organisation: str) -> list[str]:
    """The grades in an organisation's row of the dashboard's heatmap, as read on screen."""
    row = pages.page.locator(
        "table:has(caption:has-text('Heatmap')) tr", has=pages.page.locator(f"th:text-is('{organisation}')")
    )
    return [cell.strip() for cell in row.locator("td").all_inner_texts()]


def writing_controls(pages) -> list[str]:
    """Forms that post (other than signing out, and staying signed in from the timeout warning)
    and links to add or change things."""
    page = pages.page
    forms = [
        f.get_attribute("action") or page.url
        for f in page.locator("form[method=post]").all()
        if not any(own in (f.get_attribute("action") or "") for own in ("sign-out", "/accounts/session/"))
    ]
    links = (
        page.locator("main a")
        .filter(has_text=re.compile(r"^(Add|Change|Open a cycle|Plan|Use the default|Record|Edit)"))
        .all_inner_texts()
    )
    return forms + links


def test_a_section_11_return_moderated_and_seen_on_the_dashboard(pages, browser, live_server):
    world = make_world("thurrock", area="Thurrock", with_objects=False)
    police_lead = add_person(world, "policelead", role=Role.AGENCY_LEAD, member=world.members["police"])
    slug, today = world.slug, dt.date.today()
    agency_name = str(world.members["agency"].organisation)

    # 1. The business unit installs the default standards and opens a cycle for two agencies.
    business = pages
    business.sign_in(world.person("business").username, PASSWORD)
    business.goto(f"/{slug}/self-assessments/")
    business.page.click("button:has-text('Use the default Section 11')")
    business.check()
    assert "Senior management commitment" in business.page.content()
    business.page.click("text=Open a cycle")
    business.check()
    business.page.fill("#id_name", "Section 11 audit")
    business.page.get_by_label("Section 11 (Children Act 2004)").check()
    fill_date(business.page, "opens_on", today)
    fill_date(business.page, "due_on", today + dt.timedelta(days=28))
    business.page.get_by_label(agency_name).check()
    business.page.get_by_label("Essex Police").check()
    business.page.click("button:has-text('Open the cycle')")
    business.check()
    assert "Section 11 audit" in business.page.content()

    # 2. The scrutineer's heatmap before any return: nothing graded.
    context, scrutineer = as_person(browser, live_server, world.person("scrutineer").username)
    scrutineer.goto(f"/{slug}/dashboard/")
    before = heatmap(scrutineer, agency_name)
    assert len(before) == 9 and set(before) == {"Not graded"}

    # 3. The agency lead grades: a draft first, then a refused submission, then a good one.
    agency_context, agency = as_person(browser, live_server, world.person("agency").username)
    agency.goto(f"/{slug}/self-assessments/")
    agency.page.click("a.govuk-task-list__link:has-text('Section 11 audit')")
    agency.check()
    greens = agency.page.locator("input[type=radio][value=green]")
    assert greens.count() == 9
    for index in range(9):
        greens.nth(index).check()
    evidence = agency.page.locator("textarea[name^=evidence_]")
    for index in range(9):
        evidence.nth(index).fill(f"Evidence for standard {index + 1}: policy, training records, audit results.")
    agency.page.locator("input[type=radio][value=amber]").nth(3).check()  # staff training
    agency.page.click("button:has-text('Save as draft')")
    agency.check()
    assert "draft" in agency.page.content().lower()

    agency.page.click("button:has-text('Submit the return')")  # amber without improvement actions
    agency.check()
    assert agency.page.locator(".govuk-error-summary").is_visible()
    field = agency.page.locator(
        ".govuk-form-group--error", has=agency.page.locator("textarea[name^=improvement_actions_]")
    )
    assert field.count() == 1 and "Standard 4: say what will improve it" in field.inner_text()  # next to the field
    assert agency.page.locator("input[type=radio][value=amber]").nth(3).is_checked()  # kept what was typed
    assert (
        SelfAssessment.objects.for_partnership(world.partnership).get(member=world.members["agency"]).status == "draft"
    )
    agency.page.locator("textarea[name^=improvement_actions_]").nth(3).fill(
        "Refresher training for all front-line staff by March."
    )
    agency.page.click("button:has-text('Submit the return')")
    agency.check()
    assert "Submitted" in agency.page.content()
    assert agency.page.locator("button:has-text('Submit the return')").count() == 0  # locked once submitted
    agency_context.close()

    # 4. The police lead cannot open NELFT's return.
    police_context, police = as_person(browser, live_server, police_lead.person.username)
    assessment = SelfAssessment.objects.for_partnership(world.partnership).get(member=world.members["agency"])
    response = police.page.goto(f"{live_server.url}/{slug}/self-assessments/returns/{assessment.pk}/")
    assert response.status == 404
    police_context.close()

    # 5. The business unit moderates: agrees eight, challenges information sharing down to red.
    business.goto(f"/{slug}/self-assessments/returns/{assessment.pk}/")
    agreed = business.page.locator("input[type=radio][value=agreed]")
    assert agreed.count() == 9
    for index in range(9):
        agreed.nth(index).check()
    business.page.locator("input[type=radio][value=challenged]").nth(6).check()
    business.page.click("button:has-text('Save the moderation')")  # a challenge with no reason
    business.check()
    assert business.page.locator(".govuk-error-summary").is_visible()
    business.page.locator("textarea[name^=comment_]").nth(6).fill(
        "No information-sharing agreement with schools was shown."
    )
    business.page.locator("input[type=radio][name^=agreed_grade_][value=red]").nth(6).check()
    business.page.click("button:has-text('Save the moderation')")
    business.check()
    assert "Moderated" in business.page.content()

    # The police return has not come in: the business unit could record one sent by email.
    police_return = SelfAssessment.objects.for_partnership(world.partnership).get(member=world.members["police"])
    business.goto(f"/{slug}/self-assessments/returns/{police_return.pk}/")
    assert business.page.get_by_role("group", name="Date the return was received").is_visible()
    assert business.page.locator("button:has-text('Record as submitted')").is_visible()

    # 6. The scrutineer's heatmap has changed, and no page the scrutineer reaches can write.
    scrutineer.goto(f"/{slug}/dashboard/")
    after = heatmap(scrutineer, agency_name)
    assert after == ["Green", "Green", "Green", "Amber", "Green", "Green", "Red", "Green", "Green"]
    assert after != before
    assert writing_controls(scrutineer) == []
    for path in (
        f"/{slug}/self-assessments/",
        f"/{slug}/self-assessments/returns/{assessment.pk}/",
        f"/{slug}/audits/",
    ):
        scrutineer.goto(path)
        assert writing_controls(scrutineer) == [], path
    scrutineer.goto(f"/{slug}/self-assessments/")
    scrutineer.page.click("a:has-text('Section 11 audit')")
    scrutineer.check()
    assert writing_controls(scrutineer) == []
    assert scrutineer.page.goto(f"{live_server.url}/{slug}/self-assessments/cycles/add/").status == 403
    context.close()


def test_plan_an_audit_complete_it_and_draw_up_its_action_plan(pages):
    """The business unit plans an audit, is refused marking it complete without findings (input
    kept), records the findings, and starts the audit's action plan from its page."""
    world = make_world("thurrock", area="Thurrock", with_objects=False)
    slug, today = world.slug, dt.date.today()
    pages.sign_in(world.person("business").username, PASSWORD)
    pages.goto(f"/{slug}/audits/")
    pages.page.click("text=Plan an audit")
    pages.check()
    pages.page.fill("#id_title", "Neglect: multi-agency case audit")
    pages.page.get_by_label("Multi-agency case audit").check()
    pages.page.get_by_label("Essex Police").check()
    pages.page.get_by_label("Practitioners took part").check()
    pages.page.get_by_label("Complete").check()  # but no findings yet
    pages.page.click("button:has-text('Save')")
    pages.check()
    assert pages.page.locator(".govuk-error-summary").is_visible()
    assert "Record the findings before marking the audit complete" in pages.page.content()
    assert pages.page.locator("#id_title").input_value() == "Neglect: multi-agency case audit"
    assert pages.page.get_by_label("Essex Police").is_checked()
    pages.page.fill("#id_findings", "The Graded Care Profile 2 was used in two of six cases.")
    fill_date(pages.page, "completed_on", today)
    pages.page.click("button:has-text('Save')")
    pages.check()
    assert "The Graded Care Profile 2 was used in two of six cases." in pages.page.content()
    assert "No action plan has been drawn up from this audit yet." in pages.page.content()

    pages.page.click("text=Draw up an action plan from the findings")
    pages.check()
    assert pages.page.locator("#id_title").input_value() == "Neglect: multi-agency case audit: action plan"
    assert pages.page.get_by_label("Audit", exact=True).is_checked()
    pages.page.click("button:has-text('Create plan')")
    pages.check()
    assert "has been created" in pages.page.content()
    pages.page.go_back()
    pages.goto(f"/{slug}/audits/")
    pages.page.click("text=Neglect: multi-agency case audit")
    pages.check()
    assert "Neglect: multi-agency case audit: action plan" in pages.page.content()
