"""The audit programme: planning audits and re-audits, their pages, and their action plans."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from audits.models import Audit
from audits.programme import selectors as programme_selectors
from audits.programme import services as programme_services
from audits.quarters import current_year_start
from tests.audits.helpers import api
from tests.support.clients import error_by_field
from tests.support.world import make_world

pytestmark = pytest.mark.django_db


# ----------------------------------------------------------------------------------------------
# The audit programme


def test_planning_audits_and_re_audits(world_a):
    year = current_year_start()
    ctx = world_a.ctx()
    first = programme_services.audit_save(ctx, title="Neglect deep dive", kind="deep_dive", year_start=year, quarter=2)
    with pytest.raises(ValidationError) as error:
        programme_services.audit_save(
            ctx, title="Too early", kind="deep_dive", year_start=year, quarter=1, re_audit_of=first
        )
    assert "A re-audit comes after the audit it revisits" in error.value.message_dict["re_audit_of"][0]
    with pytest.raises(ValidationError) as error:
        programme_services.audit_save(ctx, title="Q5", kind="deep_dive", year_start=year, quarter=5)
    assert error.value.message_dict == {"quarter": ["The quarter must be Q1, Q2, Q3 or Q4"]}
    with pytest.raises(ValidationError) as error:
        programme_services.audit_save(ctx, first, status="complete")
    assert set(error.value.message_dict) == {"findings", "completed_on"}
    done = programme_services.audit_save(
        ctx,
        first,
        status="complete",
        findings="Thresholds applied unevenly",
        completed_on=dt.date.today(),
        children_involved=True,
    )
    assert done.status == "complete" and done.version == first.version + 1
    later = programme_services.audit_save(
        ctx, title="Neglect re-audit", kind="deep_dive", year_start=year, quarter=4, re_audit_of=done
    )
    coverage = programme_selectors.audit_coverage(ctx, year_start=year)
    assert coverage.re_audits >= 1 and later in done.re_audits.all()


def test_an_audit_page_bad_then_good_and_the_scrutineer_cannot_plan(world_a, as_user):
    client = as_user(world_a.people["business"])
    url = reverse("audit-add", args=[world_a.slug])
    year = current_year_start()
    bad = client.post(url, {"title": "", "kind": "deep_dive", "when": f"{year}-1", "status": "complete"})
    html = bad.content.decode()
    assert error_by_field(html, "id_title") == "Enter the title"
    good = client.post(
        url,
        {
            "title": "Exploitation quality conversation",
            "kind": "quality_conversation",
            "when": f"{year}-3",
            "status": "planned",
            "participants": [world_a.members["police"].pk],
            "practitioners_involved": "true",
        },
    )
    assert good.status_code == 302
    audit = Audit.objects.for_partnership(world_a.partnership).get(title="Exploitation quality conversation")
    assert audit.quarter == 3 and list(audit.participants.all()) == [world_a.members["police"]]
    assert as_user(world_a.people["scrutineer"]).post(url, {"title": "x"}).status_code == 403


def test_the_programme_by_year_page_and_api_share_one_filter(world_a, as_user):
    """`year`: the page and the API filter by it alike; a year that is not one is the page's error
    (the current year shown, not a silent mix) and the API's 400."""
    year = current_year_start()
    programme_services.audit_save(
        world_a.ctx(), title="Last year's deep dive", kind="deep_dive", year_start=year - 1, quarter=3
    )
    listed = api(world_a.person("scrutineer")).get(f"/api/v1/{world_a.slug}/audits/?year={year - 1}").json()
    assert "Last year's deep dive" in [row["title"] for row in listed["results"]]
    assert {row["year_start"] for row in listed["results"]} == {year - 1}
    assert api(world_a.person("scrutineer")).get(f"/api/v1/{world_a.slug}/audits/?year=soon").status_code == 400
    client = as_user(world_a.people["scrutineer"])
    url = reverse("audit-programme", args=[world_a.slug])
    assert "Last year&#x27;s deep dive" in client.get(f"{url}?year={year - 1}").content.decode()
    html = client.get(f"{url}?year=soon").content.decode()
    assert "Year: Select one of the options given" in html and f"Audit programme {year}-" in html
    assert "Last year&#x27;s deep dive" not in html


def test_an_audit_changed_meanwhile_keeps_the_edit_on_the_page(world_a, as_user):
    audit = programme_services.audit_save(
        world_a.ctx(), title="Neglect deep dive", kind="deep_dive", year_start=2026, quarter=3, status="planned"
    )
    client = as_user(world_a.people["business"])
    url = reverse("audit-edit", args=[world_a.slug, audit.pk])
    read = int(re.search(r'name="version" value="(\d+)"', client.get(url).content.decode()).group(1))
    programme_services.audit_save(world_a.ctx(), audit, status="in_progress")
    mine = {
        "version": read,
        "title": "Neglect deep dive (Q3)",
        "kind": "deep_dive",
        "when": "2026-3",
        "status": "planned",
    }
    html = client.post(url, mine).content.decode()
    assert "This audit was changed by someone else while you were editing it" in html
    assert 'value="Neglect deep dive (Q3)"' in html and f'name="version" value="{read + 1}"' in html
    audit.refresh_from_db()
    assert (audit.title, audit.status) == ("Neglect deep dive", "in_progress")


def test_an_audits_recommendations_become_an_action_plan(world_a, as_user):
    from reviews.action_plans.models import ActionPlan

    audit = world_a.objects[Audit]
    url = reverse("audit-action-plan", args=[world_a.slug, audit.pk])
    business = as_user(world_a.people["business"])
    form = business.get(url).content.decode()
    assert f'value="{audit.title}: action plan"' in form  # filled in from the audit
    assert as_user(world_a.people["scrutineer"]).get(url).status_code == 403
    assert as_user(world_a.people["agency"]).post(url, {"title": "x"}).status_code == 403
    before = ActionPlan.objects.for_partnership(world_a.partnership).count()

    bad = business.post(url, {"title": "", "source_kind": "audit", "submission_key": "k1"})
    assert bad.status_code == 200 and error_by_field(bad.content.decode(), "id_title")
    assert ActionPlan.objects.for_partnership(world_a.partnership).count() == before

    today = dt.date.today()
    response = business.post(
        url,
        {
            "title": "Neglect re-audit action plan",
            "source_kind": "audit",
            "source_reference": audit.title,
            "created_on-day": today.day,
            "created_on-month": today.month,
            "created_on-year": today.year,
            "summary": "Findings of the re-audit",
            "submission_key": "k2",
        },
    )
    assert response.status_code == 302
    plan = ActionPlan.objects.for_partnership(world_a.partnership).get(submission_key="k2")
    assert plan.source_record() == audit and plan.source_kind == "audit"
    page = business.get(reverse("audit-detail", args=[world_a.slug, audit.pk])).content.decode()
    assert "Neglect re-audit action plan" in page and "0 recommendations, no actions yet" in page

    other = make_world("southend", area="Southend")
    assert business.get(reverse("audit-action-plan", args=[world_a.slug, other.objects[Audit].pk])).status_code == 404


@time_machine.travel(dt.datetime(2026, 12, 5, 10, tzinfo=dt.UTC), tick=False)
def test_planning_an_audit_starts_at_the_current_quarter(world_a, as_user):
    """Issue 14 §4: 5 December 2026 is in Q3 of 2026-27 (October to December)."""
    page = as_user(world_a.people["business"]).get(reverse("audit-add", args=[world_a.slug])).content.decode()
    assert re.search(r'<option value="2026-3"[^>]* selected', page), "Q3 2026-27 is chosen"
    assert not re.search(r'<option value="2026-1"[^>]* selected', page)
