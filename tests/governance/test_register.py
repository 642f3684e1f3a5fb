"""The documents register: documents and their versions, the partners' sign-off of a version
(each signing member once, by its seat holder at the level set for the kind), changes after
signing withdrawing the signatures, publication with its next review date, and that date's clock
in the deadline engine. Through the services, the pages and the API."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from governance import services
from governance.models import DocumentKind, DocumentSignature, DocumentVersion, VersionStatus
from lscp import deadlines
from lscp.models import ActivityEvent, Escalation, OutboxEmail
from lscp.roles import Role
from lscp.states import StaleVersion, StateError
from partners import services as partner_services
from partners.models import MemberKind, Sector, SigningPolicy
from tests.support.world import add_person, organisation

pytestmark = pytest.mark.django_db

SIGNERS = {"council": "council_lsp", "police": "police_lsp", "health": "health_lsp"}


def on(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 10), tick=False)


def events(world, prefix: str) -> list[str]:
    return list(
        ActivityEvent.objects.for_partnership(world.partnership)
        .filter(event__startswith=prefix)
        .order_by("id")
        .values_list("event", flat=True)
    )


def emails(world, key_part: str) -> list[OutboxEmail]:
    return list(OutboxEmail.objects.for_partnership(world.partnership).filter(key__contains=key_part).order_by("id"))


def arrangements(world, **kwargs) -> DocumentVersion:
    document = services.document_add(world.ctx(), kind=DocumentKind.ARRANGEMENTS, title="Safeguarding arrangements")
    values = {"number": "1.0", "summary": "First", "link": "https://example.org/a.pdf", **kwargs}
    return services.version_add(world.ctx(), document, **values)


def signed_by_all(world, version) -> DocumentVersion:
    version = services.send_for_sign_off(world.ctx(), version)
    for who in SIGNERS.values():
        services.sign(world.ctx(who), version)
    version.refresh_from_db()
    return version


# ----------------------------------------------------------------------------------------------
# Documents and versions


def test_a_version_needs_its_number_and_a_web_link_and_numbers_are_unique(world_a):
    document = services.document_add(world_a.ctx(), kind=DocumentKind.THRESHOLD_DOCUMENT, title="Threshold document")
    with pytest.raises(ValidationError) as error:
        services.version_add(world_a.ctx(), document, number=" ", link="javascript:alert(1)")
    assert error.value.message_dict == {
        "number": ["Enter the version number"],
        "link": ["Enter the link as a web address, starting https://"],
    }
    version = services.version_add(world_a.ctx(), document, number="3.1", link="https://example.org/t.pdf")
    assert (version.status, version.version) == (VersionStatus.DRAFT, 1)
    assert events(world_a, "governance_document.") == ["governance_document.added"]
    assert events(world_a, "document_version.") == ["document_version.added"]


def test_one_version_is_in_progress_at_a_time(world_a):
    version = arrangements(world_a)
    with pytest.raises(StateError, match=r"Version 1\.0 of Safeguarding arrangements is still in progress"):
        services.version_add(world_a.ctx(), version.document, number="2.0")


def test_only_the_business_unit_keeps_the_register(world_a):
    for who in ("agency", "council", "scrutineer"):
        with pytest.raises(PermissionDenied):
            services.document_add(world_a.ctx(who), kind=DocumentKind.OTHER, title="Mine")


def test_a_stale_version_is_refused(world_a):
    version = arrangements(world_a)
    services.version_save(world_a.ctx(), version, expected_version=1, summary="Theirs")
    with pytest.raises(StaleVersion):
        services.version_save(world_a.ctx(), version, expected_version=1, summary="Mine")
    version.refresh_from_db()
    assert version.summary == "Theirs"


# ----------------------------------------------------------------------------------------------
# Sign-off


def test_a_draft_is_sent_for_sign_off_only_with_its_document(world_a):
    version = arrangements(world_a, link="")
    with pytest.raises(ValidationError) as error:
        services.send_for_sign_off(world_a.ctx(), version)
    assert error.value.message_dict == {
        "file": ["Upload the document, or give its link, before sending it for sign-off"]
    }
    services.version_save(world_a.ctx(), version, link="https://example.org/a.pdf")
    version = services.send_for_sign_off(world_a.ctx(), version)
    assert version.status == VersionStatus.AWAITING_SIGN_OFF
    [email] = emails(world_a, f"document-version:{version.pk}:sign-off")
    signers = sorted(world_a.person(who).email for who in SIGNERS.values())
    assert sorted(d.recipient for d in email.deliveries.all()) == signers
    assert "waiting for your signature" in email.subject
    with pytest.raises(StateError, match="already been sent for sign-off"):
        services.send_for_sign_off(world_a.ctx(), version)


def test_each_signing_member_signs_once_and_the_last_signature_makes_it_signed(world_a):
    version = services.send_for_sign_off(world_a.ctx(), arrangements(world_a))
    first = services.sign(world_a.ctx(SIGNERS["council"]), version)
    assert (first.member, first.person, first.document_version) == (
        world_a.members["council"],
        world_a.person(SIGNERS["council"]),
        version,
    )
    assert first.level == "lsp" and first.at is not None
    assert first.seat.membership == world_a.people[SIGNERS["council"]] and first.signed_version == version.version
    with pytest.raises(StateError, match=r"has already signed version 1\.0"):
        services.sign(world_a.ctx(SIGNERS["council"]), version)
    services.sign(world_a.ctx(SIGNERS["police"]), version)
    version.refresh_from_db()
    assert version.status == VersionStatus.AWAITING_SIGN_OFF
    services.sign(world_a.ctx(SIGNERS["health"]), version)
    version.refresh_from_db()
    assert version.status == VersionStatus.SIGNED
    assert events(world_a, "document_version.signed") == ["document_version.signed"] * 3 + [
        "document_version.signed_by_all"
    ]
    business = world_a.person("business").email
    signed_emails = emails(world_a, f"document-version:{version.pk}:signature:")
    assert len(signed_emails) == 3 and all(e.deliveries.get().recipient == business for e in signed_emails)
    assert "it can be published" in signed_emails[-1].body


@pytest.mark.parametrize("who", ["business", "agency", "scrutineer", "council"])
def test_only_a_seat_holder_at_the_level_signs(world_a, who):
    """The LSPs sign the arrangements (WT2023's default): the council's DSP ("council") may not."""
    version = services.send_for_sign_off(world_a.ctx(), arrangements(world_a))
    with pytest.raises(PermissionDenied):
        services.sign(world_a.ctx(who), version)
    assert not DocumentSignature.objects.for_partnership(world_a.partnership).exists()


def test_the_partnerships_policy_decides_which_seat_signs(world_a):
    """The business unit chose the DSPs for the arrangements: the council's DSP signs, in the DSP
    seat, and the LSP may not."""
    SigningPolicy.objects.for_partnership(world_a.partnership).create(
        partnership=world_a.partnership, levels={"arrangements": "dsp"}
    )
    version = services.send_for_sign_off(world_a.ctx(), arrangements(world_a))
    [email] = emails(world_a, f"document-version:{version.pk}:sign-off")
    assert sorted(d.recipient for d in email.deliveries.all()) == sorted(
        world_a.person(who).email for who in ("council", "police", "health")
    )
    with pytest.raises(PermissionDenied):
        services.sign(world_a.ctx("council_lsp"), version)
    signature = services.sign(world_a.ctx("council"), version)
    assert (signature.member, signature.level) == (world_a.members["council"], "dsp")


def test_a_partnership_with_two_councils_needs_both(world_a):
    """Several local authorities: each current statutory partner member signs."""
    second = partner_services.member_add(
        ctx=world_a.ctx(),
        organisation=organisation("Second Borough Council", Sector.COUNCIL),
        kind=MemberKind.STATUTORY_PARTNER,
        statutory_role="council",
    )
    world_a.people["second_lsp"] = add_person(world_a, "second-lsp", role=Role.LSP, member=second)
    version = signed_by_all(world_a, arrangements(world_a))
    assert version.status == VersionStatus.AWAITING_SIGN_OFF
    with pytest.raises(StateError, match="waiting for Second Borough Council"):
        services.publish(world_a.ctx(), version, published_on=dt.date(2025, 9, 1), next_review_on=dt.date(2026, 9, 1))
    services.sign(world_a.ctx("second_lsp"), version)
    version.refresh_from_db()
    assert version.status == VersionStatus.SIGNED


def test_a_version_changed_since_it_was_read_is_not_signed(world_a):
    """A signer reads version 1.0 (its edit 2), the business unit changes it before they sign: the
    signature is refused as stale, never given to text they did not read."""
    version = services.send_for_sign_off(world_a.ctx(), arrangements(world_a))
    read = version.version
    services.version_save(world_a.ctx(), version, summary="A change while the signer reads")
    with pytest.raises(StaleVersion):
        services.sign(world_a.ctx(SIGNERS["council"]), version, expected_version=read)
    assert not DocumentSignature.objects.for_partnership(world_a.partnership).exists()
    version.refresh_from_db()
    signature = services.sign(world_a.ctx(SIGNERS["council"]), version, expected_version=version.version)
    assert signature.signed_version == version.version == read + 1


def test_a_draft_is_not_signed(world_a):
    version = arrangements(world_a)
    with pytest.raises(StateError, match="has not been sent for sign-off yet"):
        services.sign(world_a.ctx(SIGNERS["council"]), version)


def test_changing_a_signed_version_withdraws_its_signatures_with_the_reason(world_a):
    version = signed_by_all(world_a, arrangements(world_a))
    version = services.version_save(world_a.ctx(), version, summary="A late change to the scrutiny plans")
    assert version.status == VersionStatus.AWAITING_SIGN_OFF
    signatures = DocumentSignature.objects.for_partnership(world_a.partnership).filter(document_version=version)
    assert signatures.count() == 3 and not signatures.filter(withdrawn_at__isnull=True).exists()
    reason = f"Version 1.0 was changed by {world_a.person('business').get_full_name()}"
    assert set(signatures.values_list("withdrawn_reason", flat=True)) == {reason}
    assert "document_version.signatures_withdrawn" in events(world_a, "document_version.")
    [email] = emails(world_a, f"document-version:{version.pk}:withdrawn")
    assert sorted(d.recipient for d in email.deliveries.all()) == sorted(
        world_a.person(who).email for who in SIGNERS.values()
    )
    with pytest.raises(StateError, match="cannot be published until every partner has signed it"):
        services.publish(world_a.ctx(), version, published_on=dt.date(2025, 9, 1), next_review_on=dt.date(2026, 9, 1))
    # ...and each signs the changed version again.
    services.sign(world_a.ctx(SIGNERS["council"]), version)
    assert signatures.filter(withdrawn_at__isnull=True).count() == 1


# ----------------------------------------------------------------------------------------------
# Publication and the next review's clock


def test_publishing_waits_for_every_signing_member(world_a):
    version = services.send_for_sign_off(world_a.ctx(), arrangements(world_a))
    services.sign(world_a.ctx(SIGNERS["council"]), version)
    with pytest.raises(StateError) as refused:
        services.publish(world_a.ctx(), version, published_on=dt.date(2025, 9, 1), next_review_on=dt.date(2026, 9, 1))
    assert str(refused.value) == (
        "Version 1.0 cannot be published until every partner has signed it: waiting for "
        f"{world_a.members['police'].organisation}, {world_a.members['health'].organisation}"
    )


def test_the_review_date_follows_the_publication_date(world_a):
    version = signed_by_all(world_a, arrangements(world_a))
    with pytest.raises(ValidationError) as error:
        services.publish(world_a.ctx(), version, published_on=dt.date(2025, 9, 1), next_review_on=dt.date(2025, 9, 1))
    assert error.value.message_dict == {"next_review_on": ["The next review date must be after the publication date"]}


def test_a_published_version_starts_its_review_clock_and_the_next_version_meets_it(world_a):
    with on(dt.date(2025, 9, 1)):
        version = signed_by_all(world_a, arrangements(world_a))
        version = services.publish(
            world_a.ctx(), version, published_on=dt.date(2025, 9, 1), next_review_on=dt.date(2026, 9, 1)
        )
    [clock] = deadlines.clocks_for(version)
    assert (clock.kind, clock.starts_on, clock.due_date, clock.met_on) == (
        "document_review",
        dt.date(2025, 9, 1),
        dt.date(2026, 9, 1),
        None,
    )
    with pytest.raises(StateError, match="is published: add a new version"):
        services.version_save(world_a.ctx(), version, summary="x")
    with on(dt.date(2026, 8, 3)):
        second = services.version_add(world_a.ctx(), version.document, number="2.0", link="https://example.org/b.pdf")
        second = signed_by_all(world_a, second)
        services.publish(world_a.ctx(), second, published_on=dt.date(2026, 8, 3), next_review_on=dt.date(2027, 8, 3))
    clock.refresh_from_db()
    version.refresh_from_db()
    assert (clock.met_on, version.superseded_on) == (dt.date(2026, 8, 3), dt.date(2026, 8, 3))
    [new_clock] = deadlines.clocks_for(second)
    assert (new_clock.due_date, new_clock.met_on) == (dt.date(2027, 8, 3), None)
    assert events(world_a, "document_version.published") == ["document_version.published"] * 2


def test_an_overdue_review_is_escalated_like_any_clock(world_a, as_user):
    with on(dt.date(2025, 9, 1)):
        version = services.publish(
            world_a.ctx(),
            signed_by_all(world_a, arrangements(world_a)),
            published_on=dt.date(2025, 9, 1),
            next_review_on=dt.date(2026, 9, 1),
        )
    [clock] = deadlines.clocks_for(version)
    queued = []
    deadlines.sweep(today=dt.date(2026, 9, 2), dispatch=queued.extend)
    assert clock.pk in queued
    assert deadlines.escalate([clock.pk], today=dt.date(2026, 9, 2)) == 1
    step = Escalation.objects.for_partnership(world_a.partnership).get(deadline=clock, superseded=False)
    assert step.step == Escalation.Step.OVERDUE
    assert "Overdue: review the published document" in step.email.subject
    recipients = {d.recipient for d in step.email.deliveries.all()}
    assert world_a.person("business").email in recipients
    with on(dt.date(2026, 9, 2)):
        home = as_user(world_a.people["business"]).get(reverse("partnership-home", args=[world_a.slug]))
    assert "Review the published document: Safeguarding arrangements, version 1.0" in home.content.decode()


def test_other_documents_are_published_without_signatures(world_a):
    document = services.document_add(world_a.ctx(), kind=DocumentKind.OTHER, title="Escalation protocol")
    version = services.version_add(world_a.ctx(), document, number="1", link="https://example.org/e.pdf")
    with pytest.raises(StateError, match="need no sign-off"):
        services.send_for_sign_off(world_a.ctx(), version)
    with on(dt.date(2025, 9, 1)):
        version = services.publish(
            world_a.ctx(), version, published_on=dt.date(2025, 9, 1), next_review_on=dt.date(2027, 9, 1)
        )
    assert version.status == VersionStatus.PUBLISHED
