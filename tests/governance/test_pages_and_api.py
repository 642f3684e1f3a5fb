"""The documents register's pages and API: the list (paginated and logged), a document's page
with its versions and signatures, the forms' errors by their fields with the input kept, the
sign page only for the seats that sign, and the API's writes over the same services."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from governance import services
from governance.models import DocumentKind, DocumentSignature, DocumentVersion, GovernanceDocument, VersionStatus
from lscp.models import ActivityEvent
from tests.support import queries
from tests.support.clients import error_by_field
from tests.support.makers_governance import COUNCIL_SIGNER
from tests.support.makers_reviews import PDF_BYTES

pytestmark = pytest.mark.django_db

SIGNERS = ["council_lsp", "police_lsp", "health_lsp"]
PDF = PDF_BYTES


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def text(response) -> str:
    return text_of(response.content.decode())


def test_the_register_lists_documents_with_their_version_in_force(world_a, as_user):
    version = world_a.objects[DocumentVersion]
    for who in SIGNERS:
        services.sign(world_a.ctx(who), version)
    with time_machine.travel(dt.datetime(2025, 9, 1, 10), tick=False):
        services.publish(world_a.ctx(), version, published_on=dt.date(2025, 9, 1), next_review_on=dt.date(2026, 9, 1))
    page = as_user(world_a.people["agency"]).get(reverse("governance-document-list", args=[world_a.slug]))
    assert page.status_code == 200
    row = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*{version.document.title}.*?</tr>", page.content.decode(), re.S)
    cells = text_of(row.group(0))
    assert "1.0" in cells and "1 Sep 2025" in cells and "1 Sep 2026" in cells
    assert (
        ActivityEvent.objects.for_partnership(world_a.partnership)
        .filter(kind="read", event="governancedocument.listed", actor=world_a.person("agency"))
        .exists()
    )


def test_the_document_page_shows_versions_signatures_and_who_is_waited_for(world_a, as_user):
    version = world_a.objects[DocumentSignature].document_version
    html = (
        as_user(world_a.people["scrutineer"])
        .get(reverse("governance-document-detail", args=[world_a.slug, version.document_id]))
        .content.decode()
    )
    page = text_of(html)
    council = world_a.members["council"].organisation
    assert f"Signed by {council}: {world_a.person(COUNCIL_SIGNER).get_full_name()}" in page
    assert f"Waiting for {world_a.members['police'].organisation}, {world_a.members['health'].organisation}" in page
    assert "/publish/" not in html and "/send/" not in html and "/change/" not in html  # the scrutineer reads


def test_the_version_form_says_what_is_wrong_by_each_field_and_keeps_the_input(world_a, as_user):
    client = as_user(world_a.people["business"])
    other = services.document_add(world_a.ctx(), kind=DocumentKind.THRESHOLD_DOCUMENT, title="Threshold document")
    url = reverse("governance-document-version-add", args=[world_a.slug, other.pk])
    response = client.post(
        url,
        {
            "number": "",
            "summary": "Levels of need rewritten",
            "link": "ftp://example.org/t.pdf",
            "file": SimpleUploadedFile("t.pdf", b"MZ not a pdf"),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert error_by_field(html, "id_number") == "Enter the version number"
    assert error_by_field(html, "id_file").startswith("The selected file must be a PDF")
    assert "Levels of need rewritten" in html
    response = client.post(
        url, {"number": "4.0", "summary": "Levels of need rewritten", "file": SimpleUploadedFile("t.pdf", PDF)}
    )
    assert response.status_code == 302
    version = DocumentVersion.objects.for_partnership(world_a.partnership).get(document=other)
    assert version.file.original_name == "t.pdf" and version.file.kind == "pdf"
    # The file is downloaded through the documents' one door, by whoever may read the register.
    download = as_user(world_a.people["agency"]).get(reverse("document-download", args=[world_a.slug, version.file_id]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize("who", ["business", "agency", "scrutineer", "council"])
def test_the_sign_page_is_for_the_seats_that_sign(world_a, as_user, who):
    version = world_a.objects[DocumentVersion]
    url = reverse("document-version-sign", args=[world_a.slug, version.pk])
    page = as_user(world_a.people[who]).get(url, follow=True)
    assert "Only the lead safeguarding partners sign this document" in text(page)
    assert as_user(world_a.people[who]).post(url, {"confirm": "on", "version": "2"}).status_code == 403
    assert not DocumentSignature.objects.for_partnership(world_a.partnership).exists()


def test_signing_on_the_page(world_a, as_user):
    version = world_a.objects[DocumentVersion]
    client = as_user(world_a.people["police_lsp"])
    url = reverse("document-version-sign", args=[world_a.slug, version.pk])
    page = client.get(url)
    assert page.status_code == 200 and f"You sign for {world_a.members['police'].organisation}" in text(page)
    missing = client.post(url, {"version": str(version.version)})
    assert (
        error_by_field(missing.content.decode(), "id_confirm") == "Confirm that you have read this version and sign it"
    )
    response = client.post(url, {"confirm": "on", "version": str(version.version)})
    assert response.status_code == 302
    signature = DocumentSignature.objects.for_partnership(world_a.partnership).get(document_version=version)
    assert signature.member == world_a.members["police"]


def test_publishing_too_early_is_refused_on_the_page_with_the_reason(world_a, as_user):
    version = world_a.objects[DocumentVersion]
    client = as_user(world_a.people["business"])
    response = client.get(reverse("document-version-publish", args=[world_a.slug, version.pk]), follow=True)
    assert "cannot be published until every partner has signed it" in text(response)


def test_the_register_list_runs_a_fixed_number_of_queries(world_a, as_user):
    client = as_user(world_a.people["business"])
    url = reverse("governance-document-list", args=[world_a.slug])

    def grow(n):
        for i in range(n):
            document = services.document_add(world_a.ctx(), kind=DocumentKind.OTHER, title=f"Protocol {i}-{n}")
            services.version_add(world_a.ctx(), document, number="1", link="https://example.org/p.pdf")

    grow(2)
    small = queries.get(client, url)
    grow(10)
    large = queries.get(client, url)
    queries.assert_constant(small, large, ceiling=8, what="documents register")


# ----------------------------------------------------------------------------------------------
# The API


def test_api_the_register_from_a_document_to_its_publication(world_a, api):
    business = api(world_a.people["business"])
    base = f"/api/v1/{world_a.slug}/governance-documents/"
    created = business.post(base, {"kind": "threshold_document", "title": "Threshold document"}, format="json")
    assert created.status_code == 201 and created.json()["versions"] == []
    document_id = created.json()["id"]
    bad = business.post(f"{base}{document_id}/versions/", {"number": "", "link": "nope"}, format="json")
    assert bad.status_code == 400 and set(bad.json()) == {"number", "link"}
    added = business.post(
        f"{base}{document_id}/versions/",
        {"number": "2.0", "summary": "Rewritten", "file": SimpleUploadedFile("t.pdf", PDF)},
        format="multipart",
    )
    assert added.status_code == 201, added.json()
    version = added.json()
    assert version["status"] == "draft" and version["file"] is not None
    url = f"{base}versions/{version['id']}/"
    stale = business.patch(url, {"summary": "Mine", "version": version["version"] + 1}, format="json")
    assert stale.status_code == 409, stale.json()
    sent = business.post(f"{url}send-for-sign-off/", {"version": version["version"]}, format="json")
    assert sent.status_code == 200 and sent.json()["status"] == "awaiting_sign_off"
    assert business.post(f"{url}signatures/").status_code == 403
    state = api(world_a.people["council_lsp"]).get(f"{url}signatures/").json()
    stale = api(world_a.people["council_lsp"]).post(f"{url}signatures/", {"version": 1}, format="json")
    assert stale.status_code == 409 and "changed by someone else" in stale.json()["detail"]
    assert state["level"] == "lsp" and state["you_may_sign"] and len(state["waiting_for"]) == 3
    early = business.post(
        f"{url}publish/", {"published_on": "2025-09-01", "next_review_on": "2026-09-01"}, format="json"
    )
    assert early.status_code == 409 and "until every partner has signed" in early.json()["detail"]
    for who in SIGNERS:
        signed = api(world_a.people[who]).post(f"{url}signatures/")
        assert signed.status_code == 200, signed.json()
    assert signed.json()["status"] == VersionStatus.SIGNED
    assert [s["seat"] for s in signed.json()["signatures"]] == ["lsp"] * 3
    again = api(world_a.people["police_lsp"]).post(f"{url}signatures/")
    assert again.status_code == 409
    with time_machine.travel(dt.datetime(2025, 9, 1, 10), tick=False):
        published = business.post(
            f"{url}publish/", {"published_on": "2025-09-01", "next_review_on": "2026-09-01"}, format="json"
        )
    assert published.status_code == 200 and published.json()["status"] == "published"
    detail = business.get(f"{base}{document_id}/").json()
    assert detail["current_version"] == "2.0" and detail["versions"][0]["next_review_on"] == "2026-09-01"
    listed = api(world_a.people["scrutineer"]).get(base).json()
    assert any(row["id"] == document_id and row["current_version"] == "2.0" for row in listed["results"])


def test_api_scrutineer_and_agency_write_nothing_in_the_register(world_a, api):
    base = f"/api/v1/{world_a.slug}/governance-documents/"
    for who in ("agency", "scrutineer"):
        assert api(world_a.people[who]).post(base, {"kind": "other", "title": "x"}, format="json").status_code == 403
    assert not GovernanceDocument.objects.for_partnership(world_a.partnership).filter(title="x").exists()


def test_home_lists_the_versions_waiting_for_my_seats_signature(world_a, as_user):
    version = world_a.objects[DocumentSignature].document_version  # the council's LSP has signed
    home = reverse("partnership-home", args=[world_a.slug])
    police = text(as_user(world_a.people["police_lsp"]).get(home))
    assert "Documents waiting for your signature" in police and f"Sign {version}" in police
    council = text(as_user(world_a.people["council_lsp"]).get(home))
    assert f"Sign {version}" not in council  # signed already
    assert f"Sign {version}" not in text(as_user(world_a.people["police"]).get(home))  # a DSP does not sign it


def test_the_register_api_list_runs_a_fixed_number_of_queries(world_a, api):
    client = api(world_a.people["business"])
    url = f"/api/v1/{world_a.slug}/governance-documents/"

    def grow(n):
        for i in range(n):
            document = services.document_add(world_a.ctx(), kind=DocumentKind.OTHER, title=f"Protocol {i}-{n}")
            services.version_add(world_a.ctx(), document, number="1", link="https://example.org/p.pdf")

    grow(2)
    small = queries.get(client, url)
    grow(10)
    large = queries.get(client, url)
    queries.assert_constant(small, large, ceiling=5, what="documents register API")


def test_the_versions_api_list_runs_a_fixed_number_of_queries(world_a, api):
    client = api(world_a.people["business"])
    url = f"/api/v1/{world_a.slug}/governance-documents/versions/"

    def grow(n):
        for i in range(n):
            document = services.document_add(world_a.ctx(), kind=DocumentKind.THRESHOLD_DOCUMENT, title=f"T {i}-{n}")
            version = services.version_add(world_a.ctx(), document, number="1", link="https://example.org/t.pdf")
            services.sign(world_a.ctx("council_lsp"), services.send_for_sign_off(world_a.ctx(), version))

    grow(2)
    small = queries.get(client, url)
    grow(10)
    large = queries.get(client, url)
    queries.assert_constant(small, large, ceiling=6, what="document versions API")
