"""A partnership for tests, built through the real services: its statutory partners, a relevant
agency and one person per role. Records are made only when a test asks for them:
`world.objects[Cycle]` makes the world's Section 11 cycle the first time it is read (with whatever
that needs, such as the standards), and the same one after. `make_world(..., full=True)` (the
`full_world` and `shared_worlds` fixtures) makes one record of every tenant-owned model up front,
for the suites that walk every model and route.

`OBJECT_MAKERS` is the registry the tenant-isolation suite checks against every tenant-owned
model: a model without a maker fails the suite, so a new model is covered the day it is added.
Later apps register their makers here (see `maker`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models

from lscp import activity, outbox
from lscp.models import ActivityEvent, OutboxDelivery, OutboxEmail
from lscp.roles import Role
from lscp.tenancy import TenantContext
from partners import services
from partners.models import (
    DesignatedAgency,
    GovernanceGroup,
    GroupMember,
    Invitation,
    Member,
    MemberKind,
    Membership,
    Office,
    Organisation,
    Partnership,
    Person,
    Seat,
    Sector,
    SigningPolicy,
)

PASSWORD = "correct-horse-battery-staple"
_serial = itertools.count(1)


class Objects(dict):
    """The world's record of each tenant-owned model, made by its maker the first time it is read.

    `objects[Model]` makes it (and any record its maker reads); `objects.get(Model)` and
    `Model in objects` only look, so a maker can use a record when the world has one."""

    def __init__(self, world: World):
        super().__init__()
        self.world = world

    def __missing__(self, model: type[models.Model]) -> models.Model:
        if model not in OBJECT_MAKERS:
            raise KeyError(f"tests/support/world.py has no maker for {model.__name__}")
        self[model] = OBJECT_MAKERS[model](self.world)
        return self[model]

    def make_all(self) -> None:
        """One record of every tenant-owned model, in the makers' order."""
        for model in OBJECT_MAKERS:
            self[model]  # reading makes it


@dataclass
class World:
    partnership: Partnership
    admin: Person
    members: dict[str, Member] = field(default_factory=dict)
    people: dict[str, Membership] = field(default_factory=dict)
    objects: Objects = field(init=False)

    def __post_init__(self):
        self.objects = Objects(self)

    @property
    def slug(self) -> str:
        return self.partnership.slug

    def ctx(self, who: str = "business") -> TenantContext:
        membership = self.people[who]
        return TenantContext(partnership=self.partnership, user=membership.person, membership=membership)

    def admin_ctx(self) -> TenantContext:
        return TenantContext.for_administrator(partnership=self.partnership, user=self.admin)

    def person(self, who: str) -> Person:
        return self.people[who].person


def make_admin() -> Person:
    admin = Person.objects.filter(username="root").first()
    if admin is None:
        admin = Person.objects.create_superuser("root", "root@lscp.invalid", PASSWORD)
    return admin


def organisation(name: str, sector: str) -> Organisation:
    return Organisation.objects.get_or_create(name=name, defaults={"sector": sector})[0]


def make_world(
    slug: str, *, area: str | None = None, population: int = 170000, full: bool = False, with_objects: bool = False
) -> World:
    """A partnership with council, police, health and one relevant agency, and one login per role;
    `full` (or `with_objects`) also makes one record of every tenant-owned model now, in the
    makers' order, rather than as tests ask for them."""
    admin = make_admin()
    area = area or slug.replace("-", " ").title()
    partnership, business = services.partnership_create(
        actor=admin,
        name=f"{area} LSCP",
        slug=slug,
        area=area,
        population=population,
        first_user_email=f"{slug}-business@example.org",
        first_user_first_name="Bea",
        first_user_last_name=f"Business{area.replace(' ', '')}",
        first_user_username=f"{slug}-business",
    )
    business.person.set_password(PASSWORD)
    business.person.save(update_fields=["password"])
    world = World(partnership=partnership, admin=admin)
    world.people["business"] = business
    ctx = world.ctx("business")
    world.members["council"] = services.member_add(
        ctx=ctx,
        organisation=organisation(f"{area} Council", Sector.COUNCIL),
        kind=MemberKind.STATUTORY_PARTNER,
        statutory_role="council",
    )
    world.members["police"] = services.member_add(
        ctx=ctx,
        organisation=organisation("Essex Police", Sector.POLICE),
        kind=MemberKind.STATUTORY_PARTNER,
        statutory_role="police",
    )
    world.members["health"] = services.member_add(
        ctx=ctx,
        organisation=organisation(f"{area} CCG", Sector.HEALTH),
        kind=MemberKind.STATUTORY_PARTNER,
        statutory_role="health",
    )
    world.members["agency"] = services.member_add(
        ctx=ctx, organisation=organisation("NELFT", Sector.HEALTH), kind=MemberKind.RELEVANT_AGENCY
    )
    for who, role, member in [
        ("agency", Role.AGENCY_LEAD, world.members["agency"]),
        ("council", Role.DSP, world.members["council"]),
        ("police", Role.DSP, world.members["police"]),
        ("health", Role.DSP, world.members["health"]),
        ("scrutineer", Role.SCRUTINEER, None),
    ]:
        world.people[who] = add_person(world, who, role=role, member=member)
    if full or with_objects:
        world.objects.make_all()
    return world


def add_person(
    world: World, who: str, *, role: str, member: Member | None = None, password: str = PASSWORD
) -> Membership:
    username = (
        f"{world.slug}-{who}-{next(_serial)}"
        if Person.objects.filter(username=f"{world.slug}-{who}").exists()
        else f"{world.slug}-{who}"
    )
    return services.person_add(
        ctx=world.ctx("business") if "business" in world.people else world.admin_ctx(),
        email=f"{username}@example.org",
        first_name=who.title(),
        last_name=f"Of{world.partnership.area.replace(' ', '')}",
        role=role,
        member=member,
        username=username,
        password=password,
        invite=False,
    )


# ----------------------------------------------------------------------------------------------
# One record of every tenant-owned model, per world

OBJECT_MAKERS: dict[type[models.Model], Callable[[World], models.Model]] = {}


def maker(model: type[models.Model]):
    def register(function: Callable[[World], models.Model]):
        OBJECT_MAKERS[model] = function
        return function

    return register


@maker(Member)
def _member(world: World) -> Member:
    return world.members["agency"]


@maker(DesignatedAgency)
def _designation(world: World) -> DesignatedAgency:
    return services.designation_add(
        ctx=world.ctx(),
        organisation=organisation("Thurrock Primary Academy Trust", Sector.EDUCATION),
        reason="Designated by the regulations, regulation 3",
    )


@maker(Membership)
def _membership(world: World) -> Membership:
    return world.people["agency"]


@maker(Invitation)
def _invitation(world: World) -> Invitation:
    return services.invitation_send(
        ctx=world.ctx(),
        email=f"invited-{world.slug}@example.org",
        first_name="Ina",
        last_name="Vited",
        role=Role.SCRUTINEER,
    )


@maker(Seat)
def _partner_seat(world: World) -> Seat:
    return Seat.objects.for_partnership(world.partnership).get(membership=world.people["council"], until__isnull=True)


@maker(Office)
def _office(world: World) -> Office:
    return services.office_assign(ctx=world.ctx(), kind="scrutineer", membership=world.people["scrutineer"])


@maker(SigningPolicy)
def _signing_policy(world: World) -> SigningPolicy:
    return SigningPolicy.objects.for_partnership(world.partnership).get_or_create(
        partnership=world.partnership, defaults={"levels": {}}
    )[0]


@maker(GovernanceGroup)
def _group(world: World) -> GovernanceGroup:
    return GovernanceGroup.objects.for_partnership(world.partnership).get(name="Audit Group")


@maker(GroupMember)
def _seat(world: World) -> GroupMember:
    group = GovernanceGroup.objects.for_partnership(world.partnership).get(name="Strategic Group")
    return services.group_member_add(ctx=world.ctx(), group=group, membership=world.people["council"])


@maker(ActivityEvent)
def _activity(world: World) -> ActivityEvent:
    return activity.record_view(world.ctx(), world.members["agency"])


@maker(OutboxEmail)
def _email(world: World) -> OutboxEmail:
    email, _ = outbox.enqueue(
        partnership=world.partnership,
        key=f"test:{world.slug}:{next(_serial)}",
        to=[world.person("business").email],
        subject="A test email",
        body="Hello",
    )
    return email


@maker(OutboxDelivery)
def _delivery(world: World) -> OutboxDelivery:
    return world.objects[OutboxEmail].deliveries.get()  # its one recipient's copy


# Each app's makers register themselves on import.
from tests.support import (  # noqa: E402, F401
    makers_actions,
    makers_audits,
    makers_funding,
    makers_governance,
    makers_retention,
    makers_reviews,
)
