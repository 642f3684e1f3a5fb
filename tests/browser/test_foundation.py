"""In a real browser: sign in, switch partnership, invite a person with bad then good input, and
every page visited passes axe-core's WCAG 2.2 A/AA checks."""

import pytest

from lscp.roles import Role
from partners import services
from partners.models import Invitation, Member
from tests.support.world import PASSWORD, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worlds():
    a = make_world("thurrock", area="Thurrock")
    b = make_world("southend", area="Southend")
    # Thurrock's business-unit manager also works for Southend, as an agency lead there.
    person = a.person("business")
    services.person_add(
        ctx=b.ctx(),
        email=person.email,
        first_name=person.first_name,
        last_name=person.last_name,
        role=Role.AGENCY_LEAD,
        member=b.members["agency"],
    )
    return a, b


def test_sign_in_switch_partnership_and_add_a_person(pages, worlds):
    a, _b = worlds
    page = pages.page
    pages.sign_in(a.person("business").username, PASSWORD)
    assert page.locator("h1").inner_text() == "Your partnerships"
    page.click("text=Thurrock LSCP")
    pages.check()
    assert page.locator(".govuk-service-navigation__service-name").inner_text() == "Thurrock LSCP"

    page.click("text=Change partnership")
    pages.check()
    page.click("text=Southend LSCP")
    pages.check()
    assert page.locator(".govuk-service-navigation__service-name").inner_text() == "Southend LSCP"
    assert "Agency lead" in page.locator(".lscp-account-bar").inner_text()
    assert page.locator(".govuk-service-navigation__list").get_by_text("Activity log").count() == 0

    # Back in Thurrock, where they are the business unit: add a person.
    page.click("text=Change partnership")
    page.click("text=Thurrock LSCP")
    page.click(".govuk-service-navigation__list >> text=Partnership")
    pages.check()
    page.click(".lscp-sub-navigation >> text=People")
    pages.check()
    assert page.locator(".lscp-sub-navigation [aria-current=page]").inner_text() == "People"
    page.click("text=Add a person")
    pages.check()
    page.fill("#id_first_name", "Priya")
    page.fill("#id_last_name", "Raman")
    page.fill("#id_email", "not-an-email")
    page.check("#id_role_3")  # delegated safeguarding partner
    page.select_option("#id_member", label="NELFT (relevant agency)")
    page.click("button:has-text('Send invitation')")
    pages.check()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "Enter an email address in the correct format" in summary.inner_text()
    assert page.input_value("#id_first_name") == "Priya"
    assert page.input_value("#id_email") == "not-an-email"
    assert page.is_checked("#id_role_3")
    assert not Invitation.objects.for_partnership(a.partnership).filter(first_name="Priya").exists()

    page.fill("#id_email", "priya.raman@thurrock.example.org")
    page.click("button:has-text('Send invitation')")
    pages.check()
    assert (
        "is a relevant agency: a delegated safeguarding partner acts for a statutory partner"
        in page.locator("#id_member-error").inner_text()
    )

    council = Member.objects.for_partnership(a.partnership).get(statutory_role="council")
    page.select_option("#id_member", value=str(council.pk))
    page.click("button:has-text('Send invitation')")
    pages.check()
    assert (
        "An invitation to be delegated safeguarding partner has been emailed to Priya Raman"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    assert "Priya Raman" in page.locator("table", has_text="Invited, not yet accepted").inner_text()
    invitation = Invitation.objects.for_partnership(a.partnership).get(email="priya.raman@thurrock.example.org")
    assert invitation.role == Role.DSP and invitation.member == council


def test_every_page_meets_wcag_2_2_aa(pages, worlds):
    a, _ = worlds
    pages.sign_in(a.person("business").username, PASSWORD)
    slug = a.slug
    seat = a.objects[__import__("partners.models", fromlist=["GroupMember"]).GroupMember]
    # Made before the partners page is read: its list and its warning that it is not a member.
    designation = a.objects[__import__("partners.models", fromlist=["DesignatedAgency"]).DesignatedAgency]
    for path in [
        f"/{slug}/",
        f"/{slug}/partners/",
        f"/{slug}/partners/add/",
        f"/{slug}/partners/{a.members['police'].pk}/",
        f"/{slug}/partners/{a.members['agency'].pk}/change/",
        f"/{slug}/partners/designated/add/",
        f"/{slug}/partners/designated/{designation.pk}/remove/",
        f"/{slug}/reviews/case-review-tracker/",
        f"/{slug}/people/?status=all&sort=-role",
        f"/{slug}/people/{a.people['council'].pk}/",
        f"/{slug}/people/{a.people['council'].pk}/change/",
        f"/{slug}/people/{a.people['agency'].pk}/deactivate/",
        f"/{slug}/governance/",
        f"/{slug}/governance/{seat.group_id}/",
        f"/{slug}/governance/{seat.group_id}/add-member/",
        f"/{slug}/governance/seats/{seat.pk}/remove/",
        f"/{slug}/activity/",
        f"/{slug}/api-tokens/",
        f"/{slug}/api-tokens/issue/",
        "/accounts/api-tokens/",
        f"/{slug}/activity/?date_from-day=40&date_from-month=1&date_from-year=2026",
        "/accessibility/",
        "/no-such-page/",
    ]:
        pages.goto(path)
    pages.goto(f"/{slug}/partners/add/")
    pages.page.click("button:has-text('Add organisation')")
    pages.check()  # the form's error state
    assert len(pages.checked) >= 19


def test_the_whole_flow_works_without_javascript(pages_without_js, worlds):
    a, _ = worlds
    page, base = pages_without_js
    page.goto(base + "/accounts/sign-in/")
    page.fill("#id_username", a.person("business").username)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.goto(base + f"/{a.slug}/partners/add/")
    page.fill("#id_new_organisation_name", "CAFCASS")
    page.check("#id_seat_3")
    page.click("button:has-text('Add organisation')")
    assert "Choose the new organisation's sector" in page.locator(".govuk-error-summary").inner_text()
    assert page.input_value("#id_new_organisation_name") == "CAFCASS"
    page.select_option("#id_new_organisation_sector", value="courts")
    page.click("button:has-text('Add organisation')")
    assert "CAFCASS is now a member of Thurrock LSCP" in page.locator(".govuk-notification-banner").inner_text()
    page.click("button:has-text('Sign out')")
    assert page.locator("h1").inner_text() == "Sign in"
