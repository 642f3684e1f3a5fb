"""Demo notifications across the three partnerships at every stage, dated back from today in
working days so that some clocks are met, some met late, some due soon and some overdue (the
sweep at the end of `lscp.demo.load` decides their escalations). The children and summaries are
invented."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lscp import deadlines as engine
from lscp import pdf
from lscp.deadlines.workdays import calendar_for
from lscp.tenancy import TenantContext
from partners.models import Member, Membership, Partnership, Person
from reviews.lcspr import services as lcspr_services
from reviews.lcspr.models import Lcspr
from reviews.lcspr.selectors import lcspr_for
from reviews.notifications import services
from reviews.notifications.models import Notification
from reviews.notifications.services import ChildAnswer
from reviews.notifications.steps import STEPS
from reviews.rapid_review import selectors as rapid_selectors
from reviews.rapid_review import services as rapid
from reviews.rapid_review.models import InformationRequest, LcsprCriterion, SignOff

# (key, pathway, notifier statutory role or organisation name, aware: working days ago,
#  nature, abuse, location, children, summary, steps: {step: working days after aware}, criteria)
SCENARIOS = {
    "thurrock": [
        dict(
            key="q",
            pathway="mandatory",
            notifier="council",
            aware=60,
            incident_before=1,
            nature="serious_harm",
            abuse="known",
            location="in_area",
            children=[
                dict(
                    reference="Child Q",
                    age_years=15,
                    sex="female",
                    ethnicity="black_african",
                    looked_after=False,
                    known_to=["Thurrock Council", "Essex Police", "North East London NHS Foundation Trust (NELFT)"],
                )
            ],
            summary="A 15-year-old was found seriously injured after a period of going missing from home. Police and "
            "children's social care had been involved because of concerns about criminal exploitation.",
            steps={
                "panel_notified": 4,
                "rapid_review_started": 6,
                "rapid_review_completed": 21,
                "outcome_sent": 24,
                "panel_responded": 37,
            },
        ),
        dict(
            key="r",
            pathway="mandatory",
            notifier="council",
            aware=28,
            incident_before=2,
            nature="death",
            abuse="suspected",
            location="in_area",
            children=[
                dict(
                    reference="Child R",
                    age_years=0,
                    age_months=4,
                    sex="male",
                    ethnicity="white_british",
                    looked_after=False,
                    known_to=[
                        "Basildon and Thurrock University Hospitals NHS Foundation Trust (BTUH)",
                        "North East London NHS Foundation Trust (NELFT)",
                    ],
                )
            ],
            summary="A four-month-old baby died at home. Injuries found at hospital were not consistent with the account "
            "given. Health visiting had seen the family twice.",
            steps={"panel_notified": 3, "rapid_review_started": 5},
        ),
        dict(
            key="s",
            pathway="agency",
            notifier="North East London NHS Foundation Trust (NELFT)",
            aware=3,
            incident_before=1,
            nature="serious_harm",
            abuse="suspected",
            location="in_area",
            children=[
                dict(
                    reference="Child S",
                    age_years=9,
                    sex="female",
                    ethnicity="asian_pakistani",
                    looked_after=False,
                    known_to=["North East London NHS Foundation Trust (NELFT)", "Thurrock primary schools"],
                ),
                dict(
                    reference="Child T",
                    age_years=6,
                    sex="male",
                    ethnicity="asian_pakistani",
                    looked_after=False,
                    known_to=["Thurrock primary schools"],
                ),
            ],
            summary="Two siblings were admitted to hospital with signs of long-standing neglect. School had raised "
            "attendance concerns; the school nurse had made a referral.",
            steps={},
        ),
        dict(
            key="u",
            pathway="mandatory",
            notifier="council",
            aware=8,
            incident_before=0,
            nature="death",
            abuse="not_suspected",
            location="outside_england",
            children=[
                dict(
                    reference="Child U",
                    age_years=16,
                    sex="male",
                    ethnicity="white_other",
                    looked_after=True,
                    known_to=["Thurrock Council", "Thurrock Youth Offending Service"],
                )
            ],
            summary="A looked-after young person died while on a family holiday abroad. Abuse or neglect is not suspected.",
            steps={},
            criteria="lac_death",
        ),
        dict(
            key="v",
            pathway="agency",
            notifier="Essex County Fire and Rescue Service",
            aware=12,
            incident_before=1,
            nature="serious_harm",
            abuse="not_suspected",
            location="in_area",
            children=[
                dict(
                    reference="Child V",
                    age_years=11,
                    sex="male",
                    ethnicity="white_british",
                    looked_after=False,
                    known_to=[],
                )
            ],
            summary="A child was injured in a house fire. Fire investigation found an electrical fault; no safeguarding "
            "concerns were known.",
            steps={},
            criteria="does_not_meet",
        ),
        dict(
            key="w",
            pathway="mandatory",
            notifier="council",
            aware=50,
            incident_before=3,
            nature="serious_harm",
            abuse="known",
            location="in_area",
            children=[
                dict(
                    reference="Child W",
                    age_years=13,
                    sex="female",
                    ethnicity="mixed_white_black_caribbean",
                    looked_after=False,
                    known_to=["Thurrock Council", "Thurrock secondary schools"],
                )
            ],
            summary="A 13-year-old disclosed sexual abuse by a family friend after a long period of concerns at school.",
            steps={"panel_notified": 6, "rapid_review_started": 8, "rapid_review_completed": 20, "outcome_sent": 22},
        ),
        dict(
            key="l",
            pathway="mandatory",
            notifier="council",
            aware=12,
            incident_before=1,
            nature="death",
            abuse="not_suspected",
            location="in_area",
            children=[
                dict(
                    reference="Young person L",
                    age_years=21,
                    sex="male",
                    ethnicity="white_british",
                    looked_after=False,
                    care_leaver=True,
                    disability="no",
                    plan="none",
                    known_to=["Thurrock Council"],
                )
            ],
            summary="A 21-year-old care leaver, supported by the leaving care team, died in his flat. No abuse or "
            "neglect is known or suspected.",
            steps={"sos_ofsted_notified": 1},
        ),
    ],
    "southend": [
        dict(
            key="a",
            pathway="mandatory",
            notifier="council",
            aware=30,
            incident_before=1,
            nature="serious_harm",
            abuse="known",
            location="in_area",
            children=[
                dict(
                    reference="Child A",
                    age_years=2,
                    sex="female",
                    ethnicity="white_british",
                    looked_after=False,
                    known_to=["Essex Partnership University NHS Foundation Trust (EPUT)"],
                )
            ],
            summary="A toddler was admitted with a head injury. A parent has been arrested.",
            steps={"panel_notified": 5, "rapid_review_started": 7, "rapid_review_completed": 19},
        ),
        dict(
            key="b",
            pathway="agency",
            notifier="Essex Partnership University NHS Foundation Trust (EPUT)",
            aware=6,
            incident_before=2,
            nature="serious_harm",
            abuse="suspected",
            location="in_area",
            children=[
                dict(
                    reference="Child B",
                    age_years=14,
                    sex="male",
                    ethnicity="black_caribbean",
                    looked_after=False,
                    known_to=["Essex Partnership University NHS Foundation Trust (EPUT)", "Southend schools"],
                )
            ],
            summary="A 14-year-old was stabbed; he had been known to mental health services and excluded from school.",
            steps={"panel_notified": 4},
        ),
    ],
    "essex": [
        dict(
            key="c",
            pathway="mandatory",
            notifier="council",
            aware=25,
            incident_before=1,
            nature="death",
            abuse="known",
            location="in_area",
            children=[
                dict(
                    reference="Child C",
                    age_years=7,
                    sex="female",
                    ethnicity="white_gypsy_traveller",
                    looked_after=False,
                    known_to=["Essex County Fire and Rescue Service"],
                )
            ],
            summary="A seven-year-old died in a house fire; the home had been the subject of neglect concerns.",
            steps={"panel_notified": 7, "rapid_review_started": 8},
        ),
        dict(
            key="d",
            pathway="mandatory",
            notifier="council",
            aware=1,
            incident_before=0,
            nature="serious_harm",
            abuse="suspected",
            location="in_area",
            children=[
                dict(
                    reference="Child D",
                    age_years=0,
                    age_months=2,
                    sex="male",
                    ethnicity="not_known",
                    looked_after=False,
                    known_to=[],
                )
            ],
            summary="A two-month-old baby was admitted with fractures of different ages.",
            steps={},
        ),
    ],
}


# The rapid reviews in depth (issue 4), for some of the cases above, in working days after the
# local authority became aware. Thurrock has one case at each stage.
RAPID_REVIEWS = {
    # Requests outstanding: asked yesterday, nobody has answered yet.
    "thurrock-s": {
        "asked": 2,
        "reply": 7,
        "orgs": [
            "North East London NHS Foundation Trust (NELFT)",
            "Thurrock primary schools",
            "Thurrock early years settings",  # a designated childcare or education agency
        ],
        "answered": [],
    },
    # Summaries in, the meeting recorded, waiting for the third signature (health's).
    "thurrock-r": {
        "asked": 3,
        "reply": 8,
        "answered": [
            "North East London NHS Foundation Trust (NELFT)",
            "Basildon and Thurrock University Hospitals NHS Foundation Trust (BTUH)",
        ],
        "orgs": [
            "North East London NHS Foundation Trust (NELFT)",
            "Basildon and Thurrock University Hospitals NHS Foundation Trust (BTUH)",
        ],
        "meeting": 14,
        "signed": ["council", "police"],
        "recommendation": "lcspr",
    },
    # Completed and with the Panel; its LCSPR is near its pre-publication deadline.
    "thurrock-w": {
        "asked": 6,
        "reply": 11,
        "orgs": ["Thurrock primary schools"],
        "answered": ["Thurrock primary schools"],
        "meeting": 17,
        "signed": ["council", "police", "health"],
        "recommendation": "lcspr",
        "lcspr": {"decided": 24, "final": 46, "publish": 55},
    },
    # The oldest: its LCSPR has been published.
    "thurrock-p": {
        "asked": 5,
        "reply": 10,
        "orgs": ["North East London NHS Foundation Trust (NELFT)"],
        "answered": ["North East London NHS Foundation Trust (NELFT)"],
        "meeting": 12,
        "signed": ["council", "police", "health"],
        "recommendation": "lcspr",
        "lcspr": {"decided": 20, "final": 130, "publish": 160, "sent": 145, "published": 160},
    },
    "thurrock-q": {
        "asked": 7,
        "reply": 12,
        "orgs": ["North East London NHS Foundation Trust (NELFT)"],
        "answered": ["North East London NHS Foundation Trust (NELFT)"],
        "meeting": 18,
        "signed": ["council", "police", "health"],
        "recommendation": "local_learning",
    },
    "southend-a": {
        "asked": 6,
        "reply": 10,
        "orgs": ["Essex Partnership University NHS Foundation Trust (EPUT)"],
        "answered": ["Essex Partnership University NHS Foundation Trust (EPUT)"],
        "meeting": 15,
        "signed": ["council", "police", "health"],
        "recommendation": "none",
    },
}

SCENARIOS["thurrock"].append(
    dict(
        key="p",
        pathway="mandatory",
        notifier="council",
        aware=200,
        incident_before=2,
        nature="death",
        abuse="known",
        location="in_area",
        children=[
            dict(
                reference="Child P",
                age_years=1,
                sex="male",
                ethnicity="white_british",
                looked_after=False,
                known_to=["North East London NHS Foundation Trust (NELFT)", "Thurrock Council"],
            )
        ],
        summary="A one-year-old died from injuries inflicted at home. The family had moved into Thurrock from another area "
        "shortly before; records did not follow them.",
        steps={
            "panel_notified": 3,
            "rapid_review_started": 4,
            "rapid_review_completed": 14,
            "outcome_sent": 17,
            "panel_responded": 30,
        },
    )
)

ATTENDEE_NAMES = ["Joan Hartley", "Kofi Mensah", "Rachel Green", "Imran Shah", "Lucy Barnes", "Tomasz Nowak"]

MEETING = dict(
    key_practice_episodes="Missed health appointments were not followed up; a referral to children's social care was "
    "closed after one visit; information about a previous partner was not shared with health.",
    learning="Practitioners need to be professionally curious about the men in a child's life. Information held by one "
    "agency was not known to the others when decisions were made.",
    immediate_actions="A multi-agency strategy meeting was held for the siblings; health visiting reviewed its caseload "
    "for families with unexplained missed appointments.",
    context="The family's first language is not English and no interpreter was used at two visits.",
    # What that learning is about, in the National Panel's themes (reviews/themes.py).
    themes=["neglect", "male_carers", "information_sharing", "race_and_culture"],
)


def _agency_ctx(partnership, member):
    membership = (
        Membership.objects.for_partnership(partnership)
        .filter(role="agency_lead", member=member, is_active=True)
        .select_related("person", "member")
        .first()
    )
    return TenantContext(partnership=partnership, user=membership.person, membership=membership) if membership else None


def _tiny_report(title: str):

    content = pdf.render_pdf("pdf/demo_report.html", {"title": title, "partnership": None})
    return SimpleUploadedFile(f"{title}.pdf", content)


def _rapid_review(ctx, notification, plan, calendar, aware, members):
    """Take a case through its rapid review (requests, answers, meeting, sign-offs), then move the
    generated dates back to where this case's history puts them."""
    on = lambda days: calendar.add(aware, days).date  # noqa: E731
    asked = InformationRequest.objects.for_partnership(ctx.partnership).filter(notification=notification)
    if not asked.exists() and notification.status in rapid.OPEN_FOR_REQUESTS:
        _ask_and_answer(ctx, notification, plan, on, aware, members, asked)
    if (
        "meeting" not in plan
        or notification.status != "rapid_review_started"
        or rapid_selectors.rapid_review_for(notification)
    ):
        return
    _meeting(ctx, notification, plan, on, members)
    _signed(ctx, notification, plan, on)


def _ask_and_answer(ctx, notification, plan, on, aware, members, asked):
    partnership = ctx.partnership
    rapid.request_information(
        ctx,
        notification,
        members=[members[name] for name in plan["orgs"]],
        reply_by=timezone.localdate() + dt.timedelta(days=30),
        message="Please use the SET template.",
    )
    asked.update(requested_on=on(plan["asked"]), reply_by=on(plan["reply"]))
    # The clocks worked out again from the rows as they now are (a fresh read each time: a
    # queryset iterated once keeps the rows it read then, before the summaries were submitted).
    for request in asked.all():
        engine.refresh(request)
    for request in asked.all():
        agency = _agency_ctx(partnership, request.member)
        if request.member.organisation.name not in plan["answered"] or agency is None:
            continue
        rapid.save_agency_summary(
            agency,
            request,
            submit=True,
            involvement=f"{request.member.organisation} saw the family {request.pk % 3 + 2} times in the year before the incident.",
            immediate_actions="The case was discussed at the agency's safeguarding supervision the next day.",
            learning="Follow up missed appointments with the family and the GP, and share concerns with the health visitor.",
            chronology=[
                {"date": aware - dt.timedelta(days=90), "event": "Routine contact", "agency_action": "None needed"},
                {"date": aware - dt.timedelta(days=20), "event": "Missed appointment", "agency_action": "Letter sent"},
            ],
            # Submitted on the reply-by date (or today, when that is still to come): the service
            # meets the clock on that day.
            submitted_on=min(on(plan["reply"]), timezone.localdate()),
        )


MET_IN_DEMO = ("agencies_together", "improvement_needs")


def _meeting(ctx, notification, plan, on, members):
    present = [m for m in members.values() if m.statutory_role or m.organisation.name in plan["orgs"]]
    rapid.save_meeting(
        ctx,
        notification,
        meeting_date=on(plan["meeting"]),
        attendees=[
            {
                "member": m,
                "name": ATTENDEE_NAMES[index % len(ATTENDEE_NAMES)],
                "role": "Head of Safeguarding" if m.statutory_role else "Named professional for safeguarding",
            }
            for index, m in enumerate(present)
        ],
        criteria={
            c.value: {
                "met": c.value in MET_IN_DEMO,
                "rationale": "Agencies held information the others did not have" if c.value in MET_IN_DEMO else "",
            }
            for c in LcsprCriterion
        },
        recommendation=plan["recommendation"],
        recommendation_rationale="The learning about information sharing between health and children's social care is "
        "significant and recurrent; a local review will test it with practitioners.",
        **MEETING,
    )


def _signed(ctx, notification, plan, on):
    partnership = ctx.partnership
    rapid.send_for_sign_off(ctx, notification)
    for role in plan["signed"]:
        lead = (
            Membership.objects.for_partnership(partnership)
            .filter(role="dsp", member__statutory_role=role, is_active=True)
            .select_related("person", "member")
            .first()
        )
        rapid.sign_off(
            TenantContext(partnership=partnership, user=lead.person, membership=lead), notification, decision="signed"
        )
    review = rapid_selectors.rapid_review_for(notification)
    when = timezone.make_aware(dt.datetime.combine(on(plan["meeting"]) + dt.timedelta(days=2), dt.time(12)))
    SignOff.objects.for_partnership(partnership).filter(review=review).update(at=when)


def _lcspr(ctx, notification, plan, calendar, aware):
    if (
        "lcspr" not in plan
        or lcspr_for(notification)
        or notification.status not in ("rapid_review_completed", "outcome_sent", "panel_responded")
    ):
        return
    stages = plan["lcspr"]
    on = lambda days: calendar.add(aware, days).date  # noqa: E731
    lcspr = lcspr_services.commission(
        ctx,
        notification,
        decision_date=on(stages["decided"]),
        reviewer_name="Dr Helen Marsh",
        reviewer_kind="independent",
        terms_of_reference="To review how agencies worked together with the family in the two years before the incident, "
        "with a focus on information sharing and the involvement of fathers.",
        scope_from=aware - dt.timedelta(days=730),
        scope_to=aware,
    )
    lcspr_services.add_meeting(ctx, lcspr, date=on(stages["decided"] + 15), notes="Practitioner event planned")
    lcspr_services.receive_report(
        ctx,
        lcspr,
        final=True,
        received_on=on(stages["final"]),
        upload=_tiny_report(f"{notification.reference} LCSPR final report"),
    )
    lcspr_services.plan_publication(ctx, lcspr, planned_publication_date=on(stages["publish"]))
    if "sent" in stages:
        lcspr_services.send_to_panel(ctx, lcspr, sent_on=on(stages["sent"]))
    if "published" in stages:
        lcspr_services.publish(
            ctx,
            lcspr,
            published_on=on(stages["published"]),
            published_url=f"https://www.thurrocklscp.org.uk/reviews/{notification.reference.lower()}",
        )
    engine.refresh(Lcspr.objects.for_partnership(ctx.partnership).get(pk=lcspr.pk))


def _ctx(partnership, admin) -> TenantContext:
    business = (
        Membership.objects.for_partnership(partnership).filter(person__username=f"{partnership.slug}-business").first()
    )
    if business is None:
        return TenantContext.for_administrator(partnership=partnership, user=admin)
    return TenantContext(partnership=partnership, user=business.person, membership=business)


def load(admin: Person) -> str:
    today = timezone.localdate()
    created = 0
    for slug, scenarios in SCENARIOS.items():
        partnership = Partnership.objects.get(slug=slug)
        ctx = _ctx(partnership, admin)
        calendar = calendar_for(partnership)
        members = {
            m.organisation.name: m for m in Member.objects.for_partnership(partnership).select_related("organisation")
        }
        for scenario in scenarios:
            key = f"demo-{slug}-{scenario['key']}"
            notification = Notification.objects.for_partnership(partnership).filter(submission_key=key).first()
            aware = calendar.subtract(today, scenario["aware"]).date
            if notification is None:
                notification = _submit(ctx, scenario, key=key, aware=aware, calendar=calendar, members=members)
                created += 1
            if scenario.get("criteria") and not notification.criteria_decision:
                rationale = (
                    ""
                    if scenario["criteria"] == notification.evaluation.result
                    else "Agreed at the daily safeguarding partners' call"
                )
                notification = services.decide_criteria(
                    ctx, notification, result=scenario["criteria"], rationale=rationale
                )
            plan = RAPID_REVIEWS.get(f"{slug}-{scenario['key']}")
            if plan:
                _rapid_review(ctx, notification, plan, calendar, aware, members)
            notification = _steps(ctx, notification, scenario, plan, calendar=calendar, aware=aware, members=members)
            if plan:
                _lcspr(ctx, notification, plan, calendar, aware)
    return f"Notifications created: {created}"


def _submit(ctx, scenario, *, key, aware, calendar, members) -> Notification:
    partnership = ctx.partnership
    council = Member.objects.for_partnership(partnership).get(statutory_role="council")
    notifier = council if scenario["notifier"] == "council" else members[scenario["notifier"]]
    children = [
        ChildAnswer(
            reference=c["reference"],
            age_years=c["age_years"],
            age_months=c.get("age_months"),
            sex=c["sex"],
            ethnicity=c["ethnicity"],
            looked_after=c["looked_after"],
            known_to=[members[name] for name in c["known_to"] if name in members],
            care_leaver=c.get("care_leaver", False),
            disability=c.get("disability", "unknown"),
            plan=c.get("plan", "unknown"),
        )
        for c in scenario["children"]
    ]
    return services.notification_submit(
        ctx,
        submission_key=key,
        pathway=scenario["pathway"],
        notifying_member=notifier,
        notifier_name="Duty Safeguarding Lead",
        notifier_role="Safeguarding lead",
        notifier_email=f"safeguarding@{partnership.slug}.demo.lscp.invalid",
        incident_date=calendar.subtract(aware, scenario["incident_before"]).date
        if scenario["incident_before"]
        else aware,
        aware_date=aware,
        location=scenario["location"],
        nature=scenario["nature"],
        abuse_or_neglect=scenario["abuse"],
        children=children,
        summary=scenario["summary"],
        received_on=calendar.add(aware, 1).date if scenario["pathway"] == "agency" else aware,
    )


def _steps(ctx, notification, scenario, plan, *, calendar, aware, members) -> Notification:
    """The statutory steps the scenario has reached, each on its working day after `aware`."""
    for step, spec in STEPS.items():
        if step == "rapid_review_completed" and plan:
            _rapid_review(ctx, notification, plan, calendar, aware, members)
        if step not in scenario["steps"] or notification.status != spec.from_status:
            continue
        on = calendar.add(aware, scenario["steps"][step]).date
        values = {}
        if step == "panel_notified":
            if not notification.criteria_decision:  # the Panel is notified on a decision (confirming the evaluation)
                notification = services.decide_criteria(ctx, notification, result=notification.evaluation.result)
            values["panel_reference"] = f"CSPRP-{aware:%y}{notification.pk:04d}"
            if notification.is_lac_death:
                values.update(sos_notified_on=on, ofsted_notified_on=on)
        if step == "sos_ofsted_notified":
            values["ofsted_notified_on"] = on
        if step == "panel_responded":
            values["response"] = "The Panel agrees with the partnership's decision and looks forward to the learning."
        if step == "rapid_review_completed":
            if services.step_refusal(notification, spec):
                break  # waiting for sign-off
            values["confirm"] = True  # back-recorded: completed before today's signatures (lscp.dates)
        notification = services.record_step(ctx, notification, step=step, on=on, **values)
    return notification
