"""Action plans: numbering and summaries, RAG on fixed dates, ratification in order, due-date
changes, owners and grants, the completion workflow, concurrent edits, bad input (nothing changed),
pages, the PDF progress report and the demo plans."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lscp.deadlines.workdays import calendar_for
from lscp.models import ActivityEvent, Document
from lscp.roles import Role
from lscp.states import StateError
from partners import services as partner_services
from partners.models import MemberKind, Sector
from reviews.action_plans import rag, selectors, services
from reviews.action_plans.models import (
    Action,
    ActionPlan,
    DueDateChange,
    ProgressUpdate,
    Recommendation,
    SourceKind,
    Stage,
)
from tests.support.clients import error_by_field
from tests.support.makers_actions import plan_with, ratify_all
from tests.support.makers_reviews import PDF_BYTES
from tests.support.world import add_person, make_world, organisation

pytestmark = pytest.mark.django_db

D = dt.date


def at(day: dt.date, hour: int = 10):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, 0), tick=False)


def date_fields(name: str, day: dt.date) -> dict:
    """A GOV.UK date input's three fields, as a page posts them."""
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month), f"{name}-year": str(day.year)}


def actions_of(plan):
    return list(
        Action.objects.for_partnership(plan.partnership)
        .filter(plan=plan)
        .select_related("plan", "recommendation", "owner_member")
        .order_by("recommendation__number", "recommendation__part", "position")
    )


def fresh(action):
    return Action.objects.for_partnership(action.partnership).select_related("plan", "recommendation").get(pk=action.pk)


def summary_of(world, plan):
    return selectors.plan_page(world.ctx(), plan).summary


# ----------------------------------------------------------------------------------------------
# RAG: the pure rule


W = rag.Windows(
    today=D(2026, 12, 17), due_soon_by=D(2027, 1, 5), task_soon_by=D(2026, 12, 24), recent_since=D(2026, 11, 19)
)


@pytest.mark.parametrize(
    ("status", "due", "overdue", "progress", "expected"),
    [
        ("complete", D(2026, 1, 1), True, None, "complete"),  # accepted beats an overdue clock
        ("awaiting_acceptance", D(2026, 12, 1), True, None, "awaiting_acceptance"),
        ("on_track", D(2026, 12, 16), True, D(2026, 12, 16), "overdue"),  # the clock decides
        ("on_track", D(2026, 12, 16), False, None, "at_risk"),  # past due, clock not running: not "overdue"
        ("at_risk", D(2027, 6, 1), False, D(2026, 12, 16), "at_risk"),  # the owner says so
        ("on_track", D(2027, 1, 5), False, D(2026, 11, 18), "at_risk"),  # due soon, progress too old
        ("on_track", D(2027, 1, 5), False, D(2026, 11, 19), "on_track"),  # due soon, recent progress
        ("not_started", D(2027, 1, 5), False, D(2026, 12, 16), "at_risk"),  # due soon, not started
        ("on_track", D(2027, 1, 6), False, None, "on_track"),  # not due soon
        ("not_started", D(2027, 3, 1), False, None, "on_track"),
    ],
)
def test_rag_is_a_pure_function_of_status_clock_and_progress(status, due, overdue, progress, expected):
    result = rag.rag(status=status, due_date=due, overdue=overdue, last_progress_on=progress, w=W)
    assert result.key == expected
    assert rag.reason(status=status, due_date=due, overdue=overdue, last_progress_on=progress, w=W)


def test_rag_windows_count_working_days_over_christmas(world_a):
    w = rag.windows(calendar_for(world_a.partnership), D(2026, 12, 17))
    # 10 working days after Thu 17 Dec: Christmas, Boxing Day (Mon 28) and New Year's Day skipped.
    assert w.due_soon_by == D(2027, 1, 5)
    assert w.recent_since == D(2026, 11, 19)


# ----------------------------------------------------------------------------------------------
# Numbering and the summary, on fixed dates


SEED_PLAN = [
    ("1a", "Health visitors use GCP2", [("Train health visitors", "agency", D(2026, 12, 1))]),
    ("1b", "School nurses use GCP2", [("Train school nurses", "agency", D(2027, 3, 1))]),
    ("2", "Was not brought", [("Guidance to GPs", "health", D(2026, 12, 1))]),
    ("3a", "Out-of-hours advice", [("Rota", "health", D(2027, 3, 1))]),
    ("3b", "Crisis team route", [("Escalation route", "health", D(2027, 3, 1))]),
    ("4", "Fathers", [("Assessment template", "council", D(2026, 12, 1))]),
    ("5", "Professional curiosity", [("Workshops", None, D(2026, 12, 1))]),
    ("6a", "Transfers in health", [("Checklist", "agency", D(2027, 3, 1))]),
    ("6b", "Transfers from social care", [("Notifications", "council", D(2027, 1, 4))]),
    ("7", "Escalation policy", [("Relaunch", None, D(2026, 12, 1))]),
    ("8", "Dental neglect", [("Pathway", "health", D(2027, 3, 1))]),
    ("9a", "Primary absence", [("DSL briefing", "council", D(2026, 12, 1))]),
    ("9b", "Secondary absence", [("Protocol", "council", D(2027, 3, 1))]),
    ("10", "Audit", [("Audit", None, D(2027, 3, 1))]),
]


def test_numbering_and_the_seed_plans_summary_on_fixed_dates():
    with at(D(2026, 11, 2)):
        world = make_world("summaries", with_objects=False)
        plan = plan_with(world, SEED_PLAN, created_on=D(2026, 11, 2))
        ratify_all(world, plan, D(2026, 11, 2))
        actions = actions_of(plan)
        assert [a.number for a in actions][:4] == ["1a.1", "1b.1", "2.1", "3a.1"]
        done = [a for a in actions if a.due_date == D(2026, 12, 1)]
        assert len(done) == 6
    with at(D(2026, 11, 20)):
        for action in actions:
            who = world.ctx("agency") if action.owner_member == world.members["agency"] else world.ctx()
            services.progress_add(who, action, on=D(2026, 11, 20), text="Started", status="on_track")
        for action in done:
            who = world.ctx("agency") if action.owner_member == world.members["agency"] else world.ctx()
            services.action_complete(who, fresh(action), completed_on=D(2026, 11, 20), completion_evidence="Done")
            services.action_accept(world.ctx(), fresh(action))
        summary = summary_of(world, plan)
        assert summary.sentence == "10 recommendations, 14 actions: 6 complete, 8 on track"
        assert summary.by_status["complete"] == 6 and summary.by_status["on_track"] == 8
    # Fri 18 Dec: 6b (due Mon 4 Jan) is due within 10 working days, and its update of Fri 20 Nov
    # is exactly 20 working days old: still recent, so on track.
    with at(D(2026, 12, 18)):
        assert summary_of(world, plan).sentence == "10 recommendations, 14 actions: 6 complete, 8 on track"
    # Mon 21 Dec: the update is now older than 20 working days, so 6b is at risk.
    with at(D(2026, 12, 21)):
        summary = summary_of(world, plan)
        assert summary.sentence == "10 recommendations, 14 actions: 6 complete, 7 on track, 1 at risk"
    # Tue 5 Jan 2027: 6b's clock is overdue; by organisation, the council (owner of 6b) comes first.
    with at(D(2027, 1, 5)):
        summary = summary_of(world, plan)
        assert summary.sentence == "10 recommendations, 14 actions: 6 complete, 7 on track, 1 overdue"
        assert summary.by_organisation[0].name == "Summaries Council"
        assert summary.by_organisation[0].overdue == 1
        page = selectors.plan_page(world.ctx(), plan)
        first = selectors.overdue_first(page.rows)[0]
        assert first.action.number == "6b.1" and first.rag is rag.OVERDUE


def test_the_plan_page_shows_the_summary_and_the_rule(world_a, as_user):
    with at(D(2026, 11, 26)):
        plan = plan_with(world_a, SEED_PLAN[:3], created_on=D(2026, 11, 2), title="Three recommendations")
        page = as_user(world_a.people["business"]).get(reverse("action-plan-detail", args=[world_a.slug, plan.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    # Recommendations are counted by number (1a and 1b are parts of one). 1a and 2 are due on
    # Tue 1 Dec with no progress: at risk (the plan is not live, so no clock is overdue).
    assert "2 recommendations, 3 actions: 1 on track, 2 at risk" in html
    assert "How RAG is worked out" in html and "nobody types it" in html
    assert "due within 10 working days" in html
    assert "Record the Learning &amp; Practice Review Group's ratification" in html


# ----------------------------------------------------------------------------------------------
# Ratification


def test_ratification_in_order_and_the_plan_goes_live(world_a):
    with at(D(2026, 11, 26)):
        plan = plan_with(world_a, SEED_PLAN[:2], created_on=D(2026, 11, 2))
        with pytest.raises(StateError, match="Learning & Practice Review Group decides before the Management"):
            services.plan_ratify(
                world_a.ctx(), plan, stage=Stage.MEB, decided_on=D(2026, 11, 10), minute_reference="M1"
            )
        services.plan_ratify(world_a.ctx(), plan, stage=Stage.LPRG, decided_on=D(2026, 11, 10), minute_reference="L1")
        plan.refresh_from_db()
        assert plan.status == "ratifying" and plan.live_on is None
        with pytest.raises(ValidationError) as error:
            services.plan_ratify(world_a.ctx(), plan, stage=Stage.MEB, decided_on=D(2026, 11, 9), minute_reference="")
        assert error.value.message_dict == {
            "decided_on": [
                "The date of the decision must be on or after the Learning & Practice Review Group's decision "
                "(10 November 2026)"
            ],
            "minute_reference": ["Enter the minute reference"],
        }
        with pytest.raises(StateError, match="has already ratified"):
            services.plan_ratify(
                world_a.ctx(), plan, stage=Stage.LPRG, decided_on=D(2026, 11, 10), minute_reference="L"
            )
        # Clocks wait for the statutory partners.
        [first, _] = actions_of(plan)
        clock = first.deadlines.get()
        assert clock.due_date is None and clock.explanation == "starts when the date the plan went live is recorded"
        services.plan_ratify(world_a.ctx(), plan, stage=Stage.MEB, decided_on=D(2026, 11, 17), minute_reference="M1")
        services.plan_ratify(
            world_a.ctx(), plan, stage=Stage.PARTNERS, decided_on=D(2026, 11, 24), minute_reference="S1"
        )
        plan.refresh_from_db()
        assert (plan.status, plan.live_on) == ("live", D(2026, 11, 24))
        clock = first.deadlines.get()
        assert (clock.starts_on, clock.due_date) == (D(2026, 11, 24), D(2026, 12, 1))
        assert clock.explanation == "due Tue 1 Dec 2026: the due date agreed in the action plan"
        assert selectors.ratification_text(selectors.plan_page(world_a.ctx(), plan)) == (
            "Ratified by the Learning & Practice Review Group on 10 November 2026 (L1), the Management Executive Board "
            "on 17 November 2026 (M1) and the statutory partners on 24 November 2026 (S1)."
        )


def test_a_plan_without_actions_is_not_ratified(world_a):
    plan = services.plan_create(world_a.ctx(), title="Empty", source_kind=SourceKind.STANDALONE)
    with pytest.raises(StateError, match="no actions yet"):
        services.plan_ratify(world_a.ctx(), plan, stage=Stage.LPRG, decided_on=plan.created_on, minute_reference="L1")


# ----------------------------------------------------------------------------------------------
# Due dates


def test_a_due_date_before_the_plan_was_drawn_up_is_refused_and_nothing_is_created(world_a):
    before = ActionPlan.objects.for_partnership(world_a.partnership).count()
    with pytest.raises(ValidationError) as error:
        plan_with(world_a, [("1", "R", [("A", "agency", D(2025, 12, 31))])], created_on=D(2026, 1, 5))
    assert error.value.message_dict == {
        "recommendations": [
            "Recommendation 1, action 1, due date: The due date, 31 Dec 2025, is before the plan was drawn up (5 Jan 2026)"
        ]
    }
    assert ActionPlan.objects.for_partnership(world_a.partnership).count() == before
    plan = plan_with(world_a, [("1", "R", [("A", "agency", D(2026, 2, 1))])], created_on=D(2026, 1, 5))
    rec = Recommendation.objects.for_partnership(world_a.partnership).get(plan=plan)
    with pytest.raises(ValidationError) as error:
        services.action_add(
            world_a.ctx(), rec, description="B", owner_member=world_a.members["police"], due_date=D(2026, 1, 4)
        )
    assert error.value.message_dict["due_date"] == [
        "The due date, 4 Jan 2026, is before the plan was drawn up (5 Jan 2026)"
    ]


def test_changing_a_due_date_once_live_needs_a_reason_and_is_recorded(world_a):
    with at(D(2026, 11, 26)):
        plan = plan_with(world_a, [("1", "R", [("A", "agency", D(2026, 12, 10))])], created_on=D(2026, 11, 2))
        [action] = actions_of(plan)
        # Before ratification a due date simply changes.
        services.action_update(
            world_a.ctx(), action, description="A", owner_member=action.owner_member, due_date=D(2026, 12, 11)
        )
        assert not DueDateChange.objects.for_partnership(world_a.partnership).filter(action=action).exists()
        ratify_all(world_a, plan, D(2026, 11, 20))
        action = fresh(action)
        with pytest.raises(ValidationError) as error:
            services.action_update(
                world_a.ctx(), action, description="A", owner_member=action.owner_member, due_date=D(2027, 1, 29)
            )
        assert error.value.message_dict == {
            "reason": ["The plan is live: give the reason for changing the due date from 11 Dec 2026"]
        }
        services.action_update(
            world_a.ctx(),
            action,
            description="A",
            owner_member=action.owner_member,
            due_date=D(2027, 1, 29),
            reason="Waiting for the SET procedures",
        )
    change = DueDateChange.objects.for_partnership(world_a.partnership).get(action=action)
    assert (change.old_date, change.new_date, change.reason) == (
        D(2026, 12, 11),
        D(2027, 1, 29),
        "Waiting for the SET procedures",
    )
    assert action.deadlines.get().due_date == D(2027, 1, 29)
    # The action's two changes in the activity log, in the order they were made.
    before, after = (
        ActivityEvent.objects.for_partnership(world_a.partnership)
        .filter(event="action.changed", object_id=str(action.pk))
        .order_by("at", "id")
    )
    assert before.changes["due_date"] == {"old": "2026-12-10", "new": "2026-12-11"} and "reason" not in before.changes
    assert after.changes["due_date"] == {"old": "2026-12-11", "new": "2027-01-29"}
    assert after.changes["reason"]["new"] == "Waiting for the SET procedures"


# ----------------------------------------------------------------------------------------------
# Owners and grants


def second_agency(world):
    member = partner_services.member_add(
        ctx=world.ctx(), organisation=organisation("EPUT", Sector.HEALTH), kind=MemberKind.RELEVANT_AGENCY
    )
    lead = add_person(world, "eput", role=Role.AGENCY_LEAD, member=member)
    return member, lead


def test_an_owner_organisation_must_be_a_member_and_the_owner_person_of_it(world_a, world_b):
    rec_args = dict(created_on=D(2026, 1, 5))
    with pytest.raises(ValidationError) as error:
        services.plan_create(
            world_a.ctx(),
            title="T",
            source_kind=SourceKind.STANDALONE,
            recommendations=[
                services.RecommendationIn(
                    1,
                    "",
                    "R",
                    actions=[
                        services.ActionIn("A", owner_member=world_b.members["agency"], due_date=D(2026, 2, 1)),
                        services.ActionIn(
                            "B",
                            owner_member=world_a.members["police"],
                            owner=world_a.people["agency"],
                            due_date=D(2026, 2, 1),
                        ),
                        services.ActionIn(
                            "C", owner_member=None, owner=world_a.people["scrutineer"], due_date=D(2026, 2, 1)
                        ),
                    ],
                )
            ],
            **rec_args,
        )
    assert error.value.message_dict["recommendations"] == [
        "Recommendation 1, action 1, owner organisation: Choose an organisation that is a member of Thurrock LSCP",
        f"Recommendation 1, action 2, owner person: {world_a.person('agency').get_full_name()} is not a member of "
        "Essex Police",
        "Recommendation 1, action 3, owner person: The business unit owns this action: the owner must be a member "
        "of the business unit",
    ]


def test_agency_leads_see_and_update_only_their_organisations_actions(world_a, as_user):
    eput, eput_lead = second_agency(world_a)
    with at(D(2026, 11, 26)):
        plan = plan_with(
            world_a,
            [("1", "R", [("NELFT's", "agency", D(2027, 1, 10)), ("EPUT's", None, D(2027, 1, 10))])],
            created_on=D(2026, 11, 2),
        )
        nelft_action, unowned = actions_of(plan)
        services.action_update(world_a.ctx(), unowned, description="EPUT's", owner_member=eput, due_date=D(2027, 1, 10))
        eput_action = fresh(unowned)
        nelft = as_user(world_a.people["agency"])
        listing = nelft.get(reverse("action-list", args=[world_a.slug])).content.decode()
        assert "NELFT&#x27;s" in listing and "EPUT&#x27;s" not in listing
        assert nelft.get(reverse("action-detail", args=[world_a.slug, nelft_action.pk])).status_code == 200
        assert nelft.get(reverse("action-detail", args=[world_a.slug, eput_action.pk])).status_code == 404
        before = ProgressUpdate.objects.for_partnership(world_a.partnership).count()
        response = nelft.post(
            reverse("action-progress", args=[world_a.slug, eput_action.pk]),
            {
                "version": eput_action.version,
                "on-day": "26",
                "on-month": "11",
                "on-year": "2026",
                "text": "x",
                "status": "on_track",
            },
        )
        assert response.status_code == 404
        assert ProgressUpdate.objects.for_partnership(world_a.partnership).count() == before
        with pytest.raises(Exception, match="No such record"):
            services.progress_add(world_a.ctx("agency"), eput_action, on=D(2026, 11, 26), text="x", status="on_track")
        # Plans are not theirs to read, and the business unit's steps are not theirs to take.
        assert nelft.get(reverse("action-plan-detail", args=[world_a.slug, plan.pk])).status_code == 403
        assert nelft.get(reverse("action-edit", args=[world_a.slug, nelft_action.pk])).status_code == 403
        # The owner changes: the grant moves with it.
        services.action_update(
            world_a.ctx(), fresh(nelft_action), description="NELFT's", owner_member=eput, due_date=D(2027, 1, 10)
        )
        assert nelft.get(reverse("action-detail", args=[world_a.slug, nelft_action.pk])).status_code == 404
        eput_client = as_user(eput_lead)
        assert eput_client.get(reverse("action-detail", args=[world_a.slug, nelft_action.pk])).status_code == 200


def test_a_dsp_named_as_owner_updates_that_action_only(world_a):
    with at(D(2026, 11, 26)):
        plan = plan_with(
            world_a,
            [("1", "R", [("A", "police", D(2027, 1, 10)), ("B", "police", D(2027, 1, 10))])],
            created_on=D(2026, 11, 2),
        )
        first, second = actions_of(plan)
        services.action_update(
            world_a.ctx(),
            first,
            description="A",
            owner_member=world_a.members["police"],
            owner=world_a.people["police"],
            due_date=first.due_date,
        )
        services.progress_add(world_a.ctx("police"), fresh(first), on=D(2026, 11, 26), text="Begun", status="on_track")
        with pytest.raises(Exception, match="permission"):
            services.progress_add(world_a.ctx("police"), second, on=D(2026, 11, 26), text="x", status="on_track")


# ----------------------------------------------------------------------------------------------
# Completion: evidence, acceptance, return


def test_complete_with_evidence_accept_and_return(world_a, as_user):
    with at(D(2026, 11, 26)):
        plan = plan_with(world_a, [("1", "R", [("A", "agency", D(2026, 12, 10))])], created_on=D(2026, 11, 2))
        ratify_all(world_a, plan, D(2026, 11, 20))
        [action] = actions_of(plan)
        agency = world_a.ctx("agency")
        with pytest.raises(ValidationError) as error:
            services.action_complete(agency, action, completed_on=D(2026, 11, 27))
        assert error.value.message_dict == {
            "completed_on": ["The date it was completed must be today or in the past"],
            "completion_evidence": ["Give the evidence of completion: a description, a link or a document"],
        }
        services.action_complete(
            agency,
            action,
            completed_on=D(2026, 11, 25),
            document=SimpleUploadedFile("protocol.pdf", PDF_BYTES),
            completion_link="https://example.org/protocol",
        )
        action = fresh(action)
        assert action.status == "awaiting_acceptance"
        assert action.deadlines.get().met_on == D(2026, 11, 25)
        document = Document.objects.for_partnership(world_a.partnership).get(about_id=action.pk, kind="pdf")
        assert (
            as_user(world_a.people["agency"])
            .get(reverse("document-download", args=[world_a.slug, document.pk]))
            .status_code
            == 200
        )
        with pytest.raises(StateError, match="awaiting acceptance"):
            services.progress_add(agency, action, on=D(2026, 11, 26), text="More", status="on_track")
        with pytest.raises(Exception, match="permission"):
            services.action_accept(agency, action)
        services.action_return(
            world_a.ctx(), action, reason="The protocol is not yet signed by the police", status="at_risk"
        )
        action = fresh(action)
        assert (action.status, action.completed_on) == ("at_risk", None)
        assert action.deadlines.get().met_on is None  # the clock runs again
        services.action_complete(agency, action, completed_on=D(2026, 11, 26), completion_evidence="Signed by all")
        services.action_accept(world_a.ctx(), fresh(action))
        with pytest.raises(StateError, match="only an action marked complete by its owner is returned"):
            services.action_return(world_a.ctx(), fresh(action), reason="x", status="on_track")
        with pytest.raises(StateError, match="only an action marked complete by its owner is accepted"):
            services.action_accept(world_a.ctx(), fresh(action))
    kinds = list(
        ProgressUpdate.objects.for_partnership(world_a.partnership)
        .filter(action=action)
        .order_by("at", "id")
        .values_list("kind", flat=True)
    )
    assert kinds == ["completed", "returned", "completed", "accepted"]
    assert fresh(action).deadlines.get().met_on == D(2026, 11, 26)


def test_accepting_makes_it_complete_and_evidence_of_impact_comes_later(world_a):
    with at(D(2026, 11, 26)):
        plan = plan_with(world_a, [("1", "R", [("A", "agency", D(2026, 12, 10))])], created_on=D(2026, 11, 2))
        [action] = actions_of(plan)
        services.action_complete(
            world_a.ctx("agency"), action, completed_on=D(2026, 11, 26), completion_evidence="Done"
        )
        services.action_accept(world_a.ctx(), fresh(action), note="Seen at LPRG")
        action = fresh(action)
        assert (action.status, action.accepted_on) == ("complete", D(2026, 11, 26))
        with pytest.raises(StateError, match="accepted"):
            services.evidence_update(world_a.ctx("agency"), action, completion_evidence="Changed")
        services.evidence_update(world_a.ctx("agency"), action, impact_evidence="Re-audit: GCP2 in 9 of 10 cases")
        assert fresh(action).impact_evidence == "Re-audit: GCP2 in 9 of 10 cases"
        writes = ActivityEvent.objects.for_partnership(world_a.partnership).filter(kind="write").count()
        services.evidence_update(
            world_a.ctx("agency"), fresh(action), impact_evidence="Re-audit: GCP2 in 9 of 10 cases"
        )
        assert ActivityEvent.objects.for_partnership(world_a.partnership).filter(kind="write").count() == writes


def test_a_plan_closes_once_every_action_is_complete(world_a):
    with at(D(2026, 11, 26)):
        plan = plan_with(world_a, [("1", "R", [("A", None, D(2026, 12, 10))])], created_on=D(2026, 11, 2))
        with pytest.raises(StateError, match="not live yet"):
            services.plan_close(world_a.ctx(), plan)
        ratify_all(world_a, plan, D(2026, 11, 20))
        with pytest.raises(StateError, match="1 action not yet complete"):
            services.plan_close(world_a.ctx(), plan)
        [action] = actions_of(plan)
        services.action_complete(world_a.ctx(), action, completed_on=D(2026, 11, 26), completion_evidence="Done")
        services.action_accept(world_a.ctx(), fresh(action))
        plan = services.plan_close(world_a.ctx(), plan)
        assert plan.status == "closed"
        with pytest.raises(StateError, match="closed"):
            services.recommendation_add(world_a.ctx(), plan, number=2, text="More")


# ----------------------------------------------------------------------------------------------
# Concurrent edits


def test_a_concurrent_edit_is_refused_with_the_input_kept(world_a, as_user):
    with at(D(2026, 11, 26)):
        plan = plan_with(world_a, [("1", "R", [("A", "agency", D(2026, 12, 10))])], created_on=D(2026, 11, 2))
        [action] = actions_of(plan)
        seen = action.version
        # Someone else saves first.
        services.progress_add(world_a.ctx("agency"), action, on=D(2026, 11, 26), text="Theirs", status="at_risk")
        with pytest.raises(services.StaleVersion):
            services.progress_add(
                world_a.ctx(), action, on=D(2026, 11, 26), text="Mine", status="on_track", expected_version=seen
            )
        client = as_user(world_a.people["business"])
        response = client.post(
            reverse("action-edit", args=[world_a.slug, action.pk]),
            {
                "version": seen,
                "description": "My new wording",
                "owner_member": world_a.members["agency"].pk,
                "owner": "",
                "due_date-day": "11",
                "due_date-month": "12",
                "due_date-year": "2026",
                "measure_of_success": "",
            },
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert "was changed by someone else while you were editing it" in html
    assert "My new wording" in html  # the input is kept
    assert f'name="version" value="{seen + 1}"' in html  # the latest version, to save again knowingly
    action = fresh(action)
    assert action.description == "A" and action.status == "at_risk"  # nothing of mine was saved


# ----------------------------------------------------------------------------------------------
# Other apps create plans through the service


def test_another_app_creates_a_plan_linked_to_its_own_record(world_a, world_b):
    notification = world_a.objects[__import__("reviews.models", fromlist=["Notification"]).Notification]
    plan = services.plan_create(
        world_a.ctx(),
        title="From an audit finding",
        source_kind=SourceKind.AUDIT,
        source=world_a.members["agency"],  # any tenant-owned record: an audit finding in the audits app
        notification=notification,
        recommendations=[
            services.RecommendationIn(
                1, "", "Re-audit", actions=[services.ActionIn("Re-audit", None, D.today() + dt.timedelta(days=90))]
            )
        ],
    )
    assert plan.source_record() == world_a.members["agency"]
    assert plan.notification == notification
    with pytest.raises(ValidationError) as error:
        services.plan_create(world_a.ctx(), title="X", source_kind=SourceKind.AUDIT, source=world_b.members["agency"])
    assert error.value.message_dict == {"source": ["The source record must be one of this partnership's records"]}
    with pytest.raises(ValidationError) as error:
        services.plan_create(world_a.ctx(), title="", source_kind="gossip")
    assert set(error.value.message_dict) == {"title", "source_kind"}
    # The same submission key twice is one plan.
    first = services.plan_create(world_a.ctx(), title="Once", source_kind=SourceKind.STANDALONE, submission_key="k1")
    assert (
        services.plan_create(world_a.ctx(), title="Once", source_kind=SourceKind.STANDALONE, submission_key="k1")
        == first
    )


def test_scrutineers_read_plans_and_change_nothing(world_a, as_user):
    client = as_user(world_a.people["scrutineer"])
    plan = world_a.objects[ActionPlan]
    assert client.get(reverse("action-plan-detail", args=[world_a.slug, plan.pk])).status_code == 200
    assert client.get(reverse("action-plan-new", args=[world_a.slug])).status_code == 403
    with pytest.raises(Exception, match="permission"):
        services.plan_create(world_a.ctx("scrutineer"), title="T", source_kind=SourceKind.STANDALONE)


# ----------------------------------------------------------------------------------------------
# Pages


def test_create_a_plan_recommendation_and_action_through_the_pages(world_a, as_user):
    client = as_user(world_a.people["business"])
    slug = world_a.slug
    response = client.post(
        reverse("action-plan-new", args=[slug]),
        {"title": "", "source_kind": "thematic_review", **date_fields("created_on", D(2026, 1, 5))},
    )
    assert error_by_field(response.content.decode(), "id_title") == "Enter the title"
    response = client.post(
        reverse("action-plan-new", args=[slug]),
        {
            "title": "Serious youth violence",
            "source_kind": "thematic_review",
            "source_reference": "Thematic review",
            **date_fields("created_on", D(2026, 1, 5)),
        },
    )
    plan = ActionPlan.objects.for_partnership(world_a.partnership).get(title="Serious youth violence")
    assert response.status_code == 302 and response["Location"] == f"/{slug}/action-plans/{plan.pk}/"
    client.post(reverse("recommendation-add", args=[slug, plan.pk]), {"label": "2b", "text": "Share intelligence"})
    rec = Recommendation.objects.for_partnership(world_a.partnership).get(plan=plan)
    assert rec.label == "2b"
    duplicate = client.post(reverse("recommendation-add", args=[slug, plan.pk]), {"label": "2B", "text": "Again"})
    assert error_by_field(duplicate.content.decode(), "id_label") == "The plan already has recommendation 2b"

    def add_action(owner_member, due: dt.date):
        return client.post(
            reverse("action-add", args=[slug, rec.pk]),
            {"description": "MACE protocol", "owner_member": owner_member, **date_fields("due_date", due)},
        )

    bad = add_action("999999", D(2026, 1, 4))
    html = bad.content.decode()
    assert error_by_field(html, "id_owner_member") == "Choose an organisation that is a member of Thurrock LSCP"
    assert "MACE protocol" in html  # the input is kept
    early = add_action(world_a.members["police"].pk, D(2026, 1, 4))
    assert (
        error_by_field(early.content.decode(), "id_due_date")
        == "The due date, 4 Jan 2026, is before the plan was drawn up (5 Jan 2026)"
    )
    assert not Action.objects.for_partnership(world_a.partnership).filter(plan=plan).exists()
    ok = add_action(world_a.members["police"].pk, D(2026, 6, 30))
    assert ok.status_code == 302
    action = Action.objects.for_partnership(world_a.partnership).get(plan=plan)
    assert action.number == "2b.1"


def test_the_progress_report_pdf(world_a, as_user):
    from pypdf import PdfReader

    with at(D(2026, 11, 26)):
        plan = plan_with(world_a, SEED_PLAN[:3], created_on=D(2026, 11, 2), title="Shae and Ashley LHR plan")
        ratify_all(world_a, plan, D(2026, 11, 20))
        client = as_user(world_a.people["scrutineer"])
        choose = client.get(reverse("action-plan-report", args=[world_a.slug]))
        assert choose.status_code == 200 and "Shae and Ashley LHR plan" in choose.content.decode()
        none = client.get(reverse("action-plan-report", args=[world_a.slug]) + "?download=1")
        assert "Choose at least one plan" in none.content.decode()
        response = client.get(
            reverse("action-plan-report", args=[world_a.slug])
            + f"?download=1&plans={plan.pk}&plans={world_a.objects[ActionPlan].pk}"
        )
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Shae and Ashley LHR plan" in text
    assert "2 recommendations, 3 actions: 1 on track, 2 at risk" in text, text
    assert "Ratified by the Learning & Practice Review Group on 20 November 2026" in text
    assert "Train health visitors" in text and "Child Q rapid review action plan" in text
    assert "How RAG is worked out" in text


def test_removing_an_action_or_recommendation_only_before_the_plan_is_live(world_a, as_user):
    from lscp.models import Deadline

    client = as_user(world_a.people["business"])
    with at(D(2026, 11, 26)):
        plan = plan_with(
            world_a,
            [("1", "R", [("Keep", "agency", D(2027, 1, 10)), ("Drop", "agency", D(2027, 1, 10))]), ("2", "Empty", [])],
            created_on=D(2026, 11, 2),
        )
        keep, drop = actions_of(plan)
        response = client.post(reverse("action-remove", args=[world_a.slug, drop.pk]))
        assert response.status_code == 302 and response["Location"] == f"/{world_a.slug}/action-plans/{plan.pk}/"
        assert not Action.objects.for_partnership(world_a.partnership).filter(pk=drop.pk).exists()
        assert (
            not Deadline.objects.for_partnership(world_a.partnership)
            .filter(subject_id=drop.pk, kind="action_due")
            .exists()
        )
        assert (
            as_user(world_a.people["agency"])
            .get(reverse("action-list", args=[world_a.slug]))
            .content.decode()
            .count("Drop")
            == 0
        )
        rec_with_actions, empty = Recommendation.objects.for_partnership(world_a.partnership).filter(plan=plan)
        refused = client.post(reverse("recommendation-remove", args=[world_a.slug, rec_with_actions.pk]), follow=True)
        assert "has actions: remove them first" in refused.content.decode()
        client.post(reverse("recommendation-remove", args=[world_a.slug, empty.pk]))
        assert not Recommendation.objects.for_partnership(world_a.partnership).filter(pk=empty.pk).exists()
        assert ActivityEvent.objects.for_partnership(world_a.partnership).filter(event="action.removed").count() == 1
        ratify_all(world_a, plan, D(2026, 11, 20))
        live = client.post(reverse("action-remove", args=[world_a.slug, keep.pk]), follow=True)
        assert "is live: its actions are no longer removed" in live.content.decode()
        assert Action.objects.for_partnership(world_a.partnership).filter(pk=keep.pk).exists()


def test_the_lists_filters_are_the_apis_and_a_bad_value_is_a_form_error(world_a, as_user):
    """The page reads its filters with the API's FilterSet: a bad value is shown by its field, the
    page's older parameter names still filter, and the same mistake has the API's message."""
    with at(D(2026, 11, 26)):
        plan = plan_with(
            world_a,
            [("1", "R", [("Police's", "police", D(2027, 1, 10)), ("Ours", None, D(2027, 2, 10))])],
            created_on=D(2026, 11, 2),
            title="Filtered plan",
        )
        client = as_user(world_a.people["business"])
        actions = reverse("action-list", args=[world_a.slug])
        police = world_a.members["police"].pk
        for query in (f"?owner={police}", f"?owner_organisation={police}"):
            html = client.get(actions + query).content.decode()
            assert "Police&#x27;s" in html and "Ours" not in html, query
        html = client.get(
            actions + "?owner_organisation=business_unit&due_from-day=1&due_from-month=2&due_from-year=2027"
        ).content.decode()
        assert "Ours" in html and "Police&#x27;s" not in html
        for query, field, message in (
            ("?owner_organisation=²", "id_owner_organisation", "Choose the business unit or one of the partnership"),
            ("?status=nonsense", "id_status", "Choose one of: not_started"),
            ("?overdue=perhaps", "id_overdue", "'perhaps' is not a yes or no"),
            (
                "?due_from-day=1&due_from-month=2&due_from-year=2027&due_to-day=1&due_to-month=1&due_to-year=2027",
                "id_due_to",
                "The end date must be on or after the start date (1 February 2027)",
            ),
        ):
            response = client.get(actions + query)
            assert response.status_code == 200, query
            assert error_by_field(response.content.decode(), field).startswith(message), query
        plans = reverse("action-plan-list", args=[world_a.slug])
        bad = client.get(plans + "?status=nonsense")
        assert bad.status_code == 200 and error_by_field(bad.content.decode(), "id_status").startswith("Choose one of")
        for query in ("?source=local_review&q=filtered", "?source_kind=local_review&q=filtered"):
            assert plan.title in client.get(plans + query).content.decode(), query
        assert plan.title not in client.get(plans + "?source=audit").content.decode()


def test_a_step_the_records_state_refuses_is_refused_before_its_form_and_by_the_service(world_a, as_user):
    """Each step's page asks the service's own refusal before it shows the form (one message)."""
    with at(D(2026, 11, 26)):
        plan = plan_with(world_a, [("1", "R", [("A", None, D(2026, 12, 10))])], created_on=D(2026, 11, 2))
        ratify_all(world_a, plan, D(2026, 11, 20))
        [action] = actions_of(plan)
        services.action_complete(world_a.ctx(), action, completed_on=D(2026, 11, 26), completion_evidence="Done")
        services.action_accept(world_a.ctx(), fresh(action))
        services.plan_close(world_a.ctx(), plan)
        client = as_user(world_a.people["business"])
        refusal = services.plan_refusal(
            ActionPlan.objects.for_partnership(world_a.partnership).get(pk=plan.pk), "change"
        )
        assert refusal == f"{plan.title} is closed: nothing in it can be changed."
        for name, pk in (
            ("action-plan-edit", plan.pk),
            ("recommendation-add", plan.pk),
            ("action-edit", action.pk),
            ("action-progress", action.pk),
            ("action-evidence", action.pk),
        ):
            response = client.get(reverse(name, args=[world_a.slug, pk]), follow=True)
            assert response.redirect_chain and refusal in response.content.decode(), name
        with pytest.raises(StateError, match="is closed: nothing in it can be changed"):
            services.evidence_update(world_a.ctx(), fresh(action), impact_evidence="Later")


def test_the_same_mistake_has_the_same_message_on_the_page_and_in_the_api(world_a, as_user):
    """The checks are the service's (lscp.checks.Errors), not the page form's nor the serializer's."""
    from tests.support.clients import api_as

    with at(D(2026, 11, 26)):
        plan = plan_with(world_a, [("1", "R", [("A", "agency", D(2026, 12, 10))])], created_on=D(2026, 11, 2))
        [action] = actions_of(plan)
        page, api = as_user(world_a.people["business"]), api_as(world_a.people["business"])
        base = f"/api/v1/{world_a.slug}/action-plans/"
        for posted, sent, field, message in (
            (
                page.post(
                    reverse("action-progress", args=[world_a.slug, action.pk]),
                    {
                        "version": action.version,
                        "text": "x",
                        "status": "on_track",
                        **date_fields("on", D(2026, 11, 27)),
                    },
                ),
                api.post(
                    f"{base}progress-updates/",
                    {"action": action.pk, "on": "2026-11-27", "text": "x", "status": "on_track"},
                    format="json",
                ),
                "on",
                "The date of the update must be today or in the past",
            ),
            (
                page.post(reverse("recommendation-add", args=[world_a.slug, plan.pk]), {"label": "1.5", "text": "T"}),
                api.post(f"{base}recommendations/", {"plan": plan.pk, "number": "1.5", "text": "T"}, format="json"),
                ("label", "number"),
                "'1.5' is not a recommendation number: use 1 to 999, or 3a for a sub-part",
            ),
            (
                page.post(
                    reverse("action-plan-edit", args=[world_a.slug, plan.pk]),
                    {
                        "version": plan.version,
                        "title": "T" * 201,
                        "source_kind": plan.source_kind,
                        **date_fields("created_on", plan.created_on),
                    },
                ),
                api.patch(f"{base}{plan.pk}/", {"title": "T" * 201}, format="json"),
                "title",
                "The title must be 200 characters or fewer",
            ),
        ):
            page_field, api_field = field if isinstance(field, tuple) else (field, field)
            assert error_by_field(posted.content.decode(), f"id_{page_field}") == message
            assert sent.status_code == 400 and sent.json()[api_field] == [message]
