"""Demo data for Thurrock: the partnership's priorities, a multi-agency dataset of quarterly
proxy indicators (the 2020 review's recommendation 8, seed 003 §12-13), challenges in every
state (seed 003 §16), and a yearly report with its narrative.

The priorities and the member organisations are Thurrock's own (seeds 000 and 002); the
indicators' values, the challenges and the narrative are invented. Everything is dated back from
today, so the dataset always ends with the last complete quarter. One function per part, each
through the real services as the business unit manager, and each safe to run twice (it looks
for what it would create first; entering a value already held changes nothing).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from audits.annual_report import services as annual_report_services
from audits.challenges import services as challenge_services
from audits.dataset import services as dataset_services
from audits.dataset.selectors import default_last_quarter
from audits.models import (
    AnnualReport,
    Audit,
    AuditStatus,
    Challenge,
    Cycle,
    Framework,
    Indicator,
    Priority,
    ReturnStatus,
    SelfAssessment,
    quarter_dates,
)
from audits.programme import services as programme_services
from audits.quarters import current_year_start, quarters_to
from audits.self_assessment import services as self_assessment_services
from lscp.roles import Role
from lscp.tenancy import TenantContext
from partners.models import GovernanceGroup, Member, Membership, Partnership, Person
from reviews.action_plans import services as plans
from reviews.action_plans.models import Action, ActionPlan, SourceKind, Stage

PRIORITIES = [
    ("Neglect", "Identify neglect earlier and act on it together: the Neglect Tool Kit and the Graded Care Profile 2."),
    ("Violence and vulnerability", "Serious youth violence, gangs and county lines; the Walk Online roadshow."),
    ("Child exploitation", "Children missing from home, care or education, and criminal and sexual exploitation."),
    ("Online safety", "Children's safety online: awareness for children, parents, carers and practitioners."),
]

COUNCIL = "Thurrock Council"
POLICE = "Essex Police"
CCG = "Thurrock Clinical Commissioning Group (CCG)"
NELFT = "North East London NHS Foundation Trust (NELFT)"
BTUH = "Basildon and Thurrock University Hospitals NHS Foundation Trust (BTUH)"
YOS = "Thurrock Youth Offending Service"
SCHOOLS = "Thurrock secondary schools"

# name, unit, direction, priority, reporting organisation, description, six quarters' values (oldest first)
INDICATORS = [
    (
        "Children subject to a child protection plan",
        "rate",
        "neither",
        "Neglect",
        COUNCIL,
        "Per 10,000 children at the end of the quarter. A change needs reading with the re-referral rate.",
        ["45.2", "47.8", "49.1", "46.3", "44.0", "42.7"],
    ),
    (
        "Re-referrals to children's social care within 12 months",
        "percent",
        "lower",
        "Neglect",
        COUNCIL,
        "Referrals in the quarter about a child referred in the 12 months before.",
        ["22.4", "21.0", "23.5", "20.1", "19.4", "18.8"],
    ),
    (
        "Days from strategy discussion to initial child protection conference",
        "days",
        "lower",
        "Neglect",
        COUNCIL,
        "The average, in calendar days; Working Together asks for 15 working days.",
        ["16", "15", "17", "14", "13", "13"],
    ),
    (
        "New birth visits by health visitors within 14 days",
        "percent",
        "higher",
        "Neglect",
        NELFT,
        "Of the babies born in the quarter.",
        ["88.5", "90.2", "87.9", "91.4", "92.0", "93.1"],
    ),
    (
        "Initial health assessments for looked-after children on time",
        "percent",
        "higher",
        "Neglect",
        CCG,
        "Within 20 working days of coming into care.",
        ["54", "61", "58", "67", "73", "76"],
    ),
    (
        "Strategy meetings with police attendance",
        "percent",
        "higher",
        "Child exploitation",
        POLICE,
        "Strategy meetings about Thurrock children that a police officer attended.",
        ["61", "58", "66", "72", "78", "81"],
    ),
    (
        "Missing episodes of children reported to the police",
        "number",
        "lower",
        "Child exploitation",
        POLICE,
        "Episodes, not children: one child may go missing several times.",
        ["212", "238", "251", "229", "204", "197"],
    ),
    (
        "Return home interviews offered within 72 hours",
        "percent",
        "higher",
        "Child exploitation",
        COUNCIL,
        "Of the children who came back from a missing episode.",
        ["68", "71", "75", "79", "77", "83"],
    ),
    (
        "Children discussed at the MACE panel",
        "number",
        "neither",
        "Child exploitation",
        POLICE,
        "Children at risk of criminal or sexual exploitation discussed in the quarter.",
        ["31", "36", "42", "39", "44", "47"],
    ),
    (
        "Domestic abuse incidents with children in the household",
        "number",
        "neither",
        "Violence and vulnerability",
        POLICE,
        "Incidents attended by Essex Police in Thurrock where a child lived in the household.",
        ["402", "389", "431", "417", "398", "376"],
    ),
    (
        "First-time entrants to the youth justice system",
        "number",
        "lower",
        "Violence and vulnerability",
        YOS,
        "Children receiving their first youth caution or conviction.",
        ["17", "14", "19", "12", "11", "13"],
    ),
    (
        "Children attending A&E after self-harm",
        "number",
        "lower",
        "Violence and vulnerability",
        BTUH,
        "Attendances at Basildon Hospital by children living in Thurrock.",
        ["48", "52", "45", "57", "50", "46"],
    ),
    (
        "Online safety sessions delivered in secondary schools",
        "number",
        "higher",
        "Online safety",
        SCHOOLS,
        "Sessions for pupils, and for parents and carers, including the Walk Online follow-up.",
        ["12", "18", "9", "21", "26", "30"],
    ),
]

# (days ago raised, raised by, group, raised by name, to, subject, challenge, response, days after, outcome, close)
CHALLENGES = [
    (
        400,
        "meeting",
        "Strategic Group",
        "Priya Raman, Director of People Services (chair)",
        NELFT,
        "Health visiting caseloads",
        "Health visiting caseloads are above the recommended level, and new birth visits within 14 days fell "
        "below 90%. What is NELFT doing to bring them down?",
        "Two health visitors were recruited and caseloads rebalanced across Thurrock's four localities.",
        35,
        "New birth visits within 14 days rose above 90% for three quarters running. Closed at the next Strategic "
        "Group.",
        True,
    ),
    (
        320,
        "scrutineer",
        None,
        "Ruth Calloway, Independent Chair and Scrutineer",
        SCHOOLS,
        "Section 175 returns not submitted",
        "Six secondary schools did not return their Section 175 self-assessment by the due date.",
        "The designated safeguarding leads' network agreed a catch-up date and the missing returns were sent.",
        28,
        "All returns received and moderated; the Audit Group will check returns are on time next cycle.",
        True,
    ),
    (
        230,
        "meeting",
        "Management Executive Board",
        "Helen Adeyemi, Chief Nurse",
        CCG,
        "Initial health assessments for looked-after children out of time",
        "Fewer than two in three initial health assessments are completed within 20 working days.",
        "Additional paediatric clinic slots have been commissioned and referrals now go to health on the day a "
        "child comes into care.",
        42,
        "",
        False,
    ),
    (
        150,
        "scrutineer",
        None,
        "Ruth Calloway, Independent Chair and Scrutineer",
        COUNCIL,
        "Re-referral rate",
        "The re-referral rate rose to 23.5%. Are cases being closed too early, or stepped down without a plan?",
        "A dip sample of 30 re-referrals found most were new concerns; early help step-down has been tightened.",
        30,
        "",
        False,
    ),
    (
        45,
        "meeting",
        "MACE",
        "Graham Whitfield, Head of Public Protection (chair)",
        BTUH,
        "Information sharing on self-harm attendances",
        "Notifications from A&E about children attending after self-harm reach children's social care up to a "
        "week late.",
        "",
        0,
        "",
        False,
    ),
    (
        20,
        "scrutineer",
        None,
        "Ruth Calloway, Independent Chair and Scrutineer",
        POLICE,
        "Police attendance at strategy meetings",
        "Police attended only 61% of strategy meetings at the start of the year. What has changed, and will it last?",
        "",
        0,
        "",
        False,
    ),
]

NARRATIVE = {
    "foreword": (
        "This is the report of Thurrock's three safeguarding partners, Thurrock Council, Essex Police and "
        "Thurrock Clinical Commissioning Group, on how well the partnership kept children safe over the year.\n\n"
        "Our independent chair and scrutineer has challenged us throughout, and the challenge log in this report "
        "shows what was asked and what changed as a result."
    ),
    "arrangements": (
        "The arrangements came into effect on 7 May 2019. The Strategic Group of the three partners' executive "
        "leads is supported by the Management Executive Board, which oversees the Learning & Practice Review "
        "Group, the Audit Group and MACE."
    ),
    "reviews_narrative": (
        "Every notification was considered at a rapid review, and the partnership reported each outcome to the "
        "National Panel. The table below shows how many deadlines were met on time."
    ),
    "learning_narrative": (
        "Learning from the Shae and Ashley local health review and the thematic review into serious youth "
        "violence was shared at practitioner workshops, and the Thurrock Neglect Tool Kit was launched at the "
        "annual conference."
    ),
    "audit_narrative": (
        "The Audit Group re-audited neglect, our first priority, to see whether practice had changed since the "
        "last audit. Children, families and practitioners took part."
    ),
    "scrutiny_narrative": (
        "The independent scrutineer and the partnership's boards raised challenges with member organisations; "
        "each is logged with its response and outcome."
    ),
    "priorities_ahead": (
        "Neglect, violence and vulnerability, child exploitation and online safety remain our priorities. We will "
        "report the multi-agency dataset to the Management Executive Board every quarter, with analysis."
    ),
}


def _business_ctx(partnership: Partnership, admin: Person) -> TenantContext:
    """The business unit manager (the demo's data entry), or the administrator without one."""
    membership = (
        Membership.objects.for_partnership(partnership)
        .filter(person__username=f"{partnership.slug}-business", is_active=True)
        .select_related("person", "member__organisation")
        .first()
    )
    if membership is None:
        return TenantContext.for_administrator(partnership=partnership, user=admin)
    return TenantContext(partnership=partnership, user=membership.person, membership=membership)


def _member(ctx: TenantContext, name: str) -> Member:
    return Member.objects.for_partnership(ctx.partnership).get(organisation__name=name)


def load_priorities(ctx: TenantContext) -> dict[str, Priority]:
    existing = {p.name: p for p in Priority.objects.for_partnership(ctx.partnership)}
    for name, description in PRIORITIES:
        if name not in existing:
            existing[name] = programme_services.priority_create(ctx, name=name, description=description)
    return existing


def load_dataset(ctx: TenantContext, priorities: dict[str, Priority]) -> int:
    """The indicators and their last six complete quarters (a year and a half of trend)."""
    quarters = quarters_to(default_last_quarter(None), 6)
    indicators = {i.name: i for i in Indicator.objects.for_partnership(ctx.partnership)}
    for name, unit, direction, priority, organisation, description, values in INDICATORS:
        indicator = indicators.get(name) or dataset_services.indicator_save(
            ctx,
            name=name,
            unit=unit,
            direction=direction,
            priority=priorities[priority],
            reporting_member=_member(ctx, organisation),
            description=description,
        )
        for (year, quarter), value in zip(quarters, values, strict=True):
            dataset_services.indicator_value_set(ctx, indicator, year_start=year, quarter=quarter, value=Decimal(value))
    return len(INDICATORS)


def load_challenges(ctx: TenantContext) -> int:
    today = timezone.localdate()
    existing = set(Challenge.objects.for_partnership(ctx.partnership).values_list("subject", flat=True))
    groups = {g.name: g for g in GovernanceGroup.objects.for_partnership(ctx.partnership)}
    for days, raised_by, group, name, to, subject, text, response, after, outcome, close in CHALLENGES:
        if subject in existing:
            continue
        challenge = challenge_services.challenge_log(
            ctx,
            raised_on=today - dt.timedelta(days=days),
            raised_by=raised_by,
            raised_at=groups.get(group) if group else None,
            raised_by_name=name,
            to_member=_member(ctx, to),
            subject=subject,
            challenge=text,
        )
        if response:
            challenge_services.challenge_respond(
                ctx,
                challenge,
                response=response,
                responded_on=challenge.raised_on + dt.timedelta(days=after),
                outcome=outcome,
                close=close,
            )
    return len(CHALLENGES)


def load_annual_report(ctx: TenantContext) -> AnnualReport:
    """The report for the 12 months to the end of the last complete quarter, so that the demo's
    dataset, notifications and challenges are in it."""
    last = default_last_quarter(None)
    end = quarter_dates(*last)[1]
    following = end + dt.timedelta(days=1)
    start = following.replace(year=following.year - 1)
    title = f"{ctx.partnership.name} yearly report, {start:%B %Y} to {end:%B %Y}"
    report = AnnualReport.objects.for_partnership(ctx.partnership).filter(title=title).first()
    if report is None:
        report = annual_report_services.annual_report_save(
            ctx, title=title, period_start=start, period_end=end, **NARRATIVE
        )
    return report


# ----------------------------------------------------------------------------------------------
# The audit programme (seed 003 §12: different audit models, a schedule with re-audits of the
# priorities, children, families and practitioners taking part)

# (quarter, title, kind, priority, lead, participants, children, families, practitioners, scope,
#  findings, you said we did)
PROGRAMME = [
    (
        1,
        "Neglect: multi-agency case audit",
        "multi_agency_case",
        "Neglect",
        COUNCIL,
        [COUNCIL, NELFT, POLICE, "Thurrock primary schools"],
        False,
        True,
        True,
        "Six children on child protection plans for neglect: was the Graded Care Profile 2 used, and did "
        "agencies share what they saw?",
        "The Graded Care Profile 2 was used in two of six cases. Health visitors' concerns reached the "
        "social worker late in three cases. Schools' attendance concerns were shared well.",
        "Parents said nobody explained what the Graded Care Profile 2 was for. We now give every family a "
        "leaflet about it at the first visit.",
    ),
    (
        1,
        "Practitioner questionnaire: the revised Threshold document",
        "practitioner_questionnaire",
        "Neglect",
        None,
        [COUNCIL, NELFT, POLICE, BTUH, "Thurrock primary schools", "Thurrock secondary schools"],
        False,
        False,
        True,
        "Do front-line practitioners know and use the Threshold document launched in July 2020?",
        "212 practitioners answered: 81% knew the document, 54% had used it in the last six months, and 38% "
        "felt confident challenging a threshold decision.",
        "",
    ),
    (
        2,
        "Deep dive: children missing from education",
        "deep_dive",
        "Child exploitation",
        COUNCIL,
        [COUNCIL, POLICE, YOS, "Thurrock secondary schools"],
        True,
        False,
        True,
        "Children missing from education in the last year, and their links to exploitation.",
        "Return-home interviews were offered in 70% of episodes; the link to exploitation screening was not "
        "always made.",
        "",
    ),
    (
        2,
        "Was Not Brought: NELFT single-agency audit",
        "single_agency",
        "Neglect",
        NELFT,
        [NELFT],
        False,
        False,
        True,
        "NELFT's audit of children not brought to health appointments, received by the Audit Group.",
        "The Was Not Brought policy was followed in 41 of 50 records; follow-up was weakest for dental appointments.",
        "",
    ),
    (
        3,
        "Quality conversation: decision-making at the MASH",
        "quality_conversation",
        "Violence and vulnerability",
        None,
        [COUNCIL, POLICE, NELFT],
        False,
        False,
        True,
        "Conversations with MASH practitioners about ten contacts that did not meet the threshold.",
        "",
        "",
    ),
    (
        3,
        "Children and families questionnaire: child protection conferences",
        "family_questionnaire",
        "Neglect",
        COUNCIL,
        [COUNCIL],
        True,
        True,
        False,
        "What children and parents say about their child protection conferences.",
        "",
        "",
    ),
    (
        4,
        "Scrutiny topic: online safety in primary schools",
        "scrutiny_topic",
        "Online safety",
        None,
        ["Thurrock primary schools"],
        True,
        False,
        True,
        "The independent scrutineer's review of how primary schools teach and respond to online risk.",
        "",
        "",
    ),
]

EARLIER_NEGLECT_AUDIT = (
    "Neglect: multi-agency case audit (baseline)",
    "Eight children on child protection plans for neglect.",
    "The Graded Care Profile 2 was used in one case of eight; chronologies were missing in five.",
)
RE_AUDIT = "Neglect: re-audit of the Graded Care Profile 2"


def _status_for(year_start: int, quarter: int, today: dt.date) -> tuple[str, dt.date | None]:
    """Quarters that have ended are complete (on their last day), the current one is in progress."""
    start, end = quarter_dates(year_start, quarter)
    if end < today:
        return AuditStatus.COMPLETE, end
    if start <= today:
        return AuditStatus.IN_PROGRESS, None
    return AuditStatus.PLANNED, None


def load_audit_programme(ctx: TenantContext, priorities: dict[str, Priority]) -> int:
    """This financial year's programme, a baseline audit from last year and its re-audit planned in
    this year's fourth quarter, and an action plan drawn up from the first completed audit."""
    today = timezone.localdate()
    year = current_year_start(today)
    existing = {a.title: a for a in Audit.objects.for_partnership(ctx.partnership)}
    title = EARLIER_NEGLECT_AUDIT[0]
    baseline = existing.get(title) or _baseline_audit(ctx, priorities, year)
    made = sum(_planned_audit(ctx, priorities, row, year, today) for row in PROGRAMME if row[1] not in existing)
    if RE_AUDIT not in existing:
        programme_services.audit_save(
            ctx,
            title=RE_AUDIT,
            kind="multi_agency_case",
            priority=priorities["Neglect"],
            year_start=year,
            quarter=4,
            lead_member=_member(ctx, COUNCIL),
            participants=[_member(ctx, COUNCIL), _member(ctx, NELFT), _member(ctx, POLICE)],
            practitioners_involved=True,
            scope="The same questions as the baseline audit, a year on: is the Graded Care Profile 2 used?",
            re_audit_of=baseline,
        )
        made += 1
    _audit_action_plan(ctx, baseline)
    return made + (title not in existing)


def _baseline_audit(ctx: TenantContext, priorities: dict[str, Priority], year: int) -> Audit:
    """Last year's neglect audit, completed: the one this year's re-audit revisits."""
    title, scope, findings = EARLIER_NEGLECT_AUDIT
    return programme_services.audit_save(
        ctx,
        title=title,
        kind="multi_agency_case",
        priority=priorities["Neglect"],
        year_start=year - 1,
        quarter=3,
        status=AuditStatus.COMPLETE,
        lead_member=_member(ctx, COUNCIL),
        participants=[_member(ctx, COUNCIL), _member(ctx, NELFT), _member(ctx, POLICE)],
        practitioners_involved=True,
        scope=scope,
        findings=findings,
        completed_on=quarter_dates(year - 1, 3)[1],
    )


def _planned_audit(ctx: TenantContext, priorities: dict[str, Priority], row: tuple, year: int, today: dt.date) -> int:
    """One audit of this year's PROGRAMME, in the state its quarter puts it in."""
    quarter, name, kind, priority, lead, participants, children, families, practitioners, scope, found, ysd = row
    status, completed_on = _status_for(year, quarter, today)
    programme_services.audit_save(
        ctx,
        title=name,
        kind=kind,
        priority=priorities[priority],
        year_start=year,
        quarter=quarter,
        status=status if (found or status != AuditStatus.COMPLETE) else AuditStatus.IN_PROGRESS,
        lead_member=_member(ctx, lead) if lead else None,
        participants=[_member(ctx, p) for p in participants],
        children_involved=children,
        families_involved=families,
        practitioners_involved=practitioners,
        scope=scope,
        findings=found if status == AuditStatus.COMPLETE else "",
        you_said_we_did=ysd,
        completed_on=completed_on if found else None,
    )
    return 1


def _neglect_recommendations(ctx: TenantContext, drawn_up: dt.date) -> list:
    return [
        plans.RecommendationIn(
            number=1,
            part="",
            text="Practitioners working with neglect use the Graded Care Profile 2.",
            actions=[
                plans.ActionIn(
                    description="Train 60 practitioners across agencies in the Graded Care Profile 2",
                    owner_member=_member(ctx, COUNCIL),
                    due_date=drawn_up + dt.timedelta(days=330),
                    measure_of_success="60 practitioners trained; use seen in the re-audit",
                ),
                plans.ActionIn(
                    description="Health visitors complete the Graded Care Profile 2 at the first sign of neglect",
                    owner_member=_member(ctx, NELFT),
                    due_date=drawn_up + dt.timedelta(days=420),
                    measure_of_success="Recorded in the health visiting audit",
                ),
            ],
        ),
        plans.RecommendationIn(
            number=2,
            part="",
            text="Every child on a plan for neglect has a multi-agency chronology.",
            actions=[
                plans.ActionIn(
                    description="Add the chronology to the core group agenda template",
                    owner_member=None,
                    due_date=drawn_up + dt.timedelta(days=60),
                )
            ],
        ),
    ]


def _audit_action_plan(ctx: TenantContext, audit: Audit) -> None:
    """The baseline neglect audit's recommendations as a live action plan linked to the audit."""
    if (
        ActionPlan.objects.for_partnership(ctx.partnership)
        .filter(source_type=ContentType.objects.get_for_model(Audit), source_id=audit.pk)
        .exists()
    ):
        return
    drawn_up = audit.completed_on + dt.timedelta(days=14)
    plan = plans.plan_create(
        ctx,
        title="Neglect audit action plan",
        source_kind=SourceKind.AUDIT,
        source_reference=f"{audit.title} ({audit.quarter_label})",
        source=audit,
        summary=audit.findings,
        created_on=drawn_up,
        recommendations=_neglect_recommendations(ctx, drawn_up),
    )
    for stage, days in ((Stage.LPRG, 21), (Stage.MEB, 35), (Stage.PARTNERS, 42)):
        plans.plan_ratify(
            ctx,
            plan,
            stage=stage,
            decided_on=min(drawn_up + dt.timedelta(days=days), timezone.localdate()),
            minute_reference=f"{Stage(stage).label}, item 4",
        )
    # The business unit's own action was done and accepted; the others are under way.
    plan = ActionPlan.objects.for_partnership(ctx.partnership).get(pk=plan.pk)
    chronology = Action.objects.for_partnership(ctx.partnership).get(
        plan=plan, description__startswith="Add the chronology"
    )
    done_on = min(drawn_up + dt.timedelta(days=55), timezone.localdate())
    if plan.live_on is not None and done_on >= plan.live_on:
        chronology = plans.action_complete(
            ctx, chronology, completed_on=done_on, completion_evidence="The template was changed and circulated."
        )
        plans.action_accept(ctx, chronology, on=done_on)


# ----------------------------------------------------------------------------------------------
# Section 11: a cycle with returns in every state (seed 004's standards)

S11_CYCLE = "Section 11 audit"

# Evidence an organisation might give (invented), by standard number.
EVIDENCE = {
    1: "Safeguarding is a standing item at the executive board; the delegated safeguarding partner reports quarterly.",
    2: "The safeguarding policy names the accountable officer; it was reviewed this year.",
    3: "Service changes are checked for their effect on children before they are made.",
    4: "Mandatory safeguarding training records held for all staff; completion figures reported monthly.",
    5: "Safer recruitment training for every recruiting manager; DBS checks audited each quarter.",
    6: "Staff attend strategy meetings and core groups; attendance is recorded.",
    7: "Information-sharing agreement signed with the MASH partners.",
    8: "Records show the child's voice and lived experience in sampled cases.",
    9: "Internal safeguarding audits reported to the board twice a year.",
}


def _lead_ctx(ctx: TenantContext, organisation: str) -> TenantContext | None:
    membership = (
        Membership.objects.for_partnership(ctx.partnership)
        .filter(role=Role.AGENCY_LEAD, is_active=True, member__organisation__name=organisation)
        .select_related("person", "member__organisation")
        .order_by("pk")
        .first()
    )
    if membership is None:
        return None
    return TenantContext(partnership=ctx.partnership, user=membership.person, membership=membership)


def _grades(assessment: SelfAssessment, choose) -> dict[int, dict]:
    grades = {}
    for row in assessment.grades.select_related("standard"):
        grade = choose(row.standard.number)
        grades[row.pk] = {
            "grade": grade,
            "evidence": EVIDENCE.get(row.standard.number, "Evidence held by the organisation."),
            "improvement_actions": "Action agreed at the safeguarding committee, to be reviewed in six months."
            if grade in ("red", "amber")
            else "",
        }
    return grades


def load_section_11(ctx: TenantContext) -> str:
    """The default standards, and a cycle opened six weeks ago, due in a week: NELFT's return
    moderated (one grade challenged), BTUH's submitted and waiting for moderation, the CCG's
    emailed in and recorded by the business unit (waiting for moderation too), Essex Police's a
    draft, the Youth Offending Service's not started."""
    cycle = Cycle.objects.for_partnership(ctx.partnership).filter(name__startswith=S11_CYCLE).first()
    if cycle is not None:
        return cycle.name
    self_assessment_services.standards_install_defaults(ctx, framework=Framework.SECTION_11)
    today = timezone.localdate()
    year = current_year_start(today)
    cycle = self_assessment_services.cycle_create(
        ctx,
        name=f"{S11_CYCLE} {year}-{str(year + 1)[-2:]}",
        framework=Framework.SECTION_11,
        opens_on=today - dt.timedelta(days=42),
        due_on=today + dt.timedelta(days=7),
        members=[_member(ctx, name) for name in (NELFT, BTUH, POLICE, YOS, CCG)],
    )
    returns = {
        a.member.organisation.name: a
        for a in SelfAssessment.objects.for_partnership(ctx.partnership)
        .filter(cycle=cycle)
        .select_related("member__organisation")
    }
    answers = {
        NELFT: (lambda n: "amber" if n in (4, 8) else "green", True),
        BTUH: (lambda n: "red" if n == 7 else "amber" if n == 5 else "green", True),
        POLICE: (lambda n: "green" if n <= 4 else "", False),
    }
    for organisation, (choose, submit) in answers.items():
        lead = _lead_ctx(ctx, organisation)
        if lead is not None:
            self_assessment_services.return_save(
                lead, returns[organisation], grades=_grades(returns[organisation], choose), submit=submit
            )
    # The CCG has no agency lead here: its designated nurse emailed the return, and the business
    # unit recorded it as received ten days ago.
    self_assessment_services.return_save(
        ctx,
        returns[CCG],
        grades=_grades(returns[CCG], lambda n: "amber" if n == 6 else "green"),
        submit=True,
        received_on=today - dt.timedelta(days=10),
    )
    nelft = SelfAssessment.objects.for_partnership(ctx.partnership).get(pk=returns[NELFT].pk)
    if nelft.status == ReturnStatus.SUBMITTED:
        decisions = {}
        for row in nelft.grades.select_related("standard"):
            if row.standard.number == 7:
                decisions[row.pk] = {
                    "moderation": "challenged",
                    "comment": "No information-sharing agreement with schools was shown; amber until it is signed.",
                    "agreed_grade": "amber",
                }
            else:
                decisions[row.pk] = {"moderation": "agreed", "comment": "", "agreed_grade": ""}
        self_assessment_services.return_moderate(ctx, nelft, decisions=decisions)
    return cycle.name


def load(admin: Person) -> str:
    partnership = Partnership.objects.filter(slug="thurrock").first()
    if partnership is None:
        return ""
    ctx = _business_ctx(partnership, admin)
    priorities = load_priorities(ctx)
    audits = load_audit_programme(ctx, priorities)
    cycle = load_section_11(ctx)
    indicators = load_dataset(ctx, priorities)
    challenges = load_challenges(ctx)
    report = load_annual_report(ctx)
    return (
        f"Audits: Thurrock's {len(priorities)} priorities, {audits} audits planned, '{cycle}' with returns in "
        f"every state, {indicators} dataset indicators over six quarters, "
        f"{challenges} challenges and the yearly report '{report.title}'"
    )
