"""A year of a busy partnership, built through the real services, for the annual report's
benchmark (`manage.py bench`) and for its query-count test: notifications with their clocks (some
late, a third through a signed-off rapid review, some with an LCSPR), an audit programme, a
Section 11 cycle across many organisations, a dataset of quarterly indicators, a challenge log and
a funding year, all dated inside one financial year that has ended."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from audits.annual_report import services as annual_report_services
from audits.challenges import services as challenge_services
from audits.dataset import services as dataset_services
from audits.models import AnnualReport, AuditKind, SelfAssessment, quarter_dates
from audits.programme import services as programme_services
from audits.quarters import year_period
from audits.self_assessment import services as self_assessment_services
from funding import services as funding
from funding.years import label_for
from lscp.roles import Role
from lscp.tenancy import TenantContext
from partners import services as partners
from partners.models import Member, MemberKind, Sector
from reviews.lcspr import services as lcspr_services
from reviews.notifications import services as review_services
from tests.support.makers_reviews import meeting, notify_panel, signed_off, submit
from tests.support.world import World, add_person, organisation


@dataclass(frozen=True)
class Scale:
    notifications: int = 60
    audits: int = 40
    organisations: int = 30
    indicators: int = 20
    challenges: int = 50
    action_plans: int = 8
    actions_per_plan: int = 12

    def describe(self) -> str:
        return (
            f"{self.notifications} notifications with their clocks, {self.audits} audits, a "
            f"{self.organisations}-organisation Section 11 cycle, {self.indicators} indicators x 4 quarters, "
            f"{self.challenges} challenges, {self.action_plans} live action plans x {self.actions_per_plan} actions, "
            "a funding year"
        )


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def busy_year(world: World, *, year_start: int, scale: Scale = Scale()) -> AnnualReport:
    """Every record of the year, then the annual report for it (returned)."""
    ctx = world.ctx()
    first, last = year_period(year_start)
    today = timezone.localdate()

    def within(day: dt.date) -> dt.date:
        return min(day, today)

    members = _members(world, scale.organisations)
    _notifications(world, first, last, scale.notifications, within)
    priorities = [
        programme_services.priority_create(ctx, name=name) for name in ("Neglect", "Exploitation", "Online safety")
    ]
    _audits(ctx, year_start, scale.audits, priorities, members, within)
    _section_11(world, members, first)
    _dataset(ctx, year_start, scale.indicators, priorities, members)
    _challenges(ctx, first, last, scale.challenges, members, within)
    _funding(ctx, year_start, members)
    _action_plans(ctx, first, last, scale, members, within)
    return annual_report_services.annual_report_save(
        ctx,
        title=f"{world.partnership.name} annual report {label_for(year_start)}",
        period_start=first,
        period_end=last,
        foreword="A busy year.\n\nEvery deadline, audit and challenge is in this report.",
        arrangements="The arrangements are as published.",
        reviews_narrative="Notifications rose.",
        learning_narrative="Learning was shared at practitioner events.",
        audit_narrative="The programme re-audited neglect.",
        scrutiny_narrative="The scrutineer challenged every partner.",
        priorities_ahead="Neglect and exploitation.",
    )


def _members(world: World, count: int) -> list[Member]:
    ctx = world.ctx()
    have = list(Member.objects.for_partnership(world.partnership).select_related("organisation"))
    sectors = [Sector.HEALTH, Sector.EDUCATION, Sector.PROBATION, Sector.VOLUNTARY, Sector.YOUTH_JUSTICE]
    for i in range(len(have), count):
        have.append(
            partners.member_add(
                ctx=ctx,
                organisation=organisation(f"{world.partnership.area} agency {i}", sectors[i % len(sectors)]),
                kind=MemberKind.RELEVANT_AGENCY,
            )
        )
    return have


def _notifications(world: World, first: dt.date, last: dt.date, count: int, within) -> None:
    ctx = world.ctx()
    span = (last - first).days - 40
    for i in range(count):
        aware = _weekday(first + dt.timedelta(days=i * span // max(count, 1)))
        notification = submit(world, aware_date=aware, received_on=aware)
        notified = within(aware + dt.timedelta(days=2 + i % 8))  # every few is late
        notification = notify_panel(ctx, notification, on=notified, panel_reference=f"P-{i}")
        if i % 3:
            continue
        started = within(notified + dt.timedelta(days=1))
        notification = review_services.record_step(ctx, notification, step="rapid_review_started", on=started)
        meeting_date = within(started + dt.timedelta(days=8 + i % 10))
        meeting(world, notification, meeting_date=meeting_date)
        signed_off(world, notification)
        completed = within(meeting_date + dt.timedelta(days=2))
        notification = review_services.record_step(
            ctx, notification, step="rapid_review_completed", on=completed, confirm=True
        )
        notification = review_services.record_step(
            ctx, notification, step="outcome_sent", on=within(completed + dt.timedelta(days=3 + i % 5))
        )
        if i % 2 == 0:
            review_services.record_step(
                ctx,
                notification,
                step="panel_responded",
                on=within(completed + dt.timedelta(days=25)),
                response="The Panel agreed with the decision.",
            )
        if i % 12 == 0:
            lcspr_services.commission(
                ctx,
                notification,
                decision_date=completed,
                reviewer_name="An independent reviewer",
                reviewer_kind="independent",
                terms_of_reference="Terms.",
                scope_from=aware - dt.timedelta(days=365),
                scope_to=aware,
            )


def _audits(ctx: TenantContext, year_start: int, count: int, priorities, members, within) -> None:
    kinds = list(AuditKind.values)
    for i in range(count):
        quarter = 1 + i % 4
        audit = programme_services.audit_save(
            ctx,
            title=f"Audit {i}",
            kind=kinds[i % len(kinds)],
            priority=priorities[i % len(priorities)] if i % 5 else None,
            year_start=year_start,
            quarter=quarter,
            lead_member=members[i % len(members)],
            participants=members[i % 7 : i % 7 + 3],
            children_involved=i % 4 == 0,
            families_involved=i % 6 == 0,
            practitioners_involved=i % 2 == 0,
        )
        if i % 8 < 5:
            programme_services.audit_save(
                ctx,
                audit,
                status="complete",
                findings="Practice was mostly good; two gaps in information sharing.",
                completed_on=within(quarter_dates(year_start, quarter)[1] - dt.timedelta(days=i % 20)),
            )


def _section_11(world: World, members: list[Member], first: dt.date) -> None:
    ctx = world.ctx()
    self_assessment_services.standards_install_defaults(ctx, framework="s11")
    cycle = self_assessment_services.cycle_create(
        ctx,
        name=f"Section 11 audit {first.year}",
        framework="s11",
        opens_on=first + dt.timedelta(days=150),
        due_on=first + dt.timedelta(days=200),
        members=members,
    )
    returns = {
        a.member_id: a
        for a in SelfAssessment.objects.for_partnership(world.partnership)
        .filter(cycle=cycle)
        .prefetch_related("grades")
    }
    for i, member in enumerate(members[: len(members) * 2 // 3]):
        lead = add_person(world, f"lead-{member.pk}", role=Role.AGENCY_LEAD, member=member)
        lead_ctx = TenantContext(partnership=world.partnership, user=lead.person, membership=lead)
        assessment = returns[member.pk]
        grades = {
            grade.pk: {
                "grade": ["green", "amber", "red", "green"][(i + index) % 4],
                "evidence": "Policies, training records and audits.",
                "improvement_actions": "Refresh training.",
            }
            for index, grade in enumerate(assessment.grades.all())
        }
        assessment = self_assessment_services.return_save(lead_ctx, assessment, grades=grades, submit=True)
        if i % 2 == 0:
            self_assessment_services.return_moderate(
                ctx,
                assessment,
                decisions={
                    grade.pk: {"moderation": "agreed"}
                    if index % 3
                    else {"moderation": "challenged", "comment": "Evidence is thin.", "agreed_grade": "amber"}
                    for index, grade in enumerate(assessment.grades.all())
                },
            )


def _dataset(ctx: TenantContext, year_start: int, count: int, priorities, members) -> None:
    units = ["number", "percent", "rate", "days"]
    for i in range(count):
        indicator = dataset_services.indicator_save(
            ctx,
            name=f"Indicator {i}",
            unit=units[i % 4],
            direction=["higher", "lower", "neither"][i % 3],
            priority=priorities[i % len(priorities)],
            reporting_member=members[i % len(members)],
        )
        for quarter in (1, 2, 3, 4):
            dataset_services.indicator_value_set(
                ctx, indicator, year_start=year_start, quarter=quarter, value=Decimal(40 + i + 3 * quarter) / 2
            )


def _challenges(ctx: TenantContext, first, last, count: int, members, within) -> None:
    span = (last - first).days
    for i in range(count):
        raised = first + dt.timedelta(days=i * span // max(count, 1))
        challenge = challenge_services.challenge_log(
            ctx,
            raised_on=raised,
            raised_by="scrutineer",
            raised_by_name="The independent scrutineer",
            to_member=members[i % len(members)],
            subject=f"Challenge {i}",
            challenge="What is being done about it?",
        )
        if i % 3:
            challenge_services.challenge_respond(
                ctx,
                challenge,
                response="A plan is in place.",
                responded_on=within(raised + dt.timedelta(days=14)),
                outcome="The figures improved." if i % 3 == 2 else "",
                close=i % 3 == 2,
            )


def _funding(ctx: TenantContext, year_start: int, members) -> None:
    year = funding.year_add(ctx=ctx, label=label_for(year_start))
    for i, member in enumerate(members):
        funding.contribution_add(
            ctx=ctx, year=year, organisation=member.organisation, agreed=Decimal(5000 + 1000 * (i % 7))
        )
    funding.income_add(ctx=ctx, year=year, kind="training", amount=Decimal("14868.75"))
    for kind, budget, actual in [
        ("staffing", "120835.00", "118000.00"),
        ("chair", "20000.00", "20000.00"),
        ("reviews", "20000.00", "24500.00"),
        ("training", "15000.00", "14200.00"),
    ]:
        funding.spending_add(ctx=ctx, year=year, kind=kind, budget=Decimal(budget), actual=Decimal(actual))


def _action_plans(ctx: TenantContext, first: dt.date, last: dt.date, scale: Scale, members, within) -> None:
    """Plans drawn up through the year and ratified a fortnight later, actions owned round the
    organisations and due through the following months; about half done, some of them late."""
    from reviews.action_plans import services as plans
    from reviews.action_plans.models import Action, SourceKind, Stage

    span = (last - first).days
    for i in range(scale.action_plans):
        created = first + dt.timedelta(days=i * span // (2 * max(scale.action_plans, 1)))
        plan = plans.plan_create(
            ctx,
            title=f"Action plan {i}",
            source_kind=SourceKind.RAPID_REVIEW if i % 2 else SourceKind.AUDIT,
            created_on=within(created),
            recommendations=[
                plans.RecommendationIn(
                    number=r + 1,
                    part="",
                    text=f"Recommendation {r + 1}",
                    actions=[
                        plans.ActionIn(
                            description=f"Action {r + 1}.{a + 1}",
                            owner_member=members[(i + r + a) % len(members)] if (r + a) % 5 else None,
                            due_date=created + dt.timedelta(days=30 + 20 * (r * 3 + a)),
                        )
                        for a in range(3)
                    ],
                )
                for r in range(max(scale.actions_per_plan // 3, 1))
            ],
        )
        decided = within(created + dt.timedelta(days=14))
        for stage in (Stage.LPRG, Stage.MEB, Stage.PARTNERS):
            plans.plan_ratify(ctx, plan, stage=stage, decided_on=decided, minute_reference=f"{stage} {i}")
        for n, action in enumerate(Action.objects.for_partnership(ctx.partnership).filter(plan=plan).order_by("pk")):
            if n % 2:
                continue
            done = within(action.due_date + dt.timedelta(days=10 if n % 4 else -5))
            if done >= decided:
                plans.action_complete(ctx, action, completed_on=done, completion_evidence="Evidence on file")
