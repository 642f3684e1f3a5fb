"""Every "which organisation" choice offers today's members of every kind (issue 13): a designated
childcare or education agency is offered like any member, a member whose membership ended (its
organisation merged into another) never is, on the pages and in the API alike. Before, the pages
and the API of information requests, Section 175/157 cycles, actions' owners, notifications,
audits, challenges, the dataset and the people API offered ended members too."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audits.self_assessment import services as self_assessment
from partners import history, services
from partners.models import MemberKind, Sector
from reviews.action_plans.models import Recommendation
from reviews.notifications.forms import ChildForm, NotifierForm
from reviews.rapid_review import services as rapid_review
from tests.support.makers_reviews import started
from tests.support.world import organisation

ACADEMY = "Ortu Federation (multi-academy trust)"
OLD_TRUST = "South Essex Partnership Trust"


@pytest.fixture
def kinds(world_a):
    """(the designated agency, the former member) of world_a."""
    ctx = world_a.ctx()
    designated = services.member_add(
        ctx=ctx, organisation=organisation(ACADEMY, Sector.EDUCATION), kind=MemberKind.DESIGNATED_EDUCATION_AGENCY
    )
    old = services.member_add(
        ctx=ctx, organisation=organisation(OLD_TRUST, Sector.HEALTH), kind=MemberKind.RELEVANT_AGENCY
    )
    history.organisation_merge(
        organisation=old.organisation,
        successor=organisation("Essex Partnership University NHS Foundation Trust", Sector.HEALTH),
        effective_on=dt.date(2017, 4, 1),
        reason="Trusts merged",
        by=None,
    )
    old.refresh_from_db()
    assert old.ended_on is not None
    return designated, old


def _page_routes(world):
    notification = started(world)
    return {
        "information request": reverse("rapid-review-request-information", args=[world.slug, notification.pk]),
        "Section 175/157 cycle": reverse("cycle-add", args=[world.slug]),
        "action owner": reverse("action-add", args=[world.slug, world.objects[Recommendation].pk]),
        "person add": reverse("person-add", args=[world.slug]),
        "person edit": reverse("person-edit", args=[world.slug, world.people["agency"].pk]),
        "audit": reverse("audit-add", args=[world.slug]),
        "challenge": reverse("challenge-add", args=[world.slug]),
        "dataset indicator": reverse("indicator-add", args=[world.slug]),
        "agency system's token": reverse("system-token-issue", args=[world.slug]),
    }


@pytest.mark.parametrize(
    "picker",
    [
        "information request",
        "Section 175/157 cycle",
        "action owner",
        "person add",
        "person edit",
        "audit",
        "challenge",
        "dataset indicator",
        "agency system's token",
    ],
)
def test_each_page_offers_designated_agencies_and_only_todays_members(world_a, kinds, as_user, picker):
    page = as_user(world_a.people["business"]).get(_page_routes(world_a)[picker])
    assert page.status_code == 200
    html = page.content.decode()
    assert ACADEMY in html, picker
    assert OLD_TRUST not in html, picker


@pytest.mark.parametrize("form_class, field", [(NotifierForm, "notifying_member"), (ChildForm, "known_to")])
def test_the_notification_questions_offer_designated_agencies_and_only_todays_members(
    world_a, kinds, form_class, field
):
    designated, old = kinds
    offered = set(form_class(ctx=world_a.ctx()).fields[field].queryset)
    assert designated in offered and old not in offered
    assert world_a.members["agency"] in offered


def _api_routes(world):
    notification = started(world)
    slug = world.slug
    return {
        "information request": (f"/api/v1/{slug}/notifications/{notification.pk}/information-requests/", "members"),
        "Section 175/157 cycle": (f"/api/v1/{slug}/self-assessment-cycles/", "members"),
        "action owner": (f"/api/v1/{slug}/action-plans/actions/", "owner_organisation"),
        "person": (f"/api/v1/{slug}/people/", "member"),
        "notifying organisation": (f"/api/v1/{slug}/notifications/", "notifying_member"),
        "audit lead": (f"/api/v1/{slug}/audits/", "lead_member"),
        "audit participants": (f"/api/v1/{slug}/audits/", "participants"),
        "challenge": (f"/api/v1/{slug}/challenges/", "to_member"),
        "dataset indicator": (f"/api/v1/{slug}/indicators/", "reporting_member"),
    }


MANY = {"members", "participants"}


@pytest.mark.parametrize(
    "picker",
    [
        "information request",
        "Section 175/157 cycle",
        "action owner",
        "person",
        "notifying organisation",
        "audit lead",
        "audit participants",
        "challenge",
        "dataset indicator",
    ],
)
def test_each_api_choice_takes_designated_agencies_and_refuses_a_former_member(world_a, kinds, api, picker):
    designated, old = kinds
    url, field = _api_routes(world_a)[picker]
    client = api(world_a.people["business"])

    def sent(member):
        return {field: [member.pk] if field in MANY else member.pk}

    refused = client.post(url, sent(old), format="json")
    assert refused.status_code == 400, (picker, refused.content)
    assert "does not exist" in str(refused.json()[field]), picker
    taken = client.post(url, sent(designated), format="json")
    assert field not in (taken.json() if taken.status_code == 400 else {}), (picker, taken.content)


def test_the_services_refuse_a_former_member_by_the_field(world_a, kinds):
    """The pickers do not offer one; the services say why if one is sent anyway (a stale form)."""
    designated, old = kinds
    ctx = world_a.ctx()
    notification = started(world_a)
    reply_by = timezone.localdate() + dt.timedelta(days=7)
    with pytest.raises(ValidationError) as error:
        rapid_review.request_information(ctx, notification, members=[old], reply_by=reply_by)
    assert "is no longer a member (it merged into another)" in error.value.message_dict["members"][0]
    asked = rapid_review.request_information(ctx, notification, members=[designated], reply_by=reply_by)
    assert [request.member for request in asked] == [designated]

    with pytest.raises(ValidationError) as error:
        self_assessment.cycle_create(
            ctx,
            name="Section 175/157 audit 2026-27",
            framework="s175",
            opens_on=dt.date(2026, 9, 1),
            due_on=dt.date(2026, 12, 1),
            members=[old],
        )
    assert "is no longer a member (it merged into another)" in error.value.message_dict["members"][0]


def test_the_business_unit_asks_a_designated_agency_for_its_summary_on_the_page(world_a, kinds, as_user):
    from reviews.rapid_review.models import InformationRequest

    designated, old = kinds
    notification = started(world_a)
    url = reverse("rapid-review-request-information", args=[world_a.slug, notification.pk])
    reply_by = timezone.localdate() + dt.timedelta(days=7)
    dates = {"reply_by-day": reply_by.day, "reply_by-month": reply_by.month, "reply_by-year": reply_by.year}
    client = as_user(world_a.people["business"])
    refused = client.post(url, {"members": [old.pk], **dates})
    assert refused.status_code == 200 and "Select one of the" in refused.content.decode()
    assert client.post(url, {"members": [designated.pk], **dates}).status_code == 302
    asked = InformationRequest.objects.for_partnership(world_a.partnership).filter(notification=notification)
    assert [request.member for request in asked] == [designated]


def test_a_record_that_names_a_former_member_keeps_it_when_changed_and_nothing_new_can_choose_it(world_a, as_user):
    """Changing an audit, an indicator, an action or a person that names a member whose
    organisation merged into another offers that member still (changing something else keeps it);
    adding a new record does not offer it."""
    from audits.dataset import services as dataset
    from audits.dataset.forms import IndicatorForm
    from audits.programme.forms import AuditForm
    from audits.programme.models import Audit
    from partners.forms import PersonAddForm, PersonEditForm
    from reviews.action_plans.forms import ActionForm

    ctx = world_a.ctx()
    nelft = world_a.members["agency"]
    indicator = dataset.indicator_save(
        ctx, name="Missed health appointments followed up", unit="percent", reporting_member=nelft, direction="higher"
    )
    audit = world_a.objects[Audit]
    assert nelft in audit.participants.all()
    history.organisation_merge(
        organisation=nelft.organisation,
        successor=organisation("Essex Community Health Trust", Sector.HEALTH),
        effective_on=dt.date(2025, 4, 1),
        reason="Trusts merged",
        by=None,
    )

    assert (
        nelft
        in IndicatorForm(ctx=ctx, editing=True, initial={"reporting_member": nelft.pk})
        .fields["reporting_member"]
        .queryset
    )
    assert nelft not in IndicatorForm(ctx=ctx).fields["reporting_member"].queryset
    assert nelft in AuditForm(ctx=ctx, audit=audit).fields["participants"].queryset
    assert nelft not in AuditForm(ctx=ctx).fields["participants"].queryset
    assert str(nelft.pk) in dict(
        ActionForm(ctx=ctx, initial={"owner_member": str(nelft.pk)}).fields["owner_member"].choices
    )
    assert str(nelft.pk) not in dict(ActionForm(ctx=ctx).fields["owner_member"].choices)
    assert nelft in PersonEditForm(ctx=ctx, initial={"member": nelft.pk}).fields["member"].queryset
    assert nelft not in PersonAddForm(ctx=ctx).fields["member"].queryset

    page = as_user(world_a.people["business"]).get(reverse("indicator-edit", args=[world_a.slug, indicator.pk]))
    assert f'<option value="{nelft.pk}" selected>' in page.content.decode()
