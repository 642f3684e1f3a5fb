"""Rapid reviews in depth: requests for information and agency summaries, the meeting record and
decision, three-partner sign-off, the PDF for the Panel, the timeline (LCSPRs: tests/reviews/lcspr/)."""

import datetime as dt
import html as html_lib
import io
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from rest_framework.test import APIClient

from lscp import deadlines, outbox
from lscp.models import ActivityEvent, Document, OutboxEmail
from lscp.roles import Role
from lscp.states import StateError
from partners import services as partner_services
from partners.models import Sector
from reviews.models import InformationRequest, SignOff
from reviews.notifications import services
from reviews.rapid_review import selectors as rapid_selectors
from reviews.rapid_review import services as rapid
from tests.support import queries
from tests.support.clients import error_by_field
from tests.support.makers_reviews import PDF_BYTES, child, criteria, meeting, signed_off, started
from tests.support.world import add_person, organisation

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def ask(world, notification, *who, days=5):
    members = [world.members[w] for w in who]
    return rapid.request_information(
        world.ctx(), notification, members=members, reply_by=TODAY() + dt.timedelta(days=days)
    )


def answer(world, request, who="agency", submit=True, **overrides):
    values = dict(
        involvement="Health visiting twice.",
        immediate_actions="Case reviewed.",
        learning="Share earlier.",
        chronology=[{"date": TODAY() - dt.timedelta(days=40), "event": "Home visit", "agency_action": "Referral made"}],
    )
    values.update(overrides)
    return rapid.save_agency_summary(world.ctx(who), request, submit=submit, **values)


def api(person):
    client = APIClient()
    client.force_authenticate(person)
    return client


@pytest.fixture
def police_lead(world_a):
    """An agency lead for Essex Police (a statutory partner's agency lead answers requests too)."""
    return add_person(world_a, "policelead", role=Role.AGENCY_LEAD, member=world_a.members["police"])


# ----------------------------------------------------------------------------------------------
# Requests for information and agency summaries


def test_requests_email_the_agency_leads_and_run_a_clock_to_the_reply_by_date(world_a):
    notification = started(world_a)
    [request] = ask(world_a, notification, "agency", days=6)
    clock = deadlines.clocks_for(request)[0]
    assert clock.due_date == request.reply_by and clock.status_on(TODAY()) == "open"
    assert clock.explanation.startswith(f"due {request.reply_by:%a %-d %b %Y}: the reply-by date")
    email = OutboxEmail.objects.for_partnership(world_a.partnership).get(key=f"information-request:{request.pk}:sent")
    assert email.to == [world_a.person("agency").email]
    assert "Child Q" not in email.body
    with pytest.raises(ValidationError) as error:
        ask(world_a, notification, "agency")
    assert error.value.message_dict == {"members": ["Every organisation chosen has already been asked"]}
    with pytest.raises(ValidationError) as error:
        rapid.request_information(
            world_a.ctx(), notification, members=[world_a.members["police"]], reply_by=TODAY() - dt.timedelta(days=1)
        )
    assert error.value.message_dict["reply_by"] == ["The reply-by date must be today or in the future"]


def test_a_draft_then_a_submission_that_locks_and_a_reopen(world_a):
    notification = started(world_a)
    [request] = ask(world_a, notification, "agency")
    draft = answer(world_a, request, submit=False, learning="")
    assert draft.status == "draft" and deadlines.clocks_for(draft)[0].met_on is None
    with pytest.raises(ValidationError) as error:
        answer(world_a, draft, learning="")
    assert "learning" in error.value.message_dict
    submitted = answer(world_a, draft)
    assert submitted.status == "submitted" and deadlines.clocks_for(submitted)[0].met_on == TODAY()
    assert list(submitted.chronology.values_list("event", flat=True)) == ["Home visit"]
    with pytest.raises(StateError, match="is locked"):
        answer(world_a, submitted, learning="Changed")
    with pytest.raises(ValidationError):
        rapid.reopen_agency_summary(world_a.ctx(), submitted, reason="")
    reopened = rapid.reopen_agency_summary(world_a.ctx(), submitted, reason="Please add the GP's involvement")
    again = answer(world_a, reopened, involvement="Health visiting and GP.")
    assert again.status == "submitted" and again.involvement == "Health visiting and GP."


def test_a_summary_submitted_on_or_before_its_reply_by_date_meets_its_clock_and_is_nobodys_overdue_task(
    world_a, as_user
):
    """Issue 14 §3: summaries submitted on time showed "Overdue" on the home pages. One submitted on
    its reply-by date and one recorded as submitted before it meet their clocks on those days; the
    one never answered is the only overdue one."""
    with time_machine.travel(dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC), tick=False):
        notification = started(world_a)
        on_the_day, early, never = ask(world_a, notification, "agency", "police", "health", days=4)
        reply_by = on_the_day.reply_by
    with time_machine.travel(dt.datetime(2026, 11, 6, 16, tzinfo=dt.UTC), tick=False):
        assert TODAY() == reply_by
        answer(world_a, on_the_day)
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC), tick=False):
        police_lead = add_person(world_a, "policelead", role=Role.AGENCY_LEAD, member=world_a.members["police"])
        world_a.people["policelead"] = police_lead
        for wrong in (dt.date(2026, 11, 1), dt.date(2026, 11, 21)):
            with pytest.raises(ValidationError) as error:
                answer(world_a, early, who="policelead", submitted_on=wrong)
            assert list(error.value.message_dict) == ["submitted_on"]
        answer(world_a, early, who="policelead", submitted_on=dt.date(2026, 11, 4))
        for request, met_on in ((on_the_day, reply_by), (early, dt.date(2026, 11, 4)), (never, None)):
            [clock] = deadlines.clocks_for(request)
            assert clock.met_on == met_on and clock.due_date == reply_by
            assert clock.status_on(TODAY()) == ("overdue" if met_on is None else "met")
        for who in ("business", "council", "police", "health"):
            page = as_user(world_a.people[who]).get(f"/{world_a.slug}/").content.decode()
            assert f"{notification.reference} ({never.member})" in page, who
            for request in (on_the_day, early):
                assert f"{notification.reference} ({request.member})" not in page, (who, request.member)
        for lead in (world_a.people["agency"], police_lead):
            page = as_user(lead).get(f"/{world_a.slug}/").content.decode()
            assert f"Agency summary for {notification.reference}" not in page


def test_chronology_rows_are_checked_and_blank_rows_skipped(world_a):
    notification = started(world_a)
    [request] = ask(world_a, notification, "agency")
    with pytest.raises(ValidationError) as error:
        answer(
            world_a,
            request,
            chronology=[
                {"date": TODAY() + dt.timedelta(days=2), "event": "Later", "agency_action": ""},
                {"date": None, "event": "", "agency_action": ""},
                {"date": None, "event": "No date", "agency_action": ""},
            ],
        )
    assert error.value.message_dict["chronology"] == [
        "Chronology entry 1: the date must be today or in the past",
        "Chronology entry 3: enter the date",
    ]
    request.refresh_from_db()
    assert request.status == "requested" and request.chronology.count() == 0


def test_an_agency_lead_cannot_answer_another_organisations_request(world_a, police_lead, as_user):
    notification = started(world_a)
    requests = ask(world_a, notification, "agency", "police")
    nelft = next(r for r in requests if r.member == world_a.members["agency"])
    from django.http import Http404

    from lscp.tenancy import TenantContext

    police = TenantContext(partnership=world_a.partnership, user=police_lead.person, membership=police_lead)
    with pytest.raises(Http404):  # not theirs: the same answer as a request that does not exist
        rapid.save_agency_summary(
            police, nelft, involvement="x", immediate_actions="", learning="x", chronology=[], submit=True
        )
    client = as_user(police_lead)
    assert client.get(reverse("information-request-detail", args=[world_a.slug, nelft.pk])).status_code == 404
    response = client.post(
        reverse("information-request-detail", args=[world_a.slug, nelft.pk]),
        {
            "version": nelft.version,
            "involvement": "Mine",
            "learning": "x",
            "action": "submit",
            "chronology-TOTAL_FORMS": "0",
            "chronology-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 404
    nelft.refresh_from_db()
    assert nelft.status == "requested"
    listing = client.get(reverse("information-request-list", args=[world_a.slug])).content.decode()
    assert "Essex Police: agency summary" in listing and "NELFT: agency summary" not in listing


def field_value(html: str, name: str) -> str | None:
    """What the form field `name` shows (a text input's value, a textarea's text), None if absent."""
    textarea = re.search(rf'<textarea[^>]* name="{name}"[^>]*>\n?(.*?)</textarea>', html, re.S)
    if textarea:
        return html_lib.unescape(textarea.group(1))
    field = re.search(rf'<input[^>]* name="{name}"[^>]* value="([^"]*)"', html)
    return html_lib.unescape(field.group(1)) if field else None


def test_answering_on_the_page_with_a_document_and_bad_uploads(world_a, as_user):
    notification = started(world_a)
    [request] = ask(world_a, notification, "agency")
    client = as_user(world_a.people["agency"])
    url = reverse("information-request-detail", args=[world_a.slug, request.pk])
    form = {
        "version": request.version,
        "involvement": "Seen twice",
        "immediate_actions": "",
        "learning": "Share earlier",
        "chronology-TOTAL_FORMS": "3",
        "chronology-INITIAL_FORMS": "0",
        "chronology-0-date-day": "1",
        "chronology-0-date-month": "9",
        "chronology-0-date-year": "2026",
        "chronology-0-event": "Home visit",
        "chronology-0-agency_action": "Referral",
    }
    typed = {name: value for name, value in form.items() if name != "version" and "FORMS" not in name}
    for upload, message in [
        (
            SimpleUploadedFile("chronology.pdf", b"MZ\x90\x00 this is an executable"),
            "its contents are not one of these",
        ),
        (SimpleUploadedFile("huge.pdf", PDF_BYTES + b"0" * (21 * 1024 * 1024)), "smaller than 20 MB"),
    ]:
        response = client.post(url, {**form, "action": "submit", "document": upload})
        html = response.content.decode()
        assert message in error_by_field(html, "id_document")
        # Every answer is kept in its field, the chronology's row too.
        assert {name: field_value(html, name) for name in typed} == typed
        request.refresh_from_db()
        assert (
            request.status == "requested"
            and not Document.objects.for_partnership(world_a.partnership).filter(about_id=request.pk).exists()
        )
    response = client.post(
        url, {**form, "action": "submit", "document": SimpleUploadedFile("chronology.pdf", PDF_BYTES)}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "submitted" and request.chronology.get().event == "Home visit"
    document = Document.objects.for_partnership(world_a.partnership).get(about_id=request.pk)
    business = as_user(world_a.people["business"])
    assert business.get(reverse("document-download", args=[world_a.slug, document.pk])).status_code == 200
    reads = ActivityEvent.objects.for_partnership(world_a.partnership).filter(kind="view")
    business.get(url)
    assert reads.filter(
        event="informationrequest.viewed", object_id=str(request.pk), actor=world_a.person("business")
    ).exists()
    assert reads.filter(event="document.downloaded", object_id=str(document.pk)).exists()


# ----------------------------------------------------------------------------------------------
# The meeting record and the decision


def test_a_criterion_marked_met_needs_its_rationale(world_a):
    notification = started(world_a)
    with pytest.raises(ValidationError) as error:
        meeting(world_a, notification, criteria=criteria({"single_agency": ""}))
    assert error.value.message_dict == {
        "criterion_single_agency_rationale": ["Give the rationale: concerns about the actions of a single agency"]
    }
    with pytest.raises(ValidationError) as error:
        meeting(world_a, notification, criteria=criteria(), recommendation="lcspr")
    assert "mark the criteria it meets" in error.value.message_dict["recommendation"][0]
    assert rapid_selectors.rapid_review_for(notification) is None


def test_the_outcome_must_be_complete_before_it_goes_for_sign_off(world_a):
    notification = started(world_a)
    meeting(world_a, notification, criteria={"agencies_together": {"met": True, "rationale": "Yes"}}, learning="")
    with pytest.raises(ValidationError) as error:
        rapid.send_for_sign_off(world_a.ctx(), notification)
    assert "learning" in error.value.message_dict and "criterion_panel_view_met" in error.value.message_dict


def test_a_stale_save_of_an_agency_summary_keeps_the_typed_chronology(world_a, as_user):
    """Issue 11's named bug: two people of the organisation answer at once. The second save was
    made from an old read, so it is refused, and the page keeps everything they typed (their
    chronology too) with the version there is now, so that saving again is their informed choice."""
    notification = started(world_a)
    [request] = ask(world_a, notification, "agency")
    url = reverse("information-request-detail", args=[world_a.slug, request.pk])
    first = as_user(world_a.people["agency"])
    second = as_user(add_person(world_a, "agencycolleague", role=Role.AGENCY_LEAD, member=world_a.members["agency"]))
    day = timezone.localdate() - dt.timedelta(days=3)
    read = request.version  # what both of them read

    def form(who):
        return {
            "version": read,
            "involvement": f"{who} involvement",
            "immediate_actions": "",
            "learning": f"{who} learning",
            "chronology-TOTAL_FORMS": "1",
            "chronology-INITIAL_FORMS": "0",
            "chronology-0-date-day": str(day.day),
            "chronology-0-date-month": str(day.month),
            "chronology-0-date-year": str(day.year),
            "chronology-0-event": f"{who} home visit",
            "chronology-0-agency_action": f"{who} referral",
            "action": "save",
        }

    assert first.post(url, form("First")).status_code == 302
    request.refresh_from_db()
    saved_version = request.version
    response = second.post(url, form("Second"))
    html = response.content.decode()
    assert response.status_code == 200, "a stale save is shown again, not redirected away"
    assert "changed by someone else" in html
    assert field_value(html, "chronology-0-event") == "Second home visit"
    assert field_value(html, "chronology-0-agency_action") == "Second referral"
    assert field_value(html, "involvement") == "Second involvement"
    assert f'name="version" value="{saved_version}"' in html
    request.refresh_from_db()
    assert request.version == saved_version and request.involvement == "First involvement"
    assert [entry.event for entry in request.chronology.all()] == ["First home visit"]


def test_two_people_editing_the_meeting_record_at_once(world_a, as_user):
    notification = started(world_a)
    review = meeting(world_a, notification)
    url = reverse("rapid-review-meeting", args=[world_a.slug, notification.pk])
    first, second = (
        as_user(world_a.people["business"]),
        as_user(add_person(world_a, "colleague", role=Role.BUSINESS_UNIT)),
    )
    page = second.get(url).content.decode()
    assert f'name="version" value="{review.version}"' in page

    def form(learning):
        data = {
            "version": review.version,
            "meeting_date-day": "",
            "meeting_date-month": "",
            "meeting_date-year": "",
            "learning": learning,
            "recommendation": "lcspr",
            "recommendation_rationale": "Warranted",
            "attendees-TOTAL_FORMS": "0",
            "attendees-INITIAL_FORMS": "0",
        }
        for key, value in criteria({"agencies_together": "Agencies did not share"}).items():
            data[f"criterion_{key}_met"] = "yes" if value["met"] else "no"
            data[f"criterion_{key}_rationale"] = value["rationale"]
        return data

    assert first.post(url, form("First person's learning")).status_code == 302
    response = second.post(url, form("Second person's learning"))
    html = response.content.decode()
    assert "changed by someone else" in html
    assert "Second person&#x27;s learning" in html  # what they typed is kept...
    assert "First person&#x27;s learning" in html  # ...beside what the first person saved
    review.refresh_from_db()
    assert review.learning == "First person's learning"


# ----------------------------------------------------------------------------------------------
# Sign-off


def test_three_partners_sign_and_then_the_review_can_be_completed(world_a):
    # Frozen: the last two partners sign an hour after the first, which after 23:00 was tomorrow,
    # and completing the review on a signature date in the future was refused.
    with time_machine.travel(dt.datetime(2026, 11, 26, 10, tzinfo=dt.UTC), tick=False):
        notification = started(world_a)
        meeting(world_a, notification)
        with pytest.raises(StateError, match="not been sent for sign-off"):
            rapid.sign_off(world_a.ctx("council"), notification, decision="signed")
        rapid.send_for_sign_off(world_a.ctx(), notification)
        rapid.sign_off(world_a.ctx("council"), notification, decision="signed")
        with pytest.raises(StateError) as error:
            services.record_step(world_a.ctx(), notification, step="rapid_review_completed", on=None)
        assert str(error.value) == "Waiting for sign-off from Essex Police and Thurrock CCG."
        with time_machine.travel(dt.datetime(2026, 11, 26, 11, tzinfo=dt.UTC), tick=False):
            rapid.sign_off(world_a.ctx("police"), notification, decision="signed")
            rapid.sign_off(world_a.ctx("health"), notification, decision="signed")
        review = rapid_selectors.rapid_review_for(notification)
        assert review.status == "signed_off"
        completed = services.record_step(world_a.ctx(), notification, step="rapid_review_completed", on=None)
    assert completed.rapid_review_completed_on == rapid_selectors.last_signature_date(review) == dt.date(2026, 11, 26)
    outcome_clock = {d.kind: d for d in deadlines.clocks_for(completed)}["outcome_to_panel"]
    assert outcome_clock.starts_on == completed.rapid_review_completed_on


def test_only_the_partners_dsps_sign_once_each(world_a):
    notification = started(world_a)
    meeting(world_a, notification)
    rapid.send_for_sign_off(world_a.ctx(), notification)
    for who in ("business", "agency", "scrutineer"):
        with pytest.raises(PermissionDenied):
            rapid.sign_off(world_a.ctx(who), notification, decision="signed")
    rapid.sign_off(world_a.ctx("police"), notification, decision="signed")
    second_police = add_person(world_a, "police2", role=Role.DSP, member=world_a.members["police"])
    from lscp.tenancy import TenantContext

    with pytest.raises(ValidationError) as error:
        rapid.sign_off(
            TenantContext(partnership=world_a.partnership, user=second_police.person, membership=second_police),
            notification,
            decision="signed",
        )
    assert error.value.message_dict["decision"][0].startswith("Essex Police has already signed this outcome")
    with pytest.raises(ValidationError) as error:
        rapid.sign_off(world_a.ctx("health"), notification, decision="returned", comments="")
    assert error.value.message_dict == {"comments": ["Say what needs to change before you can sign"]}
    review = rapid_selectors.rapid_review_for(notification)
    assert SignOff.objects.for_partnership(world_a.partnership).filter(review=review, decision="signed").count() == 1


def test_a_dsp_of_a_relevant_agency_cannot_sign(world_a):
    """Even if someone were made a DSP of a non-statutory member, they cannot sign."""
    from lscp.tenancy import TenantContext
    from partners.models import Membership

    notification = started(world_a)
    meeting(world_a, notification)
    rapid.send_for_sign_off(world_a.ctx(), notification)
    lead = add_person(world_a, "oddlead", role=Role.DSP, member=world_a.members["council"])
    Membership.objects.for_partnership(world_a.partnership).filter(pk=lead.pk).update(member=world_a.members["agency"])
    lead.refresh_from_db()
    with pytest.raises(PermissionDenied, match="sign off a rapid review"):
        rapid.sign_off(
            TenantContext(partnership=world_a.partnership, user=lead.person, membership=lead),
            notification,
            decision="signed",
        )


def test_editing_the_outcome_after_a_signature_withdraws_it_and_tells_the_signer(world_a):
    notification = started(world_a)
    review = meeting(world_a, notification)
    rapid.send_for_sign_off(world_a.ctx(), notification)
    rapid.sign_off(world_a.ctx("council"), notification, decision="signed")
    rapid.sign_off(world_a.ctx("police"), notification, decision="returned", comments="Add the school's view")
    review = meeting(world_a, notification, learning="Learning, with the school's view added.")
    assert rapid_selectors.active_signatures(review) == {}
    withdrawn = SignOff.objects.for_partnership(world_a.partnership).filter(review=review, withdrawn_at__isnull=False)
    assert withdrawn.count() == 2 and all("The outcome was changed by" in s.withdrawn_reason for s in withdrawn)
    email = OutboxEmail.objects.for_partnership(world_a.partnership).get(
        key=f"rapid-review:{review.pk}:withdrawn:{review.version}"
    )
    assert email.to == sorted([world_a.person("council").email, world_a.person("police").email])
    assert "your sign-off was withdrawn" in email.subject
    # The same signer can sign the new outcome.
    rapid.sign_off(world_a.ctx("council"), notification, decision="signed")


def test_sign_off_pages_and_the_waiting_list(world_a, as_user):
    notification = started(world_a)
    meeting(world_a, notification)
    rapid.send_for_sign_off(world_a.ctx(), notification)
    health = as_user(world_a.people["health"])
    home = health.get(reverse("partnership-home", args=[world_a.slug])).content.decode()
    assert f"Sign off the rapid review of {notification.reference}" in home
    url = reverse("rapid-review-sign-off", args=[world_a.slug, notification.pk])
    page = health.get(url).content.decode()
    assert "Professional curiosity about fathers was lacking." in page
    returned = health.post(url, {"decision": "returned", "comments": ""})
    assert error_by_field(returned.content.decode(), "id_comments") == "Say what needs to change before you can sign"
    assert health.post(url, {"decision": "signed"}).status_code == 302
    assert (
        "Sign off the rapid review" not in health.get(reverse("partnership-home", args=[world_a.slug])).content.decode()
    )
    assert as_user(world_a.people["business"]).post(url, {"decision": "signed"}).status_code == 403


# ----------------------------------------------------------------------------------------------
# The summary for the Panel


def test_the_summary_pdf_has_the_learning_and_decision_and_no_other_child_identifier(world_a, as_user):
    notification = started(
        world_a,
        children=[child("Child Q", home_area="Chadwell St Mary", known_to=[world_a.members["agency"]])],
        summary="Summary the Panel does not need",
        notifier_email="duty.lead@example.org",
    )
    [request] = ask(world_a, notification, "agency")
    answer(world_a, request, involvement="Agency narrative the Panel does not need")
    meeting(world_a, notification)
    signed_off(world_a, notification)
    url = reverse("rapid-review-summary", args=[world_a.slug, notification.pk])
    response = as_user(world_a.people["council"]).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    flat = " ".join(text.split())
    for wanted in (
        "Professional curiosity about fathers was lacking.",
        "A local child safeguarding practice review (LCSPR)",
        "Health and children's social care did not share information",
        notification.reference,
        "Child Q",
        "Missed health appointments were not followed up.",
    ):
        assert wanted in flat, wanted
    # The child is the case reference and what the Panel's rapid review template asks about the
    # child (age, sex, ethnicity, looked after): nothing that locates or names them.
    assert "Child Q 15 years Female" in flat
    for unwanted in (
        "Chadwell St Mary",
        "Summary the Panel does not need",
        "duty.lead@example.org",
        "Agency narrative the Panel does not need",
        "Duty Lead",
    ):
        assert unwanted not in flat, unwanted
    assert (
        ActivityEvent.objects.for_partnership(world_a.partnership)
        .filter(event="rapid_review.summary_downloaded", actor=world_a.person("council"))
        .count()
        == 1
    )
    for who in ("scrutineer", "agency"):
        assert as_user(world_a.people[who]).get(url).status_code == 403


def test_the_summary_pdf_lists_as_providing_information_only_the_agencies_that_did(world_a, as_user):
    """Issue 14 §3: an agency asked that never replied was listed under "Agencies that provided
    information"; it is listed apart, as still outstanding, with its request's status."""
    notification = started(world_a)
    answered, unanswered = ask(world_a, notification, "agency", "police")
    answer(world_a, answered)
    meeting(world_a, notification)
    signed_off(world_a, notification)
    url = reverse("rapid-review-summary", args=[world_a.slug, notification.pk])
    response = as_user(world_a.people["council"]).get(url)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages).split())
    provided = re.search(r"Agencies that provided information: (.*?) Asked for information, not yet provided", text)
    outstanding = re.search(r"Asked for information, not yet provided: (.*?) Attended the meeting", text)
    assert provided and outstanding, text
    assert provided.group(1) == str(answered.member.organisation)
    assert outstanding.group(1) == f"{unanswered.member.organisation} (requested)"


# ----------------------------------------------------------------------------------------------
# The timeline, the API, query counts


def test_the_timeline_has_every_step_in_order(world_a, as_user):
    notification = started(world_a)
    [request] = ask(world_a, notification, "agency")
    answer(world_a, request)
    meeting(world_a, notification)
    signed_off(world_a, notification)
    page = (
        as_user(world_a.people["business"])
        .get(reverse("notification-timeline", args=[world_a.slug, notification.pk]))
        .content.decode()
    )
    events = [
        "Notification submitted",
        "Notification sent to the National Panel",
        "Rapid review started",
        "Request for information sent",
        "Request for information answered",
        "Rapid review meeting saved",
        "Rapid review sent for sign-off",
        "Rapid review signed off",
    ]
    positions = [page.index(f"{event}</td>") for event in events]
    assert positions == sorted(positions)
    assert "New serious-incident notification" in page and "agency summary is needed by" in page  # the emails
    assert (
        as_user(world_a.people["scrutineer"])
        .get(reverse("notification-timeline", args=[world_a.slug, notification.pk]))
        .status_code
        == 403
    )


def test_api_requests_answers_meeting_sign_offs_and_lcspr(world_a):
    notification = started(world_a)
    base = f"/api/v1/{world_a.slug}/notifications/{notification.pk}"
    business, agency = api(world_a.person("business")), api(world_a.person("agency"))
    created = business.post(
        f"{base}/information-requests/",
        {"members": [world_a.members["agency"].pk], "reply_by": str(TODAY() + dt.timedelta(days=5))},
        format="json",
    )
    assert created.status_code == 201, created.content
    request_id = created.json()[0]["id"]
    bad = agency.patch(
        f"{base}/information-requests/{request_id}/",
        {"submit": True, "chronology": [{"date": "2099-01-01", "event": "x"}]},
        format="json",
    )
    assert bad.status_code == 400 and "chronology" in bad.json()
    ok = agency.patch(
        f"{base}/information-requests/{request_id}/",
        {"submit": True, "involvement": "Seen", "learning": "Share"},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "submitted" and ok.json()["deadline"]["status"] == "met"
    locked = agency.patch(f"{base}/information-requests/{request_id}/", {"learning": "x"}, format="json")
    assert locked.status_code == 409, locked.content
    assert (
        business.patch(f"{base}/information-requests/{request_id}/", {"learning": "x"}, format="json").status_code
        == 403
    )
    record = {
        "meeting_date": str(TODAY()),
        "learning": "Learn",
        "recommendation": "lcspr",
        "criteria": {"agencies_together": {"met": True, "rationale": ""}},
    }
    refused = business.put(f"{base}/rapid-review/", record, format="json")
    assert refused.status_code == 400 and "criterion_agencies_together_rationale" in refused.json()
    record["criteria"] = criteria({"agencies_together": "Shared too late"})
    saved = business.put(f"{base}/rapid-review/", record, format="json")
    assert saved.status_code == 200 and [m["partner"] for m in saved.json()["missing_signers"]] == [
        "council",
        "police",
        "health",
    ]
    stale = business.put(
        f"{base}/rapid-review/", {**record, "learning": "Other", "version": saved.json()["version"] - 1}, format="json"
    )
    assert stale.status_code == 409
    early = api(world_a.person("council")).post(
        f"{base}/rapid-review/sign-offs/", {"decision": "signed"}, format="json"
    )
    assert early.status_code == 409
    assert business.post(f"{base}/rapid-review/send-for-sign-off/", {}, format="json").status_code == 200
    for who in ("council", "police"):
        assert (
            api(world_a.person(who))
            .post(f"{base}/rapid-review/sign-offs/", {"decision": "signed"}, format="json")
            .status_code
            == 201
        )
    again = api(world_a.person("police")).post(f"{base}/rapid-review/sign-offs/", {"decision": "signed"}, format="json")
    assert again.status_code == 400 and "already signed" in again.json()["decision"][0]
    incomplete = business.post(f"{base}/rapid-review-completed/", {}, format="json")
    assert incomplete.status_code == 409 and incomplete.json()["detail"] == "Waiting for sign-off from Thurrock CCG."
    assert (
        api(world_a.person("health"))
        .post(f"{base}/rapid-review/sign-offs/", {"decision": "signed"}, format="json")
        .status_code
        == 201
    )
    done = business.post(f"{base}/rapid-review-completed/", {}, format="json")
    assert done.status_code == 200 and done.json()["rapid_review_completed_on"] == str(TODAY())
    lcspr = business.post(
        f"{base}/lcspr/",
        {
            "decision_date": str(TODAY()),
            "reviewer_name": "Dr R",
            "reviewer_kind": "independent",
            "terms_of_reference": "ToR",
            "scope_from": "2025-01-01",
            "scope_to": "2025-12-31",
        },
        format="json",
    )
    assert lcspr.status_code == 201 and lcspr.json()["deadlines"][0]["kind"] == "lcspr_completion"
    exe = business.post(
        f"{base}/lcspr/reports/",
        {"which": "final", "received_on": str(TODAY()), "document": SimpleUploadedFile("final.pdf", b"MZ\x90\x00")},
        format="multipart",
    )
    assert exe.status_code == 400 and "document" in exe.json()
    final = business.post(
        f"{base}/lcspr/reports/",
        {"which": "final", "received_on": str(TODAY()), "document": SimpleUploadedFile("final.pdf", PDF_BYTES)},
        format="multipart",
    )
    assert final.status_code == 200 and final.json()["status"] == "final_report"
    early_pub = business.post(
        f"{base}/lcspr/publication-date/",
        {"planned_publication_date": str(TODAY() - dt.timedelta(days=1))},
        format="json",
    )
    assert early_pub.status_code == 400 and "planned_publication_date" in early_pub.json()


def views(world, event: str, actor) -> int:
    return (
        ActivityEvent.objects.for_partnership(world.partnership).filter(kind="view", event=event, actor=actor).count()
    )


def test_api_every_read_of_a_rapid_review_summary_and_lcspr_is_in_the_activity_log(world_a, police_lead):
    notification = started(world_a)
    nelft, _police = ask(world_a, notification, "agency", "police")
    answer(world_a, nelft)
    meeting(world_a, notification)
    base = f"/api/v1/{world_a.slug}/notifications/{notification.pk}"
    council, business = world_a.person("council"), world_a.person("business")
    for _ in range(2):
        assert api(council).get(f"{base}/rapid-review/").status_code == 200
    assert views(world_a, "rapid_review.viewed", council) == 2
    assert api(business).get(f"{base}/information-requests/{nelft.pk}/").status_code == 200
    summary_views = ActivityEvent.objects.for_partnership(world_a.partnership).filter(
        kind="view", actor=business, object_id=str(nelft.pk)
    )
    assert summary_views.count() == 1
    # An agency lead cannot answer (or read) another organisation's request, and nothing is logged.
    other = api(police_lead.person).patch(
        f"{base}/information-requests/{nelft.pk}/", {"involvement": "Not ours"}, format="json"
    )
    assert other.status_code == 404
    nelft.refresh_from_db()
    assert nelft.involvement == "Health visiting twice."
    # The business unit reopens NELFT's submitted summary, with a reason.
    reopen = f"{base}/information-requests/{nelft.pk}/reopen/"
    no_reason = api(business).post(reopen, {"reason": "  "}, format="json")
    assert no_reason.status_code == 400 and list(no_reason.json()) == ["reason"]
    reopened = api(business).post(reopen, {"reason": "The chronology misses March"}, format="json")
    assert reopened.status_code == 200 and reopened.json()["status"] == "reopened"
    again = api(business).post(reopen, {"reason": "Again"}, format="json")
    assert again.status_code == 409 and "Only a submitted summary can be reopened" in again.json()["detail"]


def test_a_relevant_agency_lead_asked_for_information_may_see_the_notification(world_a, as_user):
    member = partner_services.member_add(
        ctx=world_a.ctx(), organisation=organisation("CAFCASS", Sector.COURTS), kind="relevant_agency"
    )
    cafcass = add_person(world_a, "cafcass", role=Role.AGENCY_LEAD, member=member)
    notification = started(world_a, children=[child(known_to=[])])
    url = reverse("notification-detail", args=[world_a.slug, notification.pk])
    assert as_user(cafcass).get(url).status_code == 404
    rapid.request_information(world_a.ctx(), notification, members=[member], reply_by=TODAY())
    assert as_user(cafcass).get(url).status_code == 200
    assert InformationRequest.objects.for_partnership(world_a.partnership).filter(member=member).count() == 1


@pytest.mark.parametrize(
    "url",
    [
        "/{slug}/requests-for-information/?show=all",
        "/{slug}/notifications/{id}/rapid-review/",
        "/{slug}/notifications/{id}/timeline/",
        "/api/v1/{slug}/notifications/{id}/information-requests/",
    ],
)
def test_rapid_review_pages_run_a_fixed_number_of_queries(full_world, url, as_user):
    world_a = full_world  # one record of every model, and the notification's requests grow
    notification = started(world_a)
    client = api(world_a.person("business")) if url.startswith("/api/") else as_user(world_a.people["business"])
    url = url.format(slug=world_a.slug, id=notification.pk)

    def grow(n):
        for index in range(n):
            member = partner_services.member_add(
                ctx=world_a.ctx(),
                organisation=organisation(f"School {len(url)}-{index}-{n}", Sector.EDUCATION),
                kind="relevant_agency",
            )
            add_person(world_a, f"lead{index}x{n}", role=Role.AGENCY_LEAD, member=member)
            [request] = rapid.request_information(world_a.ctx(), notification, members=[member], reply_by=TODAY())
            from lscp.tenancy import TenantContext
            from partners.models import Membership

            lead = Membership.objects.for_partnership(world_a.partnership).filter(member=member).first()
            rapid.save_agency_summary(
                TenantContext(partnership=world_a.partnership, user=lead.person, membership=lead),
                request,
                involvement="x",
                immediate_actions="",
                learning="y",
                chronology=[{"date": TODAY(), "event": "e", "agency_action": ""}],
                submit=True,
            )

    grow(2)
    small = queries.get(client, url)
    grow(10)
    queries.assert_constant(small, queries.get(client, url), ceiling=20, what=url)


def test_email_sent_when_all_three_sign_goes_to_the_business_unit(world_a, smtp):
    notification = started(world_a)
    meeting(world_a, notification)
    signed_off(world_a, notification)
    outbox.flush()
    subjects = [m["Subject"] for _, m in smtp.messages]
    assert any(s.endswith("signed off by Thurrock CCG: all three partners have signed") for s in subjects)


@time_machine.travel(dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC), tick=False)
def test_every_problem_of_a_summary_shows_at_once_and_a_row_is_linked_from_the_summary(world_a, as_user):
    """Issue 14 §4: the chronology's row errors at the row and in the error summary, linked, with
    the summary's own (no involvement given) in the same answer, not a second round."""
    notification = started(world_a)
    [request] = ask(world_a, notification, "agency")
    url = reverse("information-request-detail", args=[world_a.slug, request.pk])
    response = as_user(world_a.people["agency"]).post(
        url,
        {
            "version": request.version,
            "involvement": "",
            "learning": "Share earlier",
            "action": "submit",
            "chronology-TOTAL_FORMS": "3",
            "chronology-INITIAL_FORMS": "0",
            "chronology-0-date-day": "1",
            "chronology-0-date-month": "1",
            "chronology-0-date-year": "2027",
            "chronology-0-event": "Home visit",
            "chronology-1-date-day": "30",
            "chronology-1-date-month": "11",
            "chronology-1-date-year": "2026",
            "chronology-1-event": "",
            "chronology-1-agency_action": "Referral",
            "chronology-2-date-day": "31",
            "chronology-2-date-month": "2",
            "chronology-2-date-year": "2026",
        },
    )
    html = response.content.decode()
    summary = html[
        html.index("govuk-error-summary__list") : html.index("</ul>", html.index("govuk-error-summary__list"))
    ]
    assert "Describe your organisation&#x27;s involvement" in summary
    assert 'href="#id_chronology-0-date-day">Entry 1: The date must be today or in the past' in summary
    assert 'href="#id_chronology-1-event">Entry 2: Describe what happened' in summary
    assert 'href="#id_chronology-2-date-day">Entry 3: Date must be a real date' in summary
    assert error_by_field(html, "id_chronology-1-event") == "Describe what happened"
    request.refresh_from_db()
    assert request.status == "requested"
