"""A year's shared budget (each partner's agreed contribution) is signed by each statutory partner
member's seat holder at the policy's level (LSPs by default): who, seat, member, when and a hash
of the contributions signed; changing an agreed amount withdraws the standing signatures."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.test import APIClient

from funding import services
from funding.models import BudgetSignOff
from lscp.models import OutboxEmail
from lscp.roles import Role
from lscp.states import StaleVersion
from lscp.tenancy import TenantContext
from tests.support.world import add_person


def api(person):
    client = APIClient()
    client.force_authenticate(person)
    return client


@pytest.fixture
def lsps(world_a):
    """Each statutory partner's lead safeguarding partner."""
    made = {}
    for who in ("council", "police", "health"):
        membership = add_person(world_a, f"lsp-{who}", role=Role.LSP, member=world_a.members[who])
        made[who] = TenantContext(partnership=world_a.partnership, user=membership.person, membership=membership)
    return made


@pytest.fixture
def year(world_a):
    year = services.year_add(ctx=world_a.ctx(), label="2026-27")
    for who, amount in (("council", "50000"), ("police", "20000"), ("health", "30000")):
        services.contribution_add(
            ctx=world_a.ctx(), year=year, organisation=world_a.members[who].organisation, agreed=Decimal(amount)
        )
    return year


def test_each_lsp_signs_the_budget_and_a_change_withdraws_the_signatures(world_a, lsps, year):
    with pytest.raises(PermissionDenied, match="lead safeguarding partners"):
        services.budget_sign(world_a.ctx("council"), year)  # a DSP, by default
    signed = services.budget_sign(lsps["council"], year)
    assert (signed.member, signed.level, signed.content_hash) == (
        world_a.members["council"],
        "lsp",
        services.budget_hash(year),
    )
    state = services.budget_sign_off(year)
    assert (state["signed"], state["needed"], state["complete"]) == (1, 3, False)
    police = year.contributions.get(member=world_a.members["police"])
    # A payment received does not change what was signed.
    services.contribution_update(
        ctx=world_a.ctx(),
        contribution=police,
        agreed=Decimal("20000"),
        invoiced_on=year.first_day,
        invoiced=Decimal("20000"),
    )
    assert services.budget_sign_off(year)["signed"] == 1
    services.contribution_update(ctx=world_a.ctx(), contribution=police, agreed=Decimal("25000"))
    withdrawn = BudgetSignOff.objects.for_partnership(world_a.partnership).get()
    assert withdrawn.withdrawn_reason == "Essex Police's agreed contribution was changed"
    told = OutboxEmail.objects.for_partnership(world_a.partnership).get(subject__contains="signature was withdrawn")
    assert told.to == [lsps["council"].user.email]
    with pytest.raises(StaleVersion):
        services.budget_sign(lsps["council"], year, expected_hash=withdrawn.content_hash)
    for ctx in lsps.values():
        services.budget_sign(ctx, year)
    assert services.budget_sign_off(year)["complete"]


def test_the_pages_and_api(world_a, lsps, year, as_user):
    slug = world_a.slug
    business = as_user(world_a.people["business"])
    asked = business.post(reverse("funding-budget-request", args=[slug, year.label]), {})
    assert asked.status_code == 302
    request = OutboxEmail.objects.for_partnership(world_a.partnership).get(
        subject__contains="waiting for your signature"
    )
    assert sorted(request.to) == sorted(ctx.user.email for ctx in lsps.values())
    chief = as_user(lsps["police"].membership)
    page = chief.get(reverse("funding-year", args=[slug, year.label])).content.decode()
    assert "0 of 3 signed" in page and "Sign the budget" in page
    form = chief.get(reverse("funding-budget-sign", args=[slug, year.label]))
    assert form.status_code == 200
    done = chief.post(
        reverse("funding-budget-sign", args=[slug, year.label]), {"content_hash": services.budget_hash(year)}
    )
    assert done.status_code == 302
    dsp = as_user(world_a.people["council"])
    assert (
        "The lead safeguarding partners sign the budget"
        in dsp.get(reverse("funding-budget-sign", args=[slug, year.label])).content.decode()
    )
    assert dsp.post(reverse("funding-budget-sign", args=[slug, year.label]), {}).status_code == 403
    base = f"/api/v1/{slug}/funding/years/{year.label}/budget-sign-offs/"
    state = api(world_a.person("scrutineer")).get(base).json()
    assert state["signed"] == 1 and state["level"] == "lsp"
    made = api(lsps["health"].user).post(base, {"content_hash": state["content_hash"]}, format="json")
    assert made.status_code == 201 and made.json()["seat"] == "lsp"
    assert api(world_a.person("health")).post(base, {}, format="json").status_code == 403
