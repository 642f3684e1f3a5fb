"""The activity log in English: one `describe(event)` for every page that shows it (the activity
log, a case's timeline, the case page) and for the API's `description`.

An event reads as its words ("Notification submitted", from `EVENTS` or, for the codes built from a
model's name, from `FAMILIES`), then one sentence per change: the field's name as the model calls it
(its verbose_name, in sentence case with its proper nouns: "Panel", "Secretary of State", "Ofsted",
"LCSPR"), its values as a person writes them ("1 Dec 2026", "Yes", a choice's label, "blank").
"Date sent to the Panel changed from 1 to 2 Dec 2026."

A correction ("<model>.corrected") gives each changed field a "reason" and, when the case had
closed, "case_closed": true; they read "Reason: ..." and "Corrected after the case closed."

A text longer than `CUT_AT` characters is cut (`Description.cut`): the page links to the record,
which holds it whole. The machine form (event codes, the raw changes) stays in the API.

Every event code the code base writes has words here: tests/lscp/activity/test_describe.py reads the
source for them, so a new code without words fails.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

CUT_AT = 300

# ----------------------------------------------------------------------------------------------
# Event codes -> words

EVENTS: dict[str, str] = {
    # Notifications and their statutory steps (reviews/notifications/steps.py)
    "notification.submitted": "Notification submitted",
    "notification.criteria_confirmed": "Criteria decision confirmed",
    "notification.criteria_overridden": "Criteria decision overridden",
    "notification.case_officer_set": "Case officer set",
    "notification.panel_notified": "Notification sent to the National Panel",
    "notification.rapid_review_started": "Rapid review started",
    "notification.rapid_review_completed": "Rapid review completed",
    "notification.outcome_sent": "Rapid review outcome sent to the Panel",
    "notification.panel_responded": "The Panel's response recorded",
    "notification.sos_ofsted_notified": "Secretary of State and Ofsted notified",
    # Rapid reviews and requests for information
    "information_request.draft_saved": "Request for information: draft saved",
    "information_request.sent": "Request for information sent",
    "information_request.submitted": "Request for information answered",
    "information_request.reopened": "Request for information reopened",
    "information_request.closed": "Request for information closed: no longer needed",
    "information_request.withdrawn": "Request for information withdrawn",
    "rapid_review.meeting_saved": "Rapid review meeting saved",
    "rapid_review.sent_for_sign_off": "Rapid review sent for sign-off",
    "rapid_review.sign_offs_withdrawn": "Rapid review sign-offs withdrawn",
    "rapid_review.signed": "Rapid review signed off",
    "rapid_review.returned": "Rapid review returned with comments",
    "rapid_review.summary_downloaded": "Rapid review summary downloaded",
    # LCSPRs
    "lcspr.commissioned": "LCSPR commissioned",
    "lcspr.decision_changed": "LCSPR decision changed",
    "lcspr.decision_signed": "LCSPR decision signed",
    "lcspr.sign_offs_withdrawn": "LCSPR sign-offs withdrawn",
    "lcspr.meeting_added": "LCSPR meeting added",
    "lcspr.draft_report_received": "LCSPR draft report received",
    "lcspr.final_report_received": "LCSPR final report received",
    "lcspr.sent_to_panel": "LCSPR sent to the Panel",
    "lcspr.publication_planned": "LCSPR publication planned",
    "lcspr.published": "LCSPR published",
    "lcspr.not_published": "LCSPR not to be published",
    # Action plans
    "action_plan.imported": "Action plan imported",
    "action_plan.changed": "Action plan changed",
    "action_plan.ratified": "Action plan ratified",
    "action_plan.closed": "Action plan closed",
    "recommendation.added": "Recommendation added",
    "recommendation.changed": "Recommendation changed",
    "recommendation.removed": "Recommendation removed",
    "action.added": "Action added",
    "action.changed": "Action changed",
    "action.removed": "Action removed",
    "action.progress": "Action progress updated",
    "action.evidence": "Action evidence added",
    "action.completed": "Action completed",
    "action.accepted": "Action completion accepted",
    "action.returned": "Action returned",
    # Audits, self-assessment, dataset, annual report
    "audit.planned": "Audit planned",
    "audit.changed": "Audit changed",
    "priority.created": "Priority added",
    "challenge.logged": "Challenge logged",
    "challenge.responded": "Challenge responded to",
    "challenge.closed": "Challenge closed",
    "standards.installed": "Standards installed",
    "standard.saved": "Standard saved",
    "self_assessment_cycle.opened": "Self-assessment cycle opened",
    "self_assessment.draft_saved": "Self-assessment draft saved",
    "self_assessment.submitted": "Self-assessment submitted",
    "self_assessment.moderated": "Self-assessment moderated",
    "indicator.added": "Indicator added",
    "indicator.changed": "Indicator changed",
    "indicator.value_set": "Indicator value recorded",
    "annual_report.started": "Annual report started",
    "annual_report.saved": "Annual report saved",
    "annual_report.commentary_saved": "Annual report commentary saved",
    "annual_report.downloaded": "Annual report downloaded",
    # Funding
    "financial_year.added": "Financial year added",
    "contribution.added": "Contribution added",
    "contribution.changed": "Contribution changed",
    "contribution.removed": "Contribution removed",
    "income.added": "Income added",
    "income.changed": "Income changed",
    "income.removed": "Income removed",
    "spending.added": "Spending added",
    "spending.changed": "Spending changed",
    "spending.removed": "Spending removed",
    "benchmark.added": "Benchmark added",
    "benchmark.changed": "Benchmark changed",
    "benchmark.removed": "Benchmark removed",
    "budget.sign_off_requested": "Budget sign-off requested",
    "budget.signed": "Budget signed",
    "budget.sign_offs_withdrawn": "Budget sign-offs withdrawn",
    # Governance documents
    "governance_document.added": "Governance document added",
    "governance_document.saved": "Governance document saved",
    "document_version.added": "Document version added",
    "document_version.saved": "Document version saved",
    "document_version.sent_for_sign_off": "Document version sent for sign-off",
    "document_version.signed": "Document version signed",
    "document_version.signed_by_all": "Document version signed by all partners",
    "document_version.signatures_withdrawn": "Document version signatures withdrawn",
    "document_version.published": "Document version published",
    "document_version.superseded": "Document version superseded",
    # Partnership, people and organisations
    "partnership.created": "Partnership created",
    "organisation.created": "Organisation added",
    "organisation.merged": "Organisations merged",
    "member.added": "Member added",
    "member.changed": "Member changed",
    "person.added": "Person added",
    "person.changed": "Person changed",
    "person.deactivated": "Person deactivated",
    "person.reactivated": "Person reactivated",
    "designation.added": "Designation added",
    "designation.removed": "Designation removed",
    "seat.taken": "Seat taken",
    "seat.ended": "Seat ended",
    "office.taken": "Office taken",
    "office.ended": "Office ended",
    "group.created": "Group added",
    "group.member_added": "Group member added",
    "group.member_removed": "Group member removed",
    "signing_policy.changed": "Signing policy changed",
    "invitation.sent": "Invitation sent",
    "invitation.resent": "Invitation sent again",
    "invitation.withdrawn": "Invitation withdrawn",
    "invitation.accepted": "Invitation accepted",
    # Deadlines, calendar, retention
    "deadline_policy.changed": "Deadline policy changed",
    "escalation_settings.changed": "Escalation settings changed",
    "calendar.override_added": "Calendar change added",
    "calendar.override_removed": "Calendar change removed",
    "retention.rule_changed": "Retention rule changed",
    "retention.hold_placed": "Retention hold placed",
    "retention.hold_lifted": "Retention hold lifted",
    "retention.disposed": "Record disposed of",
    # Documents, exports, API tokens
    "document.uploaded": "Document uploaded",
    "document.downloaded": "Document downloaded",
    "export.downloaded": "Export downloaded",
    "api_token.issued": "API token issued",
    "api_token.revoked": "API token revoked",
    # Security events (lscp.activity.signals.security_event)
    "sign-in": "Signed in",
    "sign-in-failed": "Sign-in failed",
    "sign-out": "Signed out",
    "locked-out": "Account locked after failed sign-ins",
    "unlocked": "Account unlocked",
    "token-created": "API token created",
    "token-revoked": "API token revoked",
    "invitation-sent": "Invitation sent",
    "invitation-accepted": "Invitation accepted",
    "second-factor-enrolled": "Second factor added",
    "second-factor-verified": "Second factor checked",
    "second-factor-failed": "Second factor check failed",
    "second-factor-removed": "Second factor removed",
    "second-factor-reset": "Second factor reset",
    "recovery-codes-generated": "Recovery codes created",
}

# Codes built from a model's name ("<model>.viewed", lscp.activity.log and lscp.admin) or from a
# status: the suffix's words, "{model}" being the model's verbose name.
FAMILIES: dict[str, str] = {
    ".viewed": "{model} viewed",
    ".listed": "List of {models} read",
    ".added_in_admin": "{model} added in admin",
    ".changed_in_admin": "{model} changed in admin",
    ".deleted_in_admin": "{model} deleted in admin",
    ".corrected": "{model} corrected",
}
REFUSED = {403: "Request refused: not allowed", 404: "Request refused: not found"}

# Fields whose verbose_name does not read well on its own, and keys of `changes` that are not fields.
FIELD_WORDS: dict[str, dict[str, str]] = {
    "notification": {
        "panel_notified_on": "Date sent to the Panel",
        "rapid_review_started_on": "Date the rapid review started",
        "rapid_review_completed_on": "Date the rapid review was completed",
        "outcome_sent_on": "Date the outcome was sent to the Panel",
        "panel_response_received_on": "Date the Panel's response was received",
        "criteria": "This service's evaluation of the criteria",
        "children": "Children",
    },
}
# Keys of `changes` that are not fields but take the values of one (their choices' labels).
VALUES_OF: dict[str, dict[str, str]] = {"notification": {"criteria": "criteria_decision"}}
# Keys that only a machine reads (a fingerprint of what was signed).
HIDDEN = {"content_hash"}

PROPER_NOUNS = [
    (re.compile(r"\bnational panel\b", re.I), "National Panel"),
    (re.compile(r"\bpanel\b", re.I), "Panel"),
    (re.compile(r"\bsecretary of state\b", re.I), "Secretary of State"),
    (re.compile(r"\bsos\b", re.I), "Secretary of State"),
    (re.compile(r"\bofsted\b", re.I), "Ofsted"),
    (re.compile(r"\blcspr(s?)\b", re.I), lambda m: "LCSPR" + m.group(1).lower()),
    (re.compile(r"\blscp\b", re.I), "LSCP"),
    (re.compile(r"\bapi\b", re.I), "API"),
]
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def sentence(text: str) -> str:
    """Sentence case with the proper nouns kept: 'panel reference' -> 'Panel reference'."""
    text = str(text).replace("_", " ").strip()
    for pattern, words in PROPER_NOUNS:
        text = pattern.sub(words, text)
    return text[:1].upper() + text[1:]


def words_for(code: str, model: type[models.Model] | None = None) -> str | None:
    """The words of an event code; None when it has none (the test of the registry fails then)."""
    if code in EVENTS:
        return EVENTS[code]
    if code.startswith("request.refused."):
        status = code.rpartition(".")[2]
        return REFUSED.get(int(status) if status.isdigit() else 0, f"Request refused ({status})")
    for suffix, words in FAMILIES.items():
        if code.endswith(suffix):
            prefix = code[: -len(suffix)]
            if model is None:
                model = _model_named(prefix)
            name = model._meta.verbose_name if model else prefix.replace("_", " ")
            plural = model._meta.verbose_name_plural if model else f"{name}s"
            return sentence(words.format(model=name, models=plural))
    return None


def codes_saying(words: str) -> list[str]:
    """The event codes whose words contain `words` (the log's filter reads words, not codes)."""
    wanted = words.strip().lower()
    return [code for code, said in EVENTS.items() if wanted and wanted in said.lower()]


def _model_named(name: str) -> type[models.Model] | None:
    """The model of a code's prefix ('rapid_review' -> RapidReview), when one has that name."""
    wanted = name.replace("_", "")
    return next((m for m in apps.get_models() if m._meta.model_name == wanted), None)


# ----------------------------------------------------------------------------------------------
# Values


def _field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except Exception:
        return None


def label(model, name: str) -> str:
    """A field's name as a person reads it."""
    override = FIELD_WORDS.get(model._meta.model_name if model else "", {}).get(name)
    if override:
        return override
    found = _field(model, name)
    return sentence(getattr(found, "verbose_name", None) or name)


def _date(value) -> dt.date | None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _datetime(value) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and ISO_DATETIME.match(value):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def _blank(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def value_text(value: Any, found=None) -> str:
    """A value as a person writes it: 'blank', 'Yes'/'No', a choice's label, '1 Dec 2026'."""
    if _blank(value):
        return "blank"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    choices = dict(getattr(found, "flatchoices", None) or [])
    if isinstance(value, list):
        return ", ".join(value_text(item, found) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{sentence(key)}: {value_text(item)}" for key, item in value.items())
    if choices and value in choices:
        return str(choices[value])
    if (day := _date(value)) is not None:
        return f"{day:%-d %b %Y}"
    if (moment := _datetime(value)) is not None:
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return f"{moment:%-d %b %Y, %H:%M}"
    return str(value)


def _dates_from_to(old, new) -> str | None:
    """'from 1 to 2 Dec 2026', 'from 30 Nov to 2 Dec 2026': two dates, said once where they agree."""
    before, after = _date(old), _date(new)
    if before is None or after is None:
        return None
    if (before.year, before.month) == (after.year, after.month):
        return f"from {before.day} to {after:%-d %b %Y}"
    if before.year == after.year:
        return f"from {before:%-d %b} to {after:%-d %b %Y}"
    return f"from {before:%-d %b %Y} to {after:%-d %b %Y}"


def _stop(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else f"{text}."


# ----------------------------------------------------------------------------------------------
# Events


@dataclass
class Description:
    """What `describe` gives: the event's words, its sentences, and whether a text was cut."""

    title: str
    sentences: list[str] = field(default_factory=list)
    cut: bool = False

    def __str__(self) -> str:
        return " ".join([_stop(self.title), *self.sentences])


class _Cutter:
    def __init__(self):
        self.cut = False

    def __call__(self, text: str) -> str:
        if len(text) <= CUT_AT:
            return text
        self.cut = True
        return text[:CUT_AT].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def change_sentence(model, name: str, change: dict, cut=None) -> str:
    """'Date sent to the Panel changed from 1 to 2 Dec 2026.', 'Summary: …', with a correction's
    reason."""
    cut = cut or (lambda text: text)
    found = _field(model, VALUES_OF.get(model._meta.model_name if model else "", {}).get(name, name))
    if not isinstance(change, dict) or not {"old", "new"} <= change.keys():
        change = {"old": None, "new": change}
    old, new = change.get("old"), change.get("new")
    what = label(model, name)
    if _blank(old):
        said = f"{what}: {cut(value_text(new, found))}"
    else:
        said = f"{what} changed " + (
            _dates_from_to(old, new) or f"from {cut(value_text(old, found))} to {cut(value_text(new, found))}"
        )
    said = _stop(said)
    if change.get("reason"):
        said += " " + _stop(f"Reason: {cut(str(change['reason']))}")
    if change.get("case_closed"):
        said += " Corrected after the case closed."
    return said


DETAILS = [
    ("filename", "File: {}"),
    ("username", "Username: {}"),
    ("method", "Method: {}"),
    ("reason", "Reason: {}"),
    ("kind", "Kind: {}"),
]


def _detail_sentences(event) -> list[str]:
    """A read's, export's, refusal's or security event's details, in words."""
    details = event.details or {}
    said = []
    if event.kind == "refusal":
        return [f"{details.get('method', '')} {details.get('path', '')}".strip() + "."] if details.get("path") else []
    if details.get("shown") is not None and details.get("total") is not None:
        said.append(f"Showed {details['shown']} of {details['total']}.")
    if details.get("filters"):
        filters = "; ".join(f"{sentence(name)}: {value_text(value)}" for name, value in details["filters"].items())
        said.append(f"Filters: {filters}.")
    if details.get("rows") is not None:
        said.append(f"Rows: {details['rows']}.")
    for key, words in DETAILS:
        if details.get(key) not in (None, ""):
            said.append(_stop(words.format(sentence(value_text(details[key])) if key == "kind" else details[key])))
    return said


def _model_of(event) -> type[models.Model] | None:
    """The model of the event's record (ContentType's cache: no query per event)."""
    type_id = getattr(event, "object_type_id", None)
    return ContentType.objects.get_for_id(type_id).model_class() if type_id else None


def describe(event) -> Description:
    """An ActivityEvent (or anything with its event, kind, object_type, changes and details) in words."""
    model = _model_of(event)
    if model is None and (event.details or {}).get("list"):
        try:
            model = apps.get_model(event.details["list"])
        except (LookupError, ValueError):
            model = None
    title = words_for(event.event, model) or sentence(event.event.replace(".", " ").replace("-", " "))
    cutter = _Cutter()
    sentences = [
        change_sentence(model, name, change, cutter)
        for name, change in (event.changes or {}).items()
        if name not in HIDDEN
    ]
    sentences += _detail_sentences(event)
    return Description(title=title, sentences=sentences, cut=cutter.cut)


def record_url(event, slug: str) -> str | None:
    """The page of the event's record when it has one ('<model>-detail' with the model's url_kwarg)."""
    model = _model_of(event)
    kwarg = getattr(model, "url_kwarg", None)
    if not kwarg or not event.object_id:
        return None
    try:
        name = re.sub(r"(?<!^)(?=[A-Z])", "-", model.__name__).lower()
        return reverse(f"{name}-detail", args=[slug, event.object_id])
    except NoReverseMatch:
        return None
