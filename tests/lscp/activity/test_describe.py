"""The activity log in English (issue 14 §4): every event code the code base writes has words,
fields read by their names, values as a person writes them, long texts cut with a link."""

import ast
import datetime as dt
import pathlib
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from lscp.activity.describe import describe, words_for
from lscp.models import ActivityEvent
from reviews.notifications.models import Notification
from reviews.notifications.steps import STEPS
from reviews.rapid_review.models import SignOffDecision
from tests.support.makers_reviews import meeting, started, submit

ROOT = pathlib.Path(__file__).resolve().parents[3]
CODE = re.compile(r"^[a-z{}][a-z_{}]*([.-][a-z_{}]+)+$")

# Codes built at run time: each template with the codes it stands for.
BUILT = {
    "notification.{}": [f"notification.{key}" for key in STEPS],
    "rapid_review.{}": [f"rapid_review.{value}" for value in SignOffDecision.values],
    "request.refused.{}": ["request.refused.403", "request.refused.404"],
    "information_request.{}": ["information_request.closed", "information_request.withdrawn"],
    "{}.corrected": ["notification.corrected", "lcspr.corrected", "information_request.corrected"],
    "{}.viewed": ["membership.viewed", "notification.viewed"],
    "{}.listed": ["membership.listed", "action.listed"],
    "{}.deleted_in_admin": ["governancegroup.deleted_in_admin"],
    "{}.{}_in_admin": ["partnership.added_in_admin", "partnership.changed_in_admin"],
}


def _strings(node) -> list[str]:
    """The string constants of an expression, an f-string as a template ('notification.{}')."""
    if isinstance(node, ast.JoinedStr):
        return ["".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    return [found for child in ast.iter_child_nodes(node) for found in _strings(child)]


def written_codes() -> set[str]:
    """Every event code in the code base's source: `event=` arguments, `event = ...` assignments and
    the positional argument of any function that takes an `event`."""
    skip = {".venv", "node_modules", "tests", "migrations", "static", "frontend"}
    trees = [ast.parse(path.read_text()) for path in ROOT.rglob("*.py") if not skip & set(path.relative_to(ROOT).parts)]
    takes = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                names = [a.arg for a in node.args.posonlyargs + node.args.args]
                if "event" in names:
                    takes[node.name] = names.index("event") - (names[0] in ("self", "cls"))
    codes = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                codes.update(s for kw in node.keywords if kw.arg == "event" for s in _strings(kw.value))
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
                if name in takes and len(node.args) > takes[name] >= 0:
                    codes.update(_strings(node.args[takes[name]]))
            elif isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "event" for t in node.targets):
                codes.update(_strings(node.value))
    return {code for code in codes if CODE.match(code)}


def test_every_event_code_the_code_writes_has_words():
    codes = written_codes()
    assert {"notification.submitted", "sign-in", "second-factor-removed", "lcspr.commissioned"} <= codes
    unknown = sorted(code for code in codes if "{}" in code and code not in BUILT)
    assert not unknown, f"tell BUILT which codes these templates make: {unknown}"
    concrete = {c for code in codes for c in (BUILT[code] if "{}" in code else [code])}
    missing = sorted(code for code in concrete if words_for(code) is None)
    assert not missing, f"event codes without words in lscp/activity/describe.py EVENTS: {missing}"


def _event(model, event, changes=None, **fields):
    return ActivityEvent(
        event=event,
        kind="write",
        object_type=ContentType.objects.get_for_model(model) if model else None,
        changes=changes or {},
        **fields,
    )


@pytest.mark.django_db
def test_a_correction_reads_as_a_sentence_with_its_reason():
    """The contract with the corrections: {field: {old, new, reason, case_closed}}."""
    said = describe(
        _event(
            Notification,
            "notification.corrected",
            {
                "panel_notified_on": {
                    "old": "2026-12-01",
                    "new": "2026-12-02",
                    "reason": "Typed the wrong day",
                    "case_closed": True,
                }
            },
        )
    )
    assert said.title == "Notification corrected"
    assert said.sentences == [
        "Date sent to the Panel changed from 1 to 2 Dec 2026. Reason: Typed the wrong day. "
        "Corrected after the case closed."
    ]


@pytest.mark.django_db
def test_fields_and_values_read_as_words_never_codes_or_json():
    said = describe(
        _event(
            Notification,
            "notification.submitted",
            {
                "pathway": {"old": None, "new": "mandatory"},
                "criteria": {"old": None, "new": "meets"},
                "panel_reference": {"old": "P-1", "new": ""},
                "sos_notified_on": {"old": "2026-11-30", "new": "2027-01-02"},
                "outcome_sent_on": {"old": "2026-11-30", "new": "2026-12-02"},
                "other_children": {"old": {}, "new": {"count": 2}},
            },
        )
    )
    text = str(said)
    assert text.startswith("Notification submitted. Pathway: ")
    assert said.sentences[0] == f"Pathway: {Notification._meta.get_field('pathway').flatchoices[0][1]}."
    assert "criteria: Meets the serious-incident criteria: notify the National Panel." in said.sentences[1]
    assert "Panel reference changed from P-1 to blank." in said.sentences
    assert "Secretary of State notified changed from 30 Nov 2026 to 2 Jan 2027." in said.sentences
    assert "Date the outcome was sent to the Panel changed from 30 Nov to 2 Dec 2026." in said.sentences
    assert "Other children involved: Count: 2." in said.sentences
    assert "{" not in text and "_" not in text
    assert describe(_event(None, "sign-in")).title == "Signed in"
    assert str(describe(_event(None, "x.y", {"flag": {"old": True, "new": False}}))).endswith(
        "Flag changed from Yes to No."
    )


@pytest.mark.django_db
def test_a_15000_character_text_is_cut_on_the_timeline_with_a_link_to_the_record(world_a, as_user):
    notification = started(world_a)
    meeting(world_a, notification, learning="Learning. " * 1500)
    page = (
        as_user(world_a.people["business"])
        .get(reverse("notification-timeline", args=[world_a.slug, notification.pk]))
        .content.decode()
    )
    rows = [r.split("</tr>")[0] for r in page.split('<tr class="govuk-table__row">')]
    row = next(r for r in rows if "Rapid review meeting saved" in r)
    assert len(row) < 3000, len(row)
    assert "Learning. " * 20 in row and "Learning. " * 40 not in row
    link = reverse("rapid-review", args=[world_a.slug, notification.pk])
    assert f'href="{link}"' in row and "Read the full text" in row


@pytest.mark.django_db
def test_the_timeline_the_case_page_and_the_log_speak_english(world_a, as_user):
    notification = submit(world_a, aware_date=dt.date(2026, 12, 1))
    client = as_user(world_a.people["business"])
    pages = [
        client.get(reverse("notification-timeline", args=[world_a.slug, notification.pk])).content.decode(),
        client.get(reverse("notification-detail", args=[world_a.slug, notification.pk])).content.decode(),
        client.get(reverse("activity-list", args=[world_a.slug]) + "?event=Notification+submitted").content.decode(),
    ]
    for where, page in zip(["timeline", "case", "log"], pages, strict=True):
        assert "Notification submitted" in page, where
        assert "notification.submitted" not in page and "<code>" not in page
    answer = client.get(f"/api/v1/{world_a.slug}/activity/?event=notification.submitted")
    [row] = answer.json()["results"]
    assert row["event"] == "notification.submitted", "machines keep the code"
    assert row["description"].startswith("Notification submitted. ")


@pytest.mark.django_db
def test_the_log_page_without_filters_shows_the_log(world_a, as_user):
    """It showed 'No activity matches.' until a filter was given (an unbound FilterSet)."""
    submit(world_a, aware_date=dt.date(2026, 12, 1))
    page = as_user(world_a.people["business"]).get(reverse("activity-list", args=[world_a.slug])).content.decode()
    assert "No activity matches." not in page and "Notification submitted" in page
