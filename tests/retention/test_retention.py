"""Retention and disposal: rules, holds, the disposal (and its dry run), the case export."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from lscp.models import ActivityEvent
from retention import selectors, services
from retention.models import DEFAULT_CASE_YEARS, DisposalRecord, LegalHold, RecordKind, RetentionRule
from retention.tasks import dispose_due_records
from reviews.notifications.models import Child, Notification, Status
from tests.support.makers_reviews import child, submit

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 5)


def closed_case(world, *, closed_on: dt.date, reference="Child Q") -> Notification:
    """A case whose last step (the Panel's response) was on `closed_on`, with two children."""
    with time_machine.travel(dt.datetime.combine(closed_on, dt.time(12)), tick=False):
        case = submit(world, children=[child(reference=reference), child(reference=f"{reference} sibling")])
    Notification.objects.for_partnership(world.partnership).filter(pk=case.pk).update(
        status=Status.PANEL_RESPONDED, panel_response_received_on=closed_on, panel_response="Noted."
    )
    return case


def rule(world, kind=RecordKind.CASE) -> RetentionRule:
    return next(r for r in selectors.ensure_rules(world.partnership) if r.kind == kind)


def cases(world):
    return Notification.objects.for_partnership(world.partnership)


@time_machine.travel(dt.datetime(2026, 12, 5, 9), tick=False)
def test_defaults_are_stated_with_their_reason(world_a, as_user):
    response = as_user(world_a.people["business"]).get(reverse("retention-schedule", args=[world_a.slug]))
    assert response.status_code == 200
    text = response.content.decode()
    assert f"{DEFAULT_CASE_YEARS} years after closing" in text
    assert "IRMS" in text and "Limitation Act 1980" in text
    assert "Activity log" in text and "append-only" in text


@time_machine.travel(dt.datetime(2026, 12, 5, 9), tick=False)
def test_a_case_closed_16_years_ago_under_a_15_year_rule_is_anonymised_keeping_counts(world_a):
    old = closed_case(world_a, closed_on=dt.date(2010, 6, 1))
    recent = closed_case(world_a, closed_on=dt.date(2020, 6, 1), reference="Child R")
    open_case = submit(world_a)
    [case_result, _] = services.dispose(world_a.partnership, dry_run=False, by_task="test")
    assert [c.pk for c in case_result.items] == [old.pk]
    old.refresh_from_db()
    assert old.summary == selectors.ANONYMISED and old.notifier_name == "" and old.notifier_email == ""
    kids = list(Child.objects.for_partnership(world_a.partnership).filter(notification=old))
    assert len(kids) == 2  # the statistics keep their children
    assert {k.reference for k in kids} == {"Child 1", "Child 2"} and {k.home_area for k in kids} == {""}
    assert {k.sex for k in kids} and all(k.age_years is not None for k in kids)
    recent.refresh_from_db()
    open_case.refresh_from_db()
    assert recent.summary == "What happened." and open_case.summary == "What happened."
    [record] = DisposalRecord.objects.for_partnership(world_a.partnership)
    assert (record.kind, record.action, record.count, record.rule_years, record.by_task) == (
        "case",
        "anonymise",
        1,
        15,
        "test",
    )
    assert ActivityEvent.objects.for_partnership(world_a.partnership).filter(event="retention.disposed").count() == 1
    # Anonymised once: not due again.
    assert services.dispose(world_a.partnership, dry_run=False)[0].items == []


@time_machine.travel(dt.datetime(2026, 12, 5, 9), tick=False)
def test_delete_rule_deletes_the_case_and_its_children(world_a):
    case_rule = rule(world_a)
    services.rule_change(world_a.ctx(), case_rule, years=15, action="delete", version=case_rule.version)
    old = closed_case(world_a, closed_on=dt.date(2010, 6, 1))
    services.dispose(world_a.partnership, dry_run=False, by_task="test")
    assert not cases(world_a).filter(pk=old.pk).exists()
    assert not Child.objects.for_partnership(world_a.partnership).filter(notification_id=old.pk).exists()
    log_before = ActivityEvent.objects.for_partnership(world_a.partnership).count()
    assert log_before > 0  # the case's log rows are all still there


@time_machine.travel(dt.datetime(2026, 12, 5, 9), tick=False)
def test_held_and_open_cases_are_never_disposed_of(world_a):
    held = closed_case(world_a, closed_on=dt.date(2001, 1, 1))
    open_case = submit(world_a)
    services.hold_place(world_a.ctx(), name="Child Q inquiry", reason="Inquiry freeze", notification=held)
    result = services.dispose(world_a.partnership, dry_run=False)[0]
    assert result.items == [] and [c.pk for c in result.held] == [held.pk]
    held.refresh_from_db()
    assert held.summary == "What happened."
    assert cases(world_a).filter(pk=open_case.pk).exists()
    assert not DisposalRecord.objects.for_partnership(world_a.partnership).exists()


@time_machine.travel(dt.datetime(2026, 12, 5, 9), tick=False)
def test_a_hold_on_everything_stops_all_disposal_until_lifted(world_a):
    old = closed_case(world_a, closed_on=dt.date(2001, 1, 1))
    hold = services.hold_place(world_a.ctx(), name="National inquiry", reason="Freeze everything")
    assert services.dispose(world_a.partnership, dry_run=False)[0].everything_held
    old.refresh_from_db()
    assert old.summary == "What happened."
    services.hold_lift(world_a.ctx(), hold, reason="The inquiry reported")
    assert [c.pk for c in services.dispose(world_a.partnership, dry_run=True)[0].items] == [old.pk]


@time_machine.travel(dt.datetime(2026, 12, 5, 9), tick=False)
def test_dry_run_changes_nothing_page_and_command(world_a, as_user, capsys):
    old = closed_case(world_a, closed_on=dt.date(2001, 1, 1))
    log = ActivityEvent.objects.for_partnership(world_a.partnership).filter(event="retention.disposed")
    response = as_user(world_a.people["business"]).get(reverse("retention-dry-run", args=[world_a.slug]))
    assert response.status_code == 200
    assert old.reference in response.content.decode()
    call_command("dispose", "--dry-run")
    assert "would anonymise 1" in capsys.readouterr().out
    old.refresh_from_db()
    assert old.summary == "What happened."
    assert not DisposalRecord.objects.for_partnership(world_a.partnership).exists() and not log.exists()


@time_machine.travel(dt.datetime(2026, 12, 5, 9), tick=False)
def test_the_page_button_disposes_and_records_who(world_a, as_user):
    closed_case(world_a, closed_on=dt.date(2001, 1, 1))
    response = as_user(world_a.people["business"]).post(reverse("retention-dry-run", args=[world_a.slug]))
    assert response.status_code == 302
    [record] = DisposalRecord.objects.for_partnership(world_a.partnership)
    assert record.by == world_a.person("business") and record.by_task == ""


def test_the_task_runs_in_far_future_and_ten_years_overdue(world_a):
    closed_case(world_a, closed_on=dt.date(2001, 1, 1))
    with time_machine.travel(dt.datetime(9999, 12, 31, 9), tick=False):
        assert dispose_due_records() == 1
    with time_machine.travel(dt.datetime(2036, 2, 29, 9), tick=False):
        assert dispose_due_records() == 0
    assert selectors.cutoff(15, dt.date(2024, 2, 29)) == dt.date(2009, 2, 28)
    assert selectors.cutoff(3000, dt.date(2026, 1, 1)) is None


@time_machine.travel(dt.datetime(2026, 12, 5, 9), tick=False)
def test_rule_change_page_errors_by_field_and_version(world_a, as_user):
    case_rule = rule(world_a)
    client = as_user(world_a.people["business"])
    url = reverse("retention-rule-change", args=[world_a.slug, case_rule.pk])
    response = client.post(url, {"years": "0", "action": "anonymise", "version": case_rule.version})
    assert response.status_code == 200 and "between 1 and 100" in response.content.decode()
    response = client.post(url, {"years": "20", "action": "delete", "version": case_rule.version})
    assert response.status_code == 302
    response = client.post(url, {"years": "25", "action": "delete", "version": case_rule.version})
    assert "changed by someone else" in response.content.decode()
    case_rule.refresh_from_db()
    assert (case_rule.years, case_rule.action) == (20, "delete")
    plan_rule = rule(world_a, RecordKind.ACTION_PLAN)
    url = reverse("retention-rule-change", args=[world_a.slug, plan_rule.pk])
    response = client.post(url, {"years": "6", "action": "anonymise", "version": plan_rule.version})
    assert "choose delete" in response.content.decode()


@time_machine.travel(dt.datetime(2026, 12, 5, 9), tick=False)
def test_scrutineer_reads_but_cannot_change(world_a, as_user):
    client = as_user(world_a.people["scrutineer"])
    assert client.get(reverse("retention-schedule", args=[world_a.slug])).status_code == 200
    assert client.get(reverse("retention-holds", args=[world_a.slug])).status_code == 200
    assert client.get(reverse("retention-hold-add", args=[world_a.slug])).status_code == 403
    assert client.post(reverse("retention-dry-run", args=[world_a.slug])).status_code == 403
    agency = as_user(world_a.people["agency"])
    assert agency.get(reverse("retention-schedule", args=[world_a.slug])).status_code == 403


@time_machine.travel(dt.datetime(2026, 12, 5, 9), tick=False)
def test_holds_page_add_and_lift(world_a, as_user):
    client = as_user(world_a.people["business"])
    response = client.post(reverse("retention-hold-add", args=[world_a.slug]), {"name": "", "reason": ""})
    assert "Enter the hold" in response.content.decode()
    response = client.post(reverse("retention-hold-add", args=[world_a.slug]), {"name": "Inquiry", "reason": "Freeze"})
    assert response.status_code == 302
    hold = LegalHold.objects.for_partnership(world_a.partnership).get()
    url = reverse("retention-hold-lift", args=[world_a.slug, hold.pk])
    assert "Enter why" in client.post(url, {"reason": ""}).content.decode()
    assert client.post(url, {"reason": "Reported"}).status_code == 302
    hold.refresh_from_db()
    assert hold.lifted_on == TODAY and hold.lift_reason == "Reported"


@time_machine.travel(dt.datetime(2026, 12, 5, 9), tick=False)
def test_case_export_json_and_pdf_are_logged_as_exports(world_a, as_user):
    case = submit(world_a)
    client = as_user(world_a.people["business"])
    response = client.get(reverse("case-export-json", args=[world_a.slug, case.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["reference"] == case.reference and len(data["children"]) == 1
    response = client.get(reverse("case-export-pdf", args=[world_a.slug, case.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    exports = ActivityEvent.objects.for_partnership(world_a.partnership).filter(kind=ActivityEvent.Kind.EXPORT)
    assert exports.count() == 2
    assert as_user(world_a.people["agency"]).get(
        reverse("case-export-json", args=[world_a.slug, case.pk])
    ).status_code in (403, 404)


@time_machine.travel(dt.datetime(2026, 12, 5, 9), tick=False)
def test_api_rules_holds_and_disposals(world_a, api):
    client = api(world_a.people["business"])
    base = f"/api/v1/{world_a.slug}/"
    rules = client.get(base + "retention-rules/").json()
    rules = rules.get("results", rules)
    case_rule = next(r for r in rules if r["kind"] == "case")
    response = client.patch(base + f"retention-rules/{case_rule['id']}/", {"years": 0}, format="json")
    assert response.status_code == 400 and "years" in response.json()
    response = client.patch(
        base + f"retention-rules/{case_rule['id']}/", {"years": 20, "version": case_rule["version"]}, format="json"
    )
    assert response.status_code == 200 and response.json()["years"] == 20
    response = client.patch(
        base + f"retention-rules/{case_rule['id']}/", {"years": 21, "version": case_rule["version"]}, format="json"
    )
    assert response.status_code == 409
    response = client.post(base + "legal-holds/", {"name": "Inquiry", "reason": "Freeze"}, format="json")
    assert response.status_code == 201 and response.json()["on_everything"]
    hold_id = response.json()["id"]
    assert client.post(base + f"legal-holds/{hold_id}/lift/", {"reason": "Done"}, format="json").status_code == 200
    assert client.get(base + "disposal-records/").status_code == 200
    scrutineer = api(world_a.people["scrutineer"])
    assert scrutineer.get(base + "retention-rules/").status_code == 200
    assert (
        scrutineer.patch(base + f"retention-rules/{case_rule['id']}/", {"years": 9}, format="json").status_code == 403
    )


@time_machine.travel(dt.datetime(2026, 12, 5, 9), tick=False)
def test_the_case_page_links_the_export_for_the_business_unit_only(world_a, as_user):
    case = submit(world_a)
    url = reverse("notification-detail", args=[world_a.slug, case.pk])
    page = as_user(world_a.people["business"]).get(url).content.decode()
    assert reverse("case-export-pdf", args=[world_a.slug, case.pk]) in page
    page = as_user(world_a.people["scrutineer"]).get(url)
    assert reverse("case-export-pdf", args=[world_a.slug, case.pk]) not in page.content.decode()


def test_disposal_is_scheduled_daily():
    from lscp.schedules import SCHEDULES

    assert ("lscp.dispose_due_records", 24 * 60 * 60) in [(task, every) for _, task, every in SCHEDULES]


@time_machine.travel(dt.datetime(2026, 12, 5, 9), tick=False)
def test_a_case_closes_on_the_last_step_of_its_own_path(world_a):
    """A care leaver's death (no Panel) and a case that does not meet the criteria close too: on
    main they never closed, so they were kept for ever."""
    from django.utils import timezone

    from reviews.notifications.models import CriteriaResult

    care_leaver = submit(world_a, children=[child(reference="Child CL")])
    Notification.objects.for_partnership(world_a.partnership).filter(pk=care_leaver.pk).update(
        status=Status.SOS_OFSTED_NOTIFIED, sos_notified_on=dt.date(2009, 3, 2), ofsted_notified_on=dt.date(2009, 3, 4)
    )
    not_met = submit(world_a, children=[child(reference="Child NM")])
    Notification.objects.for_partnership(world_a.partnership).filter(pk=not_met.pk).update(
        criteria_decision=CriteriaResult.DOES_NOT_MEET,
        criteria_decided_at=timezone.make_aware(dt.datetime(2010, 1, 5, 10)),
    )
    only_sos = submit(world_a, children=[child(reference="Child HALF")])  # Ofsted not yet told: open
    Notification.objects.for_partnership(world_a.partnership).filter(pk=only_sos.pk).update(
        status=Status.SOS_OFSTED_NOTIFIED, sos_notified_on=dt.date(2009, 3, 2)
    )
    undecided = submit(world_a, children=[child(reference="Child OPEN")])
    closed = {c.pk: c.closed_on for c in selectors.closed_cases(world_a.partnership)}
    assert closed == {care_leaver.pk: dt.date(2009, 3, 4), not_met.pk: dt.date(2010, 1, 5)}
    [case_result, _] = services.dispose(world_a.partnership, dry_run=False, by_task="test")
    assert sorted(c.pk for c in case_result.items) == sorted([care_leaver.pk, not_met.pk])
    for case in (only_sos, undecided):
        case.refresh_from_db()
        assert case.summary == "What happened."
