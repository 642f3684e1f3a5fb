"""Demo partnerships from the seeds: Thurrock LSCP (its statutory partners, executive roles,
relevant agencies and governance, seed 000), and Southend and Essex, which share Essex Police,
EPUT, NELFT, Essex County Fire and Rescue Service and the East of England Ambulance Service with
it. The organisations and structures are real; the people are invented."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from lscp.demo import DEMO_PASSWORD
from lscp.roles import Role
from lscp.tenancy import TenantContext
from partners import history, services
from partners.models import (
    DesignatedAgency,
    GovernanceGroup,
    GroupRole,
    Member,
    MemberKind,
    Membership,
    Office,
    OfficeKind,
    Organisation,
    Partnership,
    Person,
    Sector,
)

ORGANISATIONS = {
    # name: sector
    "Thurrock Council": Sector.COUNCIL,
    "Essex Police": Sector.POLICE,
    "Thurrock Clinical Commissioning Group (CCG)": Sector.HEALTH,
    "Southend-on-Sea City Council": Sector.COUNCIL,
    "NHS Southend Clinical Commissioning Group (CCG)": Sector.HEALTH,
    "Essex County Council": Sector.COUNCIL,
    "NHS Mid Essex Clinical Commissioning Group (CCG)": Sector.HEALTH,
    "National Probation Service": Sector.PROBATION,
    "Essex Community Rehabilitation Company (CRC)": Sector.PROBATION,
    "CAFCASS": Sector.COURTS,
    "North East London NHS Foundation Trust (NELFT)": Sector.HEALTH,
    "Essex Partnership University NHS Foundation Trust (EPUT)": Sector.HEALTH,
    "Basildon and Thurrock University Hospitals NHS Foundation Trust (BTUH)": Sector.HEALTH,
    "East of England Ambulance Service NHS Trust": Sector.HEALTH,
    "Essex County Fire and Rescue Service": Sector.FIRE,
    "Thurrock Council Housing": Sector.COUNCIL,
    "Thurrock Council Adult Social Care": Sector.COUNCIL,
    "Thurrock Youth Offending Service": Sector.YOUTH_JUSTICE,
    "Thurrock secondary schools": Sector.EDUCATION,
    "Thurrock further education colleges": Sector.EDUCATION,
    "Thurrock primary schools": Sector.EDUCATION,
    "Thurrock special schools and pupil referral units": Sector.EDUCATION,
    "Thurrock early years settings": Sector.EDUCATION,
    "Thurrock CVS (voluntary sector)": Sector.VOLUNTARY,
    "Southend schools": Sector.EDUCATION,
    "Essex schools": Sector.EDUCATION,
    "NHS Mid and South Essex Integrated Care Board (ICB)": Sector.HEALTH,
    "NHS Essex Integrated Care Board (ICB)": Sector.HEALTH,
}

# National identifiers (ONS GSS codes, ODS codes, the police force code) of the real organisations.
NATIONAL_IDS = {
    "Thurrock Council": "E06000034",
    "Southend-on-Sea City Council": "E06000033",
    "Essex County Council": "E10000012",
    "Essex Police": "42",
    "Thurrock Clinical Commissioning Group (CCG)": "07G",
    "NHS Mid and South Essex Integrated Care Board (ICB)": "QH8",
    "Essex Partnership University NHS Foundation Trust (EPUT)": "R1L",
    "North East London NHS Foundation Trust (NELFT)": "RAT",
    "East of England Ambulance Service NHS Trust": "RYC",
}

# Organisation history (issue 13): the CCGs merged into the Mid and South Essex ICB on 1 July 2022,
# which merged into the Essex ICB on 1 April 2026. Loaded last (settings.LSCP_DEMO_LOADERS), after
# the 2020/21 funding and the action plans, so those records stay the CCG's and the merger moves
# what is still open.
MERGERS = [
    (
        "Thurrock Clinical Commissioning Group (CCG)",
        "NHS Mid and South Essex Integrated Care Board (ICB)",
        dt.date(2022, 7, 1),
        "Health and Care Act 2022: clinical commissioning groups abolished, their duties passed to ICBs",
    ),
    (
        "NHS Southend Clinical Commissioning Group (CCG)",
        "NHS Mid and South Essex Integrated Care Board (ICB)",
        dt.date(2022, 7, 1),
        "Health and Care Act 2022: clinical commissioning groups abolished, their duties passed to ICBs",
    ),
    (
        "NHS Mid Essex Clinical Commissioning Group (CCG)",
        "NHS Mid and South Essex Integrated Care Board (ICB)",
        dt.date(2022, 7, 1),
        "Health and Care Act 2022: clinical commissioning groups abolished, their duties passed to ICBs",
    ),
    (
        "NHS Mid and South Essex Integrated Care Board (ICB)",
        "NHS Essex Integrated Care Board (ICB)",
        dt.date(2026, 4, 1),
        "ICB mergers from April 2026: the Essex ICBs merged into one",
    ),
]

SHARED_AGENCIES = [
    "North East London NHS Foundation Trust (NELFT)",
    "Essex Partnership University NHS Foundation Trust (EPUT)",
    "Essex County Fire and Rescue Service",
    "East of England Ambulance Service NHS Trust",
    "National Probation Service",
    "CAFCASS",
]

PARTNERSHIPS = [
    {
        "slug": "thurrock",
        "name": "Thurrock LSCP",
        "area": "Thurrock",
        "population": 167025,
        "council": "Thurrock Council",
        "health": "Thurrock Clinical Commissioning Group (CCG)",
        "agencies": [
            *SHARED_AGENCIES,
            "Essex Community Rehabilitation Company (CRC)",
            "Basildon and Thurrock University Hospitals NHS Foundation Trust (BTUH)",
            "Thurrock Council Housing",
            "Thurrock Council Adult Social Care",
            "Thurrock Youth Offending Service",
            "Thurrock secondary schools",
            "Thurrock further education colleges",
            "Thurrock primary schools",
            "Thurrock special schools and pupil referral units",
            "Thurrock CVS (voluntary sector)",
        ],
        # Designated childcare or education agencies (CWSA 2026 s.2): each with the reason the
        # partnership records; the early years settings are a member as one, the colleges are
        # still a relevant agency (the partners page warns until the business unit changes it).
        "designated": [
            (
                "Thurrock early years settings",
                "Children's Wellbeing and Schools Act 2026 s.2: early years providers in the area, as the "
                "designation regulations name them",
                True,
            ),
            (
                "Thurrock further education colleges",
                "Children's Wellbeing and Schools Act 2026 s.2: further education colleges in the area, as the "
                "designation regulations name them",
                False,
            ),
        ],
        "agency_lead_org": "North East London NHS Foundation Trust (NELFT)",
        "people": {
            "business": ("Maria", "Okafor", "LSCP Business Team Manager"),
            "agency": ("Daniel", "Hughes", "Named Nurse for Safeguarding Children, NELFT"),
            "partner-council": ("Priya", "Raman", "Director of People Services"),
            "partner-police": ("Graham", "Whitfield", "Head of Public Protection"),
            "partner-health": ("Helen", "Adeyemi", "Chief Nurse"),
            "scrutineer": ("Ruth", "Calloway", "Independent Chair and Scrutineer"),
        },
        "staff": [
            ("Tom", "Bryant", "tom.bryant", "LSCP Project Officer"),
            ("Aisha", "Khan", "aisha.khan", "Learning and Practice Review Co-ordinator"),
            ("Kelly", "Marsh", "kelly.marsh", "LSCP Business Support Officer"),
            ("Sean", "Doyle", "sean.doyle", "LSCP Training Co-ordinator (part time)"),
        ],
        "task_and_finish": ["Pathway to Service and Threshold Intervention task and finish group"],
        # More agency leads, so that several organisations can answer a rapid review's requests.
        "agency_leads": [
            (
                "Grace",
                "Oduya",
                "thurrock-btuh",
                "Named Nurse, Safeguarding Children",
                "Basildon and Thurrock University Hospitals NHS Foundation Trust (BTUH)",
            ),
            (
                "Paul",
                "Kerr",
                "thurrock-schools",
                "Designated Safeguarding Lead, Thurrock primary schools",
                "Thurrock primary schools",
            ),
            (
                "Ruth",
                "Adeyemi",
                "thurrock-police-lead",
                "Detective Inspector, Child Abuse Investigation Team",
                "Essex Police",
            ),
            (
                "Mark",
                "Fenwick",
                "thurrock-yos",
                "Safeguarding Lead, Thurrock Youth Offending Service",
                "Thurrock Youth Offending Service",
            ),
            (
                "Lena",
                "Okoro",
                "thurrock-early-years",
                "Early Years Safeguarding Lead",
                "Thurrock early years settings",
            ),
        ],
    },
    {
        "slug": "southend",
        "name": "Southend Safeguarding Partnership",
        "area": "Southend-on-Sea",
        "population": 179799,
        "council": "Southend-on-Sea City Council",
        "health": "NHS Southend Clinical Commissioning Group (CCG)",
        "agencies": [*SHARED_AGENCIES, "Southend schools"],
        "agency_lead_org": "Essex Partnership University NHS Foundation Trust (EPUT)",
        "people": {
            "business": ("Joanne", "Pike", "Safeguarding Partnership Business Manager"),
            "agency": ("Marcus", "Bell", "Head of Safeguarding, EPUT"),
            "partner-council": ("Claire", "Summers", "Executive Director Children and Public Health"),
            "partner-police": ("Nadia", "Ferreira", "Detective Chief Inspector, Southend District"),
            "partner-health": ("Owen", "Price", "Director of Nursing"),
            "scrutineer": ("Brian", "Tallis", "Independent Scrutineer"),
        },
        "staff": [],
        "task_and_finish": [],
    },
    {
        "slug": "essex",
        "name": "Essex Safeguarding Children Board",
        "area": "Essex",
        "population": 1455340,
        "council": "Essex County Council",
        "health": "NHS Mid Essex Clinical Commissioning Group (CCG)",
        "agencies": [*SHARED_AGENCIES, "Essex schools"],
        "agency_lead_org": "Essex County Fire and Rescue Service",
        "people": {
            "business": ("Fiona", "Grant", "ESCB Business Manager"),
            "agency": ("Lee", "Norris", "Safeguarding Lead, Essex County Fire and Rescue Service"),
            "partner-council": ("Simon", "Achebe", "Director for Children and Families"),
            "partner-police": ("Karen", "Lowe", "Detective Superintendent, Safeguarding"),
            "partner-health": ("Deborah", "Quinn", "Director of Nursing and Quality"),
            "scrutineer": ("Ian", "Mercer", "Independent Scrutineer"),
        },
        "staff": [],
        "task_and_finish": [],
    },
]

ROLE_BY_LOGIN = {
    "business": Role.BUSINESS_UNIT,
    "agency": Role.AGENCY_LEAD,
    "partner-council": Role.DSP,
    "partner-police": Role.DSP,
    "partner-health": Role.DSP,
    "scrutineer": Role.SCRUTINEER,
}


def _organisation(name: str) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(
        name=name, defaults={"sector": ORGANISATIONS[name], "national_id": NATIONAL_IDS.get(name, "")}
    )
    return organisation


def _member(ctx: TenantContext, name: str, kind: str, statutory_role: str = "") -> Member:
    organisation = _organisation(name)
    existing = Member.objects.for_partnership(ctx.partnership).filter(organisation=organisation).first()
    if existing:
        return existing
    return services.member_add(ctx=ctx, organisation=organisation, kind=kind, statutory_role=statutory_role)


def _person(ctx, *, username, first, last, title, role, member=None) -> Membership:
    person = Person.objects.filter(username=username).first()
    if person is not None:
        existing = Membership.objects.for_partnership(ctx.partnership).filter(person=person).first()
        if existing:
            return existing
    membership = services.person_add(
        ctx=ctx,
        email=f"{username}@demo.lscp.invalid" if person is None else person.email,
        first_name=first,
        last_name=last,
        role=role,
        member=member,
        job_title=title,
        username=username,
        password=DEMO_PASSWORD,
        invite=False,
    )
    return membership


def _seat(ctx, group_name: str, membership: Membership, group_role=GroupRole.MEMBER) -> None:
    group = GovernanceGroup.objects.for_partnership(ctx.partnership).get(name=group_name)
    if group.seats.filter(membership=membership).exists():
        return
    if group_role == GroupRole.CHAIR and group.seats.filter(group_role=GroupRole.CHAIR).exists():
        group_role = GroupRole.MEMBER
    services.group_member_add(ctx=ctx, group=group, membership=membership, group_role=group_role)


def _partnership(admin: Person, spec: dict) -> tuple[Partnership, bool]:
    """The demo partnership (made, with its business-unit login, if it is not there yet)."""
    partnership = Partnership.objects.filter(slug=spec["slug"]).first()
    if partnership is not None:
        return partnership, False
    first = spec["people"]["business"]
    partnership, _ = services.partnership_create(
        actor=admin,
        name=spec["name"],
        slug=spec["slug"],
        area=spec["area"],
        population=spec["population"],
        first_user_email=f"{spec['slug']}-business@demo.lscp.invalid",
        first_user_first_name=first[0],
        first_user_last_name=first[1],
        first_user_username=f"{spec['slug']}-business",
        first_user_job_title=first[2],
    )
    business = Person.objects.get(username=f"{spec['slug']}-business")
    business.set_password(DEMO_PASSWORD)
    business.save(update_fields=["password"])
    return partnership, True


def _people(ctx: TenantContext, spec: dict) -> tuple[dict[str, Membership], list[Membership]]:
    """The member organisations and everyone's logins: (one login per role, the business unit's staff)."""
    council = _member(ctx, spec["council"], MemberKind.STATUTORY_PARTNER, "council")
    police = _member(ctx, "Essex Police", MemberKind.STATUTORY_PARTNER, "police")
    health = _member(ctx, spec["health"], MemberKind.STATUTORY_PARTNER, "health")
    agencies = {name: _member(ctx, name, MemberKind.RELEVANT_AGENCY) for name in spec["agencies"]}
    agencies |= _designated(ctx, spec)
    member_by_login = {
        "agency": agencies[spec["agency_lead_org"]],
        "partner-council": council,
        "partner-police": police,
        "partner-health": health,
    }
    people = {
        login: _person(
            ctx,
            username=f"{spec['slug']}-{login}",
            first=first_name,
            last=last_name,
            title=title,
            role=ROLE_BY_LOGIN[login],
            member=member_by_login.get(login),
        )
        for login, (first_name, last_name, title) in spec["people"].items()
    }
    staff = [
        _person(ctx, username=username, first=f, last=l, title=t, role=Role.BUSINESS_UNIT)
        for f, l, username, t in spec["staff"]
    ]
    for f, l, username, t, organisation_name in spec.get("agency_leads", []):
        member = {**agencies, "Essex Police": police}[organisation_name]
        _person(ctx, username=username, first=f, last=l, title=t, role=Role.AGENCY_LEAD, member=member)
    return people, staff


def _designated(ctx: TenantContext, spec: dict) -> dict[str, Member]:
    """The organisations designated for the area, and those that are members as designated
    childcare or education agencies."""
    members = {}
    designations = DesignatedAgency.objects.for_partnership(ctx.partnership)
    for name, reason, is_member in spec.get("designated", []):
        organisation = _organisation(name)
        if not designations.filter(organisation=organisation).exists():
            services.designation_add(
                ctx=ctx,
                organisation=organisation,
                reason=reason,
                designated_on=min(dt.date(2026, 9, 1), timezone.localdate()),
            )
        kind = MemberKind.DESIGNATED_EDUCATION_AGENCY if is_member else MemberKind.RELEVANT_AGENCY
        members[name] = _member(ctx, name, kind)
    return members


def _groups(ctx: TenantContext, spec: dict, people: dict[str, Membership], staff: list[Membership]) -> None:
    """The task-and-finish groups, and who sits on each group."""
    groups = GovernanceGroup.objects.for_partnership(ctx.partnership)
    for name in spec["task_and_finish"]:
        if not groups.filter(name=name).exists():
            services.group_create(
                ctx=ctx,
                name=name,
                kind="task_and_finish",
                reports_to=groups.get(name="Learning & Practice Review Group"),
                position=10,
                purpose="Reviews and refreshes the pathway and threshold criteria for referrals.",
            )
    _seat(ctx, "Strategic Group", people["partner-council"], GroupRole.CHAIR)
    for executive in (people["partner-council"], people["partner-police"], people["partner-health"]):
        _seat(ctx, "Strategic Group", executive)
        _seat(ctx, "Management Executive Board", executive)
    _seat(ctx, "Management Executive Board", people["business"])
    _seat(ctx, "Learning & Practice Review Group", people["business"], GroupRole.CHAIR)
    _seat(ctx, "Learning & Practice Review Group", people["agency"])
    _seat(ctx, "Audit Group", people["agency"])
    _seat(ctx, "MACE", people["partner-police"])
    for membership in staff:
        group = "Learning & Practice Review Group" if "Review" in membership.job_title else "Audit Group"
        _seat(ctx, group, membership)
    for name in spec["task_and_finish"]:
        _seat(ctx, name, people["business"], GroupRole.CHAIR)
        _seat(ctx, name, people["agency"])


def _shared_police_lead(admin: Person) -> None:
    """One person, several partnerships: Essex Police's Head of Public Protection is the police
    DSP for all three SET partnerships."""
    graham = Person.objects.get(username="thurrock-partner-police")
    for slug in ("southend", "essex"):
        partnership = Partnership.objects.get(slug=slug)
        ctx = TenantContext.for_administrator(partnership=partnership, user=admin)
        police = Member.objects.for_partnership(partnership).get(statutory_role="police")
        _person(
            ctx,
            username=graham.username,
            first=graham.first_name,
            last=graham.last_name,
            title="Head of Public Protection",
            role=Role.DSP,
            member=police,
        )


def load(admin: Person) -> str:
    created = []
    for spec in PARTNERSHIPS:
        partnership, made = _partnership(admin, spec)
        if made:
            created.append(spec["name"])
        ctx = TenantContext.for_administrator(partnership=partnership, user=admin)
        people, staff = _people(ctx, spec)
        _groups(ctx, spec, people, staff)
    _shared_police_lead(admin)
    return "Partnerships created: " + (", ".join(created) if created else "none (already loaded)")


def load_history(admin: Person) -> str:
    """The health partners' mergers (MERGERS), as an administrator records them; once."""
    done = 0
    for old, new, effective_on, reason in MERGERS:
        organisation, successor = _organisation(old), _organisation(new)
        if organisation.successor_id is None:
            history.organisation_merge(
                organisation=organisation, successor=successor, effective_on=effective_on, reason=reason, by=admin
            )
            done += 1
    return f"Organisation mergers recorded: {done}"


# Working Together 2023 today (issue 13): each of Thurrock's statutory partners has a lead
# safeguarding partner beside the DSP already loaded (partner-*), and the partnership names its
# chair and its independent scrutineer. Invented people.
THURROCK_LSPS = {
    "council": ("lsp-council", "Andrew", "Kingsley", "Chief Executive, Thurrock Council"),
    "police": ("lsp-police", "Rebecca", "Hollis", "Chief Constable, Essex Police"),
    "health": ("lsp-health", "Samuel", "Okonjo", "Chief Executive, NHS Essex ICB"),
}


def load_seats(admin: Person) -> str:
    """Thurrock's LSPs (after the health partners' mergers: the ICB's chief executive), its chair
    and its independent scrutineer; once."""
    partnership = Partnership.objects.filter(slug="thurrock").first()
    if partnership is None:
        return ""
    ctx = TenantContext.for_administrator(partnership=partnership, user=admin)
    members = Member.objects.for_partnership(partnership).filter(
        kind=MemberKind.STATUTORY_PARTNER, ended_on__isnull=True
    )
    lsps = {}
    for role, (login, first, last, title) in THURROCK_LSPS.items():
        lsps[role] = _person(
            ctx,
            username=f"thurrock-{login}",
            first=first,
            last=last,
            title=title,
            role=Role.LSP,
            member=members.get(statutory_role=role),
        )
    offices = Office.objects.for_partnership(partnership).filter(until__isnull=True)
    if not offices.filter(kind=OfficeKind.CHAIR).exists():
        services.office_assign(ctx=ctx, kind=OfficeKind.CHAIR, membership=lsps["council"])
    if not offices.filter(kind=OfficeKind.SCRUTINEER).exists():
        scrutineer = Membership.objects.for_partnership(partnership).get(person__username="thurrock-scrutineer")
        services.office_assign(ctx=ctx, kind=OfficeKind.SCRUTINEER, membership=scrutineer)
    return "Thurrock: the LSPs of Thurrock Council, Essex Police and NHS Essex ICB, the chair and the scrutineer"
