"""Designated childcare or education agencies (Children's Wellbeing and Schools Act 2026 s.2) and
the members API's `kind` and `partner_kind` (issue 13): the membership kind, the partnership's list
of designations and its warning, through the services, the pages and the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from lscp.models import ActivityEvent
from partners import selectors, services
from partners.models import DesignatedAgency, Member, MemberKind, Sector
from tests.support.clients import error_by_field
from tests.support.world import organisation

REGS = "The Safeguarding Partners (Designated Agencies) (England) Regulations 2027, reg. 3(1)(b)"


def _academy():
    return organisation("Ortu Federation (multi-academy trust)", Sector.EDUCATION)


# ----------------------------------------------------------------------------------------------
# The membership kind


def test_a_designated_agency_is_a_membership_kind_without_a_statutory_role(world_a):
    member = services.member_add(
        ctx=world_a.ctx(), organisation=_academy(), kind=MemberKind.DESIGNATED_EDUCATION_AGENCY
    )
    assert member.get_kind_display() == "Designated childcare or education agency"
    assert member.partner_kind is None and not member.is_statutory
    with pytest.raises(ValidationError) as error:
        services.member_update(
            ctx=world_a.ctx(), member=member, kind=MemberKind.DESIGNATED_EDUCATION_AGENCY, statutory_role="council"
        )
    assert error.value.message_dict == {"statutory_role": ["Only a statutory partner has a statutory role"]}


def test_the_business_unit_adds_a_designated_agency_on_the_page_and_sees_its_kind(world_a, as_user):
    client = as_user(world_a.people["business"])
    form = client.get(reverse("member-add", args=[world_a.slug])).content.decode()
    assert 'value="designated_education_agency"' in form
    response = client.post(
        reverse("member-add", args=[world_a.slug]),
        {"organisation": _academy().pk, "seat": "designated_education_agency"},
    )
    assert response.status_code == 302
    member = Member.objects.for_partnership(world_a.partnership).get(organisation=_academy())
    assert member.kind == "designated_education_agency"
    listed = client.get(reverse("member-list", args=[world_a.slug])).content.decode()
    assert "Designated childcare or education agency" in listed
    edit = client.get(reverse("member-edit", args=[world_a.slug, member.pk])).content.decode()
    assert 'value="designated_education_agency" checked' in edit


# ----------------------------------------------------------------------------------------------
# The list of designations and the partners page's warning


def test_a_designated_organisation_that_is_not_a_member_is_a_warning_with_its_reason(world_a, as_user):
    ctx = world_a.ctx()
    academy = _academy()
    designation = services.designation_add(ctx=ctx, organisation=academy, reason=REGS)
    client = as_user(world_a.people["agency"])  # everyone sees the warning, only the business unit edits
    page = client.get(reverse("member-list", args=[world_a.slug])).content.decode()
    assert f"{academy} is not yet a member" in page and REGS in page
    assert reverse("designation-remove", args=[world_a.slug, designation.pk]) not in page

    # A member of another kind is still named, with what it is.
    member = services.member_add(ctx=ctx, organisation=academy, kind=MemberKind.RELEVANT_AGENCY)
    page = client.get(reverse("member-list", args=[world_a.slug])).content.decode()
    assert "is a member as relevant agency, not yet as a designated childcare or education agency" in page
    services.member_update(ctx=ctx, member=member, kind=MemberKind.DESIGNATED_EDUCATION_AGENCY)
    assert selectors.missing_designated_agencies(ctx) == []
    page = client.get(reverse("member-list", args=[world_a.slug])).content.decode()
    assert "not yet" not in page and REGS in page  # still listed, no longer a warning


def test_the_business_unit_keeps_the_list_on_pages_with_errors_by_field(world_a, as_user):
    client = as_user(world_a.people["business"])
    url = reverse("designation-add", args=[world_a.slug])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        url,
        {
            "reason": "",
            "designated_on-day": tomorrow.day,
            "designated_on-month": tomorrow.month,
            "designated_on-year": tomorrow.year,
        },
    )
    html = response.content.decode()
    assert error_by_field(html, "id_organisation") == "Choose the designated organisation"
    assert error_by_field(html, "id_reason") == "Enter the regulations that designate it"
    assert "today or in the past" in error_by_field(html, "id_designated_on")
    assert not DesignatedAgency.objects.for_partnership(world_a.partnership).exists()
    response = client.post(
        url,
        {
            "organisation": _academy().pk,
            "reason": REGS,
            "designated_on-day": "1",
            "designated_on-month": "9",
            "designated_on-year": "2025",
        },
    )
    assert response.status_code == 302
    designation = DesignatedAgency.objects.for_partnership(world_a.partnership).get()
    assert (designation.organisation, designation.reason, designation.designated_on) == (
        _academy(),
        REGS,
        dt.date(2025, 9, 1),
    )
    again = client.post(url, {"organisation": _academy().pk, "reason": REGS})
    assert "already on the list" in error_by_field(again.content.decode(), "id_organisation")
    events = ActivityEvent.objects.for_partnership(world_a.partnership).filter(event__startswith="designation.")
    assert [e.event for e in events] == ["designation.added"]

    remove = reverse("designation-remove", args=[world_a.slug, designation.pk])
    assert client.post(remove).status_code == 302
    assert not DesignatedAgency.objects.for_partnership(world_a.partnership).exists()
    assert ActivityEvent.objects.for_partnership(world_a.partnership).filter(event="designation.removed").exists()


def test_only_the_business_unit_designates(world_a, as_user):
    with pytest.raises(PermissionDenied):
        services.designation_add(ctx=world_a.ctx("agency"), organisation=_academy(), reason=REGS)
    client = as_user(world_a.people["agency"])
    assert client.post(reverse("designation-add", args=[world_a.slug]), {"reason": REGS}).status_code == 403


# ----------------------------------------------------------------------------------------------
# The members API: kind and partner_kind


def test_members_api_gives_kind_and_partner_kind_and_filters_by_both(world_a, api):
    services.member_add(ctx=world_a.ctx(), organisation=_academy(), kind=MemberKind.DESIGNATED_EDUCATION_AGENCY)
    client = api(world_a.people["agency"])
    url = f"/api/v1/{world_a.slug}/members/"
    rows = {row["organisation"]["name"]: row for row in client.get(url + "?page_size=100").json()["results"]}
    assert {name: (row["kind"], row["partner_kind"], row["statutory_role"]) for name, row in rows.items()} == {
        "Thurrock Council": ("statutory_partner", "local_authority", "council"),
        "Essex Police": ("statutory_partner", "police", "police"),
        "Thurrock CCG": ("statutory_partner", "health", "health"),
        "NELFT": ("relevant_agency", None, ""),
        str(_academy()): ("designated_education_agency", None, ""),
    }

    def names(query):
        response = client.get(url + query)
        assert response.status_code == 200, response.content
        return sorted(row["organisation"]["name"] for row in response.json()["results"])

    assert names("?kind=designated_education_agency") == [str(_academy())]
    assert names("?kind=statutory_partner") == ["Essex Police", "Thurrock CCG", "Thurrock Council"]
    assert names("?partner_kind=local_authority") == ["Thurrock Council"]
    assert names("?kind=statutory_partner&partner_kind=health") == ["Thurrock CCG"]
    for bad in ("kind=school", "partner_kind=council"):
        response = client.get(f"{url}?{bad}")
        assert response.status_code == 400 and bad.split("=")[0] in response.json(), bad


def test_members_api_adds_by_partner_kind_or_the_deprecated_statutory_role(world_a, api):
    client = api(world_a.people["business"])
    url = f"/api/v1/{world_a.slug}/members/"
    response = client.post(url, {"organisation": _academy().pk, "kind": "designated_education_agency"}, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["kind"], response.json()["partner_kind"]) == ("designated_education_agency", None)
    council = world_a.members["council"]
    # Several councils are the seats helper's; here one that disagrees with itself is refused.
    response = client.patch(
        f"{url}{council.pk}/",
        {"kind": "statutory_partner", "partner_kind": "police", "statutory_role": "council"},
        format="json",
    )
    assert response.status_code == 400 and "partner_kind" in response.json()
    response = client.patch(
        f"{url}{council.pk}/", {"kind": "statutory_partner", "partner_kind": "local_authority"}, format="json"
    )
    assert response.status_code == 200 and response.json()["partner_kind"] == "local_authority"


def test_the_schema_documents_the_kinds_as_enums_and_statutory_role_as_deprecated(world_a, api):
    schema = api(world_a.people["business"]).get("/api/v1/schema/?format=json").json()
    enums = schema["components"]["schemas"]
    assert enums["MemberKindEnum"]["enum"] == ["statutory_partner", "relevant_agency", "designated_education_agency"]
    assert enums["PartnerKindEnum"]["enum"] == ["local_authority", "police", "health"]
    member = enums["MemberOut"]["properties"]
    assert member["statutory_role"]["deprecated"] is True
    assert {ref["$ref"] for ref in member["partner_kind"]["oneOf"]} >= {"#/components/schemas/PartnerKindEnum"}
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/{slug}/members/"]["get"]["parameters"]}
    assert parameters["kind"]["schema"]["enum"] == sorted(MemberKind.values)
    assert sorted(parameters["partner_kind"]["schema"]["enum"]) == ["health", "local_authority", "police"]


def test_the_api_keeps_the_list_of_designations_like_the_page(world_a, api):
    client = api(world_a.people["business"])
    url = f"/api/v1/{world_a.slug}/designated-agencies/"
    response = client.post(url, {"organisation": _academy().pk, "reason": " "}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        url, {"organisation": _academy().pk, "reason": REGS, "designated_on": tomorrow.isoformat()}, format="json"
    )
    assert response.status_code == 400 and "today or in the past" in str(response.json()["designated_on"])
    response = client.post(url, {"organisation": _academy().pk, "reason": REGS}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["organisation"]["name"], body["reason"], body["member"]) == (str(_academy()), REGS, None)
    again = client.post(url, {"organisation": _academy().pk, "reason": REGS}, format="json")
    assert again.status_code == 400 and "already on the list" in str(again.json()["organisation"])

    member = services.member_add(
        ctx=world_a.ctx(), organisation=_academy(), kind=MemberKind.DESIGNATED_EDUCATION_AGENCY
    )
    [listed] = api(world_a.people["agency"]).get(url).json()["results"]
    assert listed["member"] == {"id": member.pk, "kind": "designated_education_agency"}
    assert api(world_a.people["agency"]).delete(f"{url}{body['id']}/").status_code == 403
    assert client.delete(f"{url}{body['id']}/").status_code == 204
    assert client.get(url).json()["results"] == []


def test_the_partners_page_lists_partners_then_designated_then_relevant_agencies_each_by_name(world_a, as_user):
    """The page's default order: on main the kinds sorted as text (relevant agencies first) and the
    organisations of a kind came in no order."""
    import re

    services.member_add(ctx=world_a.ctx(), organisation=_academy(), kind=MemberKind.DESIGNATED_EDUCATION_AGENCY)
    for name in ("Zeta Youth Trust", "Alpha Youth Trust"):
        services.member_add(
            ctx=world_a.ctx(), organisation=organisation(name, Sector.VOLUNTARY), kind=MemberKind.RELEVANT_AGENCY
        )
    page = as_user(world_a.people["business"]).get(reverse("member-list", args=[world_a.slug])).content.decode()
    members = list(selectors.members_for(world_a.ctx()).select_related("organisation"))
    rank = {MemberKind.STATUTORY_PARTNER: 0, MemberKind.DESIGNATED_EDUCATION_AGENCY: 1, MemberKind.RELEVANT_AGENCY: 2}
    expected = [
        str(m.organisation)
        for m in sorted(members, key=lambda m: (rank[m.kind], m.statutory_role, str(m.organisation)))
    ]
    shown = re.findall(r'<a class="govuk-link" href="[^"]*/partners/\d+/">([^<]+)</a>', page)
    assert shown == expected
