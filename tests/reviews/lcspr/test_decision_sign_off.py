"""The decision on an LCSPR is signed by each statutory partner member's seat holder at the
policy's level (DSPs by default): who, seat, member, when and what (version and content hash);
changing the decision withdraws the standing signatures, with the reason, and tells the signers."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from lscp.models import ActivityEvent, OutboxEmail
from lscp.roles import Role
from partners.models import SigningPolicy
from reviews.lcspr import services
from reviews.models import LcsprSignOff
from tests.support.makers_reviews import commissioned
from tests.support.world import add_person


def api(person):
    client = APIClient()
    client.force_authenticate(person)
    return client


def change(world, lcspr, **values):
    fields = {f: getattr(lcspr, f) for f in services.DECISION_FIELDS}
    return services.change_decision(world.ctx(), lcspr, **{**fields, **values})


def test_each_partner_s_dsp_signs_the_decision_recording_seat_and_version(world_a):
    lcspr = commissioned(world_a)
    asked = OutboxEmail.objects.for_partnership(world_a.partnership).filter(
        subject__contains="waiting for your signature"
    )
    assert asked.count() == 1 and len(asked.get().to) == 3
    signature = services.sign_decision(world_a.ctx("police"), lcspr)
    assert (signature.member, signature.level, signature.signed_version) == (
        world_a.members["police"],
        "dsp",
        lcspr.version,
    )
    assert signature.seat.membership == world_a.people["police"] and signature.content_hash == services.decision_hash(
        lcspr
    )
    with pytest.raises(ValidationError, match="Essex Police has already signed"):
        services.sign_decision(world_a.ctx("police"), lcspr)
    for who in ("business", "agency", "scrutineer"):
        with pytest.raises(PermissionDenied):
            services.sign_decision(world_a.ctx(who), lcspr)
    state = services.decision_sign_off(lcspr)
    assert (state["signed"], state["needed"], state["complete"]) == (1, 3, False)
    services.sign_decision(world_a.ctx("council"), lcspr)
    services.sign_decision(world_a.ctx("health"), lcspr)
    assert services.decision_sign_off(lcspr)["complete"]


def test_the_policy_can_give_the_decision_to_the_lsps(world_a):
    lcspr = commissioned(world_a)
    SigningPolicy.objects.for_partnership(world_a.partnership).create(
        partnership=world_a.partnership, levels={"lcspr_decision": "lsp"}
    )
    with pytest.raises(PermissionDenied, match="lead safeguarding partners"):
        services.sign_decision(world_a.ctx("council"), lcspr)
    lsp = add_person(world_a, "chief", role=Role.LSP, member=world_a.members["council"])
    from lscp.tenancy import TenantContext

    ctx = TenantContext(partnership=world_a.partnership, user=lsp.person, membership=lsp)
    assert services.sign_decision(ctx, lcspr).level == "lsp"


def test_changing_the_decision_withdraws_the_signatures_with_the_reason(world_a):
    lcspr = commissioned(world_a)
    services.sign_decision(world_a.ctx("council"), lcspr)
    lcspr.refresh_from_db()
    change(world_a, lcspr, terms_of_reference="Wider terms.")
    withdrawn = LcsprSignOff.objects.for_partnership(world_a.partnership).get()
    assert withdrawn.withdrawn_at is not None and withdrawn.withdrawn_reason.startswith("The decision was changed by")
    assert ActivityEvent.objects.for_partnership(world_a.partnership).filter(event="lcspr.sign_offs_withdrawn").exists()
    told = OutboxEmail.objects.for_partnership(world_a.partnership).filter(subject__contains="signature was withdrawn")
    assert told.get().to == [world_a.person("council").email]
    lcspr.refresh_from_db()
    again = services.sign_decision(world_a.ctx("council"), lcspr)
    assert again.content_hash != withdrawn.content_hash
    # Saving the decision unchanged withdraws nothing.
    lcspr.refresh_from_db()
    change(world_a, lcspr)
    assert LcsprSignOff.objects.for_partnership(world_a.partnership).filter(withdrawn_at__isnull=True).count() == 1


def test_the_pages_show_who_signed_and_let_a_dsp_sign(world_a, as_user):
    lcspr = commissioned(world_a)
    slug, pk = world_a.slug, lcspr.notification_id
    client = as_user(world_a.people["police"])
    page = client.get(reverse("lcspr-detail", args=[slug, pk])).content.decode()
    assert "0 of 3 signed" in page and "Sign the decision" in page
    form = client.get(reverse("lcspr-sign", args=[slug, pk]))
    assert form.status_code == 200
    signed = client.post(reverse("lcspr-sign", args=[slug, pk]), {"content_hash": services.decision_hash(lcspr)})
    assert signed.status_code == 302
    page = as_user(world_a.people["business"]).get(reverse("lcspr-detail", args=[slug, pk])).content.decode()
    assert "1 of 3 signed" in page and world_a.person("police").get_full_name() in page
    assert as_user(world_a.people["agency"]).get(reverse("lcspr-sign", args=[slug, pk])).status_code in (403, 404)


def test_the_api_signs_and_lists_and_changes_the_decision(world_a):
    lcspr = commissioned(world_a)
    base = f"/api/v1/{world_a.slug}/notifications/{lcspr.notification_id}/lcspr"
    stale = api(world_a.person("health")).post(f"{base}/sign-offs/", {"content_hash": "0" * 64}, format="json")
    assert stale.status_code == 409 and "changed after you read it" in str(stale.data)
    made = api(world_a.person("health")).post(
        f"{base}/sign-offs/", {"content_hash": services.decision_hash(lcspr)}, format="json"
    )
    assert made.status_code == 201 and made.json()["seat"] == "dsp"
    assert api(world_a.person("agency")).post(f"{base}/sign-offs/", {}, format="json").status_code in (403, 404)
    state = api(world_a.person("business")).get(f"{base}/sign-offs/").json()
    assert state["signed"] == 1 and [m["organisation"] for m in state["missing"]] == [
        str(world_a.members["council"]),
        "Essex Police",
    ]
    body = {f: str(getattr(lcspr, f)) for f in services.DECISION_FIELDS}
    changed = api(world_a.person("business")).post(
        f"{base}/decision/", {**body, "reviewer_name": "Someone Else"}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["decision_sign_off"]["signed"] == 0
