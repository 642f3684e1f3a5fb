"""Demo action plans for Thurrock, from the seeds, dated back from today in working days:

- the Shae and Ashley Local Health Review plan, ratified by the LPRG, the MEB and the statutory
  partners in the last cycle of meetings: 10 recommendations, 14 actions, 6 complete and 8 on track
  (seed 002). The seed gives the counts, not the text: the recommendations here are invented;
- the Thematic Review into Serious Youth Violence and Gang Related Crime plan, going through
  ratification (the LPRG has ratified it), with work started on some actions (seed 002);
- the 2020 independent review's 26 composite recommendations (seed 003 §22), a plan owned by the
  partnership's business unit, a year on: most complete, some waiting for acceptance, at risk or
  overdue, and one due date moved with its reason.

Everything goes through the services; loading twice changes nothing (each plan has a fixed key).
"""

from __future__ import annotations

from django.utils import timezone

from lscp.deadlines.workdays import calendar_for
from lscp.roles import Role
from lscp.tenancy import TenantContext
from partners.models import Member, Membership, Partnership, Person
from reviews.action_plans import services
from reviews.action_plans.models import ActionPlan, SourceKind, Stage
from reviews.action_plans.services import ActionIn, RecommendationIn

BU = None  # an action owned by the partnership's business unit
GROUP_INITIALS = {Stage.LPRG: "LPRG", Stage.MEB: "MEB", Stage.PARTNERS: "Strategic Group"}

# (number, text, [(description, owner organisation, measure of success, due in working days from
#  today (negative: past), state)]) where state is ("complete", completed N working days ago),
#  ("on_track", last progress N working days ago, text), ("at_risk", ...), ("not_started",),
#  ("awaiting", completed N working days ago), ("overdue", last progress N working days ago, text).
SHAE_AND_ASHLEY = [
    (
        "1",
        "Health practitioners use the Graded Care Profile 2 whenever neglect is suspected, and record the outcome.",
        [
            (
                "1a",
                "Train every health visitor in the Graded Care Profile 2 and add it to the health visiting neglect pathway.",
                "North East London NHS Foundation Trust (NELFT)",
                "All health visitors trained; GCP2 recorded in 90% of cases open for neglect at audit",
                -20,
                ("complete", 30),
            ),
            (
                "1b",
                "Extend Graded Care Profile 2 training to school nurses and add GCP2 prompts to the school nursing record.",
                "North East London NHS Foundation Trust (NELFT)",
                "School nurses trained; prompts live in the record",
                60,
                (
                    "on_track",
                    4,
                    "Two of three training cohorts done; the record prompts are with the clinical systems team.",
                ),
            ),
        ],
    ),
    (
        "2",
        "GP practices record children who were not brought to appointments and share repeated missed appointments with the named GP for safeguarding.",
        [
            (
                "",
                "Issue 'was not brought' guidance and a template to every Thurrock GP practice.",
                "Thurrock Clinical Commissioning Group (CCG)",
                "Guidance issued to all practices; template in use in a sample of 10 practices",
                -15,
                ("complete", 25),
            )
        ],
    ),
    (
        "3",
        "Children attending hospital out of hours have the same access to safeguarding advice as in the day.",
        [
            (
                "3a",
                "Set up an out-of-hours safeguarding advice rota for the emergency department and paediatric wards.",
                "Basildon and Thurrock University Hospitals NHS Foundation Trust (BTUH)",
                "Rota in place seven days a week; calls logged",
                45,
                ("on_track", 6, "Rota agreed by the named nurses; recruitment to the last two slots under way."),
            ),
            (
                "3b",
                "Make the mental health crisis team's safeguarding escalation route known to hospital staff out of hours.",
                "Essex Partnership University NHS Foundation Trust (EPUT)",
                "Escalation route in the emergency department's out-of-hours handbook",
                40,
                ("on_track", 8, "Draft route shared with BTUH for comment."),
            ),
        ],
    ),
    (
        "4",
        "Assessments engage fathers and male carers, including those not living in the household.",
        [
            (
                "",
                "Add a 'fathers and male carers' section to the children's social care assessment template and supervision checklist.",
                "Thurrock Council",
                "Section in use; audit shows fathers seen in 75% of assessments",
                -10,
                ("complete", 18),
            )
        ],
    ),
    (
        "5",
        "Practitioners across the partnership show professional curiosity when a family's account does not fit what they see.",
        [
            (
                "",
                "Run multi-agency professional curiosity workshops using the learning from this review.",
                BU,
                "Four workshops delivered; evaluation shows increased confidence",
                -5,
                ("complete", 12),
            )
        ],
    ),
    (
        "6",
        "Health and children's social care share information when a family's care moves between services.",
        [
            (
                "6a",
                "Include children's social care in the health visiting transfer-in and transfer-out checklist.",
                "North East London NHS Foundation Trust (NELFT)",
                "Checklist updated; no transfers without a social care check at audit",
                70,
                ("on_track", 3, "Checklist revised and out for consultation with the team leaders."),
            ),
            (
                "6b",
                "Notify the named health professionals when a child on a plan moves into or out of Thurrock.",
                "Thurrock Council",
                "Notification step in the case management system",
                80,
                ("on_track", 10, "Change request raised with the case management system supplier."),
            ),
        ],
    ),
    (
        "7",
        "Practitioners know and use the SET escalation and resolution policy.",
        [
            (
                "",
                "Relaunch the escalation policy with a seven-minute briefing and add it to the LSCP newsletter.",
                BU,
                "Briefing published; escalations recorded by the business unit",
                -25,
                ("complete", 35),
            )
        ],
    ),
    (
        "8",
        "Dental neglect is recognised and referred.",
        [
            (
                "",
                "Agree a dental neglect pathway with community dental services and publish it on the LSCP website.",
                "Thurrock Clinical Commissioning Group (CCG)",
                "Pathway published; referrals counted quarterly",
                100,
                ("on_track", 12, "Pathway drafted with the community dental service."),
            )
        ],
    ),
    (
        "9",
        "Schools act on persistent absence as a possible sign of neglect.",
        [
            (
                "9a",
                "Brief primary school designated safeguarding leads on absence and neglect at the termly DSL forum.",
                "Thurrock primary schools",
                "Briefing given at the forum; attendance recorded",
                -30,
                ("complete", 40),
            ),
            (
                "9b",
                "Agree a protocol between secondary schools and the education welfare service for absence with welfare concerns.",
                "Thurrock secondary schools",
                "Protocol agreed by all secondary schools",
                55,
                ("on_track", 7, "Draft protocol discussed at the secondary heads' meeting."),
            ),
        ],
    ),
    (
        "10",
        "The partnership checks that the changes from this review have made a difference.",
        [
            (
                "",
                "Multi-agency audit of neglect cases six months after the plan is complete.",
                BU,
                "Audit report to the Learning & Practice Review Group",
                150,
                ("on_track", 15, "Audit scoped with the Audit Group; case sample to be drawn next quarter."),
            )
        ],
    ),
]

# A sub-part's own recommendation, where the recommendation above is divided.
PART_TEXT = {
    "1a": "Health visitors use the Graded Care Profile 2 whenever neglect is suspected, and record the outcome.",
    "1b": "School nurses use the Graded Care Profile 2 whenever neglect is suspected, and record the outcome.",
    "3a": "Children attending the hospital's emergency department or wards out of hours have access to safeguarding "
    "advice.",
    "3b": "Hospital staff can reach mental health crisis services' safeguarding advice out of hours.",
    "6a": "Health visiting tells children's social care when a family's care moves between health services.",
    "6b": "Children's social care tells health services when a child on a plan moves into or out of Thurrock.",
    "9a": "Primary schools act on persistent absence as a possible sign of neglect.",
    "9b": "Secondary schools and the education welfare service act together on absence with welfare concerns.",
    "4a": "Youth Offending Service and children's social care staff assess safeguarding and offending together.",
    "4b": "The Youth Offending Service takes part in decisions about children at risk of exploitation.",
}

YOUTH_VIOLENCE = [
    (
        "1",
        "Partners share intelligence about children at risk of criminal exploitation through MACE.",
        [
            (
                "",
                "Agree a MACE information-sharing protocol covering police, children's social care, schools and the Youth Offending Service.",
                "Essex Police",
                "Protocol signed by every MACE member",
                60,
                ("on_track", 5, "Protocol drafted; legal review by the council under way."),
            )
        ],
    ),
    (
        "2",
        "Children excluded from school are assessed for the risk of exploitation.",
        [
            (
                "",
                "Add an exploitation screening question to the exclusion notification process.",
                "Thurrock Council",
                "Screening recorded for every permanent exclusion",
                80,
                ("not_started",),
            )
        ],
    ),
    (
        "3",
        "Reachable moments are used: children attending hospital with a knife injury are offered a youth worker.",
        [
            (
                "",
                "Place a youth worker in the emergency department on Friday and Saturday evenings.",
                "Basildon and Thurrock University Hospitals NHS Foundation Trust (BTUH)",
                "Youth worker in post; children offered support counted",
                100,
                ("on_track", 9, "Funding agreed with the Violence and Vulnerability Unit; recruitment started."),
            )
        ],
    ),
    (
        "4",
        "Children in the youth justice system have their safeguarding needs assessed alongside their offending.",
        [
            (
                "4a",
                "Joint assessment training for Youth Offending Service and children's social care staff.",
                "Thurrock Youth Offending Service",
                "All case workers trained",
                70,
                ("not_started",),
            ),
            (
                "4b",
                "Include the Youth Offending Service in strategy discussions for children at risk of exploitation.",
                "Thurrock Council",
                "YOS attendance at strategy discussions recorded",
                50,
                ("on_track", 11, "Agreed in principle at the children's social care management team."),
            ),
        ],
    ),
    (
        "5",
        "Parents and carers know the signs of exploitation and where to go.",
        [
            (
                "",
                "Run a parents' campaign on county lines and criminal exploitation with the community safety partnership.",
                BU,
                "Campaign delivered; website visits and calls counted",
                90,
                ("not_started",),
            )
        ],
    ),
    (
        "6",
        "The learning reaches practitioners.",
        [
            (
                "",
                "A seven-minute briefing and practitioner event on the thematic review's learning.",
                BU,
                "Briefing published; event evaluation",
                40,
                ("not_started",),
            )
        ],
    ),
]

# Seed 003 §22, word for word.
COMPOSITE = [
    "Consider deputies on Strategic Group to bring strategic/operation leads together",
    "MASH steering group subgroup - governance through LSCP",
    "Shared and agreed priorities across Partnerships for Thurrock",
    "Protocol to reduce duplication and streamline processes across partnership groups e.g. SARs/ LCSPR/DHRs",
    "Develop wider role of SET",
    "Consider different models to involve frontline staff /schools eg learning hubs",
    "Revise Learning and Improvement Framework",
    "Agree a multiagency dataset based on priority areas, plus regular reporting on safeguarding proxy indicators with analysis",
    "Develop different audit models– consider different types e.g. Questionnaires following implementation of new policies/ processes, deep dives, quality conversations, single agency safeguarding audits, scrutiny topics",
    "Review process S11/ s175 – online, strategic and operational /alternating",
    "Agree an Audit schedule -re-audit some areas on annual basis for evidence of impact on priority areas",
    "Ensure children and young people, families and practitioners involved in audit",
    "Agree budget needed including contingency for LCSPR",
    "Consider bid to schools forum for contribution towards partnership",
    "Health and police gradually increase their contribution over next two years to ensure equity of funding",
    "Review functions of business unit",
    "Training – consider developing across SET sharing costs",
    "Thurrock LSCP to consider the appointment of an Independent Chair and Scrutineer",
    "Develop more immediate models of practice review",
    "Embedded in system/ video / induction packs",
    "Monitoring recommendations and agencies actions /audit outcomes and actions",
    "Explore learning across SET",
    "Use existing structures – schools group, young people’s council to promote engagement with C&YP",
    "Questionnaires – ‘you said, we did’",
    "Recruit community voice as lay member",
    "Specific work on faith groups/ community outreach",
]
# What became of each composite recommendation's action, a year on.
COMPOSITE_STATES = {
    8: ("overdue", 30, "Indicators agreed with public health; police data for Thurrock alone still not available."),
    12: ("overdue", 25, "Young people's council approached; no family yet recruited to an audit."),
    11: ("at_risk", 8, "Audit Group capacity reduced this quarter; schedule drafted but not agreed."),
    25: ("at_risk", 6, "Advert ran twice without a suitable applicant."),
    21: ("awaiting", 4),
    24: ("awaiting", 3),
    19: ("on_track", 5, "Rapid review learning-huddle model piloted on two cases."),
    22: ("on_track", 9, "SET learning exchange agreed by the three business managers."),
    23: ("on_track", 10, "Young people's council has the LSCP priorities on its next agenda."),
    26: ("on_track", 12, "Faith leaders' safeguarding network launched at the Inter Faith Week event."),
}


def _ctx(partnership: Partnership, admin: Person) -> TenantContext:
    business = (
        Membership.objects.for_partnership(partnership)
        .filter(role=Role.BUSINESS_UNIT, is_active=True)
        .select_related("person")
        .order_by("pk")
        .first()
    )
    if business is None:
        return TenantContext.for_administrator(partnership=partnership, user=admin)
    return TenantContext(partnership=partnership, user=business.person, membership=business)


def _owner_ctx(partnership: Partnership, ctx: TenantContext, member: Member | None) -> TenantContext:
    """The owner organisation's agency lead updates its action where there is one; else the business unit."""
    if member is None:
        return ctx
    lead = (
        Membership.objects.for_partnership(partnership)
        .filter(role=Role.AGENCY_LEAD, member=member, is_active=True)
        .select_related("person", "member__organisation")
        .first()
    )
    return TenantContext(partnership=partnership, user=lead.person, membership=lead) if lead else ctx


# The demo gives each seed recommendation the practice theme its words are about (the first that
# matches), for the review tracker export; a recommendation about none of them has no theme.
THEME_WORDS = [
    ("father", "male_carers"),
    ("male carer", "male_carers"),
    ("neglect", "neglect"),
    ("domestic", "domestic_abuse"),
    ("exploitation", "exploitation"),
    ("mental health", "parental_mental_health"),
    ("sleep", "safer_sleep"),
    ("voice", "voice_of_the_child"),
    ("lived experience", "voice_of_the_child"),
    ("school", "education"),
    ("education", "education"),
    ("shar", "information_sharing"),
    ("multi-agency", "information_sharing"),
    ("escalat", "risk_assessment"),
    ("assess", "risk_assessment"),
]


def theme_of(text: str) -> str:
    lowered = text.lower()
    return next((theme for word, theme in THEME_WORDS if word in lowered), "")


class _Loader:
    def __init__(self, partnership: Partnership, admin: Person):
        self.partnership = partnership
        self.ctx = _ctx(partnership, admin)
        self.calendar = calendar_for(partnership)
        self.today = timezone.localdate()
        self.members = {
            m.organisation.name: m for m in Member.objects.for_partnership(partnership).select_related("organisation")
        }

    def ago(self, days: int):
        return self.calendar.subtract(self.today, days).date if days >= 0 else self.calendar.add(self.today, -days).date

    def ahead(self, days: int):
        return self.calendar.add(self.today, days).date if days >= 0 else self.calendar.subtract(self.today, -days).date

    def plan(self, key, *, title, source_kind, source_reference, summary, created_ago, recommendations, owner=None):
        submission_key = f"demo-{self.partnership.slug}-{key}"
        if ActionPlan.objects.for_partnership(self.partnership).filter(submission_key=submission_key).exists():
            return None
        given = []
        states = []
        for number, text, actions in recommendations:
            parts = {label for label, *_ in actions}
            if parts == {""}:
                n, part = services.parse_number(number)
                rec = RecommendationIn(number=n, part=part, text=text, theme=theme_of(text))
                given.append(rec)
                targets = [rec] * len(actions)
            else:  # sub-parts: one recommendation per part, each with its action
                targets = []
                for label, *_ in actions:
                    n, part = services.parse_number(label)
                    part_text = PART_TEXT.get(label, text)
                    rec = RecommendationIn(number=n, part=part, text=part_text, theme=theme_of(part_text))
                    given.append(rec)
                    targets.append(rec)
            for rec, (_, description, organisation, measure, due, state) in zip(targets, actions, strict=True):
                member = self.members.get(organisation) if organisation else None
                rec.actions.append(
                    ActionIn(
                        description=description,
                        owner_member=member,
                        owner=owner,
                        due_date=self.ahead(due),
                        measure_of_success=measure,
                    )
                )
                states.append(state)
        plan = services.plan_create(
            self.ctx,
            title=title,
            source_kind=source_kind,
            source_reference=source_reference,
            summary=summary,
            created_on=self.ago(created_ago),
            recommendations=given,
            submission_key=submission_key,
        )
        return plan, states

    def ratify(self, plan, *stages):
        for stage, ago, item in stages:
            day = self.ago(ago)
            minute = f"{GROUP_INITIALS[stage]} {day:%-d %b %Y}, item {item}"
            services.plan_ratify(self.ctx, plan, stage=stage, decided_on=day, minute_reference=minute)

    def progress(self, plan, states):
        actions = list(
            plan.actions.select_related("recommendation", "owner_member", "plan").order_by(
                "recommendation__number", "recommendation__part", "position"
            )
        )
        for action, state in zip(actions, states, strict=True):
            who = _owner_ctx(self.partnership, self.ctx, action.owner_member)
            kind = state[0]
            if kind in ("on_track", "at_risk", "overdue"):
                status = {"on_track": "on_track", "at_risk": "at_risk", "overdue": "on_track"}[kind]
                services.progress_add(who, action, on=self.ago(state[1]), text=state[2], status=status)
            elif kind in ("complete", "awaiting"):
                completed = self.ago(state[1])
                services.progress_add(
                    who,
                    action,
                    on=self.calendar.subtract(completed, 10).date,
                    text="Work under way.",
                    status="on_track",
                )
                action.refresh_from_db()
                services.action_complete(
                    who,
                    action,
                    completed_on=completed,
                    completion_evidence=f"Done: {action.description[0].lower()}{action.description[1:]}",
                    impact_evidence="To be reviewed at the next multi-agency audit." if kind == "complete" else "",
                )
                if kind == "complete":
                    action.refresh_from_db()
                    services.action_accept(
                        self.ctx,
                        action,
                        on=min(self.today, self.calendar.add(completed, 5).date),
                        note="Evidence seen at the Learning & Practice Review Group.",
                    )


def _composite() -> list:
    """The independent review's composite recommendations, each one action of the business unit's."""
    composite = []
    for index, text in enumerate(COMPOSITE, start=1):
        state = COMPOSITE_STATES.get(index, ("complete", 20 + (index * 7) % 150))
        due = {"overdue": -8 - index % 5, "at_risk": 9}.get(state[0], 40 + index * 3)
        if state[0] in ("complete", "awaiting"):
            due = -(state[1] - 10) if state[1] > 10 else 20
        composite.append((str(index), text, [("", text, BU, "", due, state)]))
    return composite


def _move_a_due_date(loader: _Loader, plan: ActionPlan) -> None:
    """One due date moved once the plan was live, with its reason."""
    moved = plan.actions.select_related("recommendation", "plan").get(recommendation__number=17)
    services.action_update(
        loader.ctx,
        moved,
        description=moved.description,
        owner_member=None,
        owner=moved.owner,
        due_date=loader.calendar.add(moved.due_date, 40).date,
        measure_of_success=moved.measure_of_success,
        reason="Waiting for the SET training review, agreed by the three business managers.",
    )


def load(admin: Person) -> str:
    partnership = Partnership.objects.filter(slug="thurrock").first()
    if partnership is None:
        return ""
    loader = _Loader(partnership, admin)
    plans = [
        # (key, the plan, its ratifications: (group, days ago, minute item), what happens once live)
        (
            "shae-ashley",
            dict(
                title="Shae and Ashley Local Health Review (LHR) action plan",
                source_kind=SourceKind.LOCAL_REVIEW,
                source_reference="Shae and Ashley Local Health Review",
                summary="Agreed through meetings of multi-agency representatives to address the review's ten "
                "recommendations, divided into fourteen actionable areas.",
                created_ago=70,
                recommendations=SHAE_AND_ASHLEY,
            ),
            [(Stage.LPRG, 60, 5), (Stage.MEB, 50, 4), (Stage.PARTNERS, 45, 3)],
            None,
        ),
        (
            "youth-violence",
            dict(
                title="Thematic Review into Serious Youth Violence and Gang Related Crime action plan",
                source_kind=SourceKind.THEMATIC_REVIEW,
                source_reference="Thematic Review into Serious Youth Violence and Gang Related Crime",
                summary="Going through the governance process for ratification; work has started on some actions.",
                created_ago=25,
                recommendations=YOUTH_VIOLENCE,
            ),
            [(Stage.LPRG, 12, 7)],
            None,
        ),
        (
            "independent-review-2020",
            dict(
                title="Independent review of Thurrock LSCP (2020): composite recommendations",
                source_kind=SourceKind.SCRUTINY,
                source_reference="Independent Review of Thurrock's Local Safeguarding Children Partnership, "
                "Nicky Pace, independent scrutineer, August 2020",
                summary="The review's 26 composite recommendations (section 22), owned by the partnership and "
                "tracked by the business unit.",
                created_ago=260,
                recommendations=_composite(),
                owner=loader.ctx.membership,
            ),
            [(Stage.LPRG, 255, 2), (Stage.MEB, 250, 3), (Stage.PARTNERS, 245, 2)],
            _move_a_due_date,
        ),
    ]
    created = []
    for key, fields, ratifications, once_live in plans:
        made = loader.plan(key, **fields)
        if not made:
            continue
        plan, states = made
        loader.ratify(plan, *ratifications)
        if once_live is not None:
            once_live(loader, plan)
        loader.progress(plan, states)
        created.append(plan.title)
    return f"Action plans created: {len(created)}"
