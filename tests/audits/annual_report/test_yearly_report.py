"""The yearly report (Working Together 2023): the sections it must have, the independent
scrutineer's commentary (the scrutineer's only write), the lead safeguarding partners' sign-off in
the documents register before publication (a change withdraws the signatures given; a published
report changes only in a new version), and the PDF carrying the sections and the signatures."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from pypdf import PdfReader

from audits.annual_report import selectors as annual_report_selectors
from audits.annual_report import services as annual_report_services
from audits.models import AnnualReport
from governance import services as governance
from governance.models import DocumentKind, DocumentSignature, DocumentVersion, GovernanceDocument, VersionStatus
from lscp.models import ActivityEvent
from lscp.states import StateError
from tests.support.makers_governance import COUNCIL_SIGNER, lsps

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def partners_lsps(world_a):
    """The three partners' LSPs, who sign the yearly report."""
    lsps(world_a)


SIGNERS = ["council_lsp", "police_lsp", "health_lsp"]


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def in_register(world, report) -> DocumentVersion:
    document = governance.yearly_report_register(world.ctx(), report)
    return DocumentVersion.objects.for_partnership(world.partnership).get(document=document)


def test_the_yearly_report_has_working_together_2023s_sections(world_a):
    report = annual_report_services.annual_report_save(
        world_a.ctx(),
        world_a.objects[AnnualReport],
        review_impact="Two rapid reviews changed how neglect is assessed.",
        recommendation_decisions="All the Panel's recommendations on bruising in non-mobile babies were accepted.",
        impact_evidence="Re-referrals fell.",
        little_progress="Transitions to adult services.",
        children_views="Young people's panel reviewed the threshold document.",
    )
    context = annual_report_selectors.annual_report_context(world_a.ctx(), report)
    headings = [section.heading for section in context["sections"]]
    for heading in (
        "Practice reviews: what was done and its impact",
        "Decisions on local and national review recommendations",
        "Evidence of impact",
        "Areas where there has been little progress",
        "How children's and families' views were used",
    ):
        assert heading in headings
    assert "The independent scrutineer's commentary" not in headings  # not written yet


def test_only_the_scrutineer_writes_the_commentary(world_a, as_user, api):
    report = world_a.objects[AnnualReport]
    for who in ("business", "agency", COUNCIL_SIGNER):
        with pytest.raises(PermissionDenied):
            annual_report_services.scrutineer_commentary_save(world_a.ctx(who), report, commentary="Mine")
    url = reverse("annual-report-commentary", args=[world_a.slug, report.pk])
    assert as_user(world_a.people["business"]).post(url, {"commentary": "x", "version": "1"}).status_code == 403
    response = as_user(world_a.people["scrutineer"]).post(
        url, {"commentary": "The partners listened to challenge.", "version": str(report.version)}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.scrutineer_commentary == "The partners listened to challenge."
    event = ActivityEvent.objects.for_partnership(world_a.partnership).get(event="annual_report.commentary_saved")
    assert event.actor_id == world_a.person("scrutineer").pk and "listened" not in str(event.changes)
    # The API: the scrutineer's commentary with the version read; a stale one is 409.
    client = api(world_a.people["scrutineer"])
    base = f"/api/v1/{world_a.slug}/annual-reports/{report.pk}/"
    stale = client.post(f"{base}commentary/", {"commentary": "Old read", "version": 1}, format="json")
    assert stale.status_code == 409
    saved = client.post(f"{base}commentary/", {"commentary": "Revised.", "version": report.version}, format="json")
    assert saved.status_code == 200 and saved.json()["scrutineer_commentary"] == "Revised."
    assert api(world_a.people["business"]).post(f"{base}commentary/", {"commentary": "x"}).status_code == 403
    # ...and the scrutineer still changes nothing else.
    assert (
        as_user(world_a.people["scrutineer"])
        .post(reverse("annual-report-edit", args=[world_a.slug, report.pk]), {"title": "x"})
        .status_code
        == 403
    )


def test_the_report_is_signed_by_the_lsps_in_the_register_and_a_change_withdraws_their_signatures(world_a):
    report = world_a.objects[AnnualReport]
    version = in_register(world_a, report)
    assert version.document.kind == DocumentKind.YEARLY_REPORT and version.document.annual_report == report
    assert governance.yearly_report_register(world_a.ctx(), report) == version.document  # asked twice, the same
    version = governance.send_for_sign_off(world_a.ctx(), version)
    for who in SIGNERS:
        governance.sign(world_a.ctx(who), version)
    version.refresh_from_db()
    assert version.status == VersionStatus.SIGNED
    annual_report_services.scrutineer_commentary_save(world_a.ctx("scrutineer"), report, commentary="Late words.")
    version.refresh_from_db()
    assert version.status == VersionStatus.AWAITING_SIGN_OFF
    withdrawn = DocumentSignature.objects.for_partnership(world_a.partnership).filter(document_version=version)
    assert set(withdrawn.values_list("withdrawn_reason", flat=True)) == {
        f"The yearly report was changed by {world_a.person('scrutineer').get_full_name()}"
    }
    with pytest.raises(StateError, match="until every partner has signed it"):
        governance.publish(world_a.ctx(), version, published_on=dt.date(2025, 9, 1), next_review_on=dt.date(2026, 9, 1))


def test_a_published_report_changes_only_in_a_new_version(world_a, as_user):
    report = world_a.objects[AnnualReport]
    version = governance.send_for_sign_off(world_a.ctx(), in_register(world_a, report))
    for who in SIGNERS:
        governance.sign(world_a.ctx(who), version)
    with time_machine.travel(dt.datetime(2025, 9, 1, 10), tick=False):
        governance.publish(world_a.ctx(), version, published_on=dt.date(2025, 9, 1), next_review_on=dt.date(2026, 9, 1))
    with pytest.raises(StateError, match="This yearly report is published"):
        annual_report_services.annual_report_save(world_a.ctx(), report, foreword="Changed after publication")
    edit = as_user(world_a.people["business"]).get(
        reverse("annual-report-edit", args=[world_a.slug, report.pk]), follow=True
    )
    assert "This yearly report is published" in edit.content.decode()
    governance.version_add(world_a.ctx(), version.document, number="2", summary="Corrected figures")
    report = annual_report_services.annual_report_save(world_a.ctx(), report, foreword="Corrected")
    assert report.foreword == "Corrected"


def test_the_pdf_carries_the_commentary_and_the_signatures(world_a):
    report = annual_report_services.scrutineer_commentary_save(
        world_a.ctx("scrutineer"), world_a.objects[AnnualReport], commentary="The partnership knows itself well."
    )
    version = governance.send_for_sign_off(world_a.ctx(), in_register(world_a, report))
    governance.sign(world_a.ctx(COUNCIL_SIGNER), version)
    text = pdf_text(annual_report_selectors.annual_report_pdf(world_a.ctx(), report))
    assert "The independent scrutineer's commentary" in text.replace("’", "'")
    assert "The partnership knows itself well." in text
    assert "Sign-off by the lead safeguarding partners" in text
    council = world_a.members["council"].organisation.name
    assert council in text and world_a.person(COUNCIL_SIGNER).get_full_name() in text
    assert f"Waiting for: {world_a.members['police'].organisation}" in text


def test_the_report_pages_say_yearly_report(world_a, as_user):
    client = as_user(world_a.people["business"])
    listing = client.get(reverse("annual-report-list", args=[world_a.slug])).content.decode()
    assert '<h1 class="govuk-heading-l">Yearly reports</h1>' in listing and "Annual report" not in listing
    report = world_a.objects[AnnualReport]
    page = client.get(reverse("annual-report-detail", args=[world_a.slug, report.pk])).content.decode()
    assert "Put it in the documents register for sign-off" in page
    response = client.post(reverse("annual-report-register", args=[world_a.slug, report.pk]))
    document = GovernanceDocument.objects.for_partnership(world_a.partnership).get(annual_report=report)
    assert response["Location"] == reverse("governance-document-detail", args=[world_a.slug, document.pk])
    assert client.get(reverse("annual-report-register", args=[world_a.slug, report.pk])).status_code == 405
