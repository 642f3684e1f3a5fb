"""Writes to the partnership's arrangements. Every function checks its permission, validates its
business rules (ValidationError keyed by field), and logs to the activity log in the same
transaction. Called alike by pages, the API, admin and management commands."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from lscp import activity, database, outbox
from lscp.accounts import limits as sign_in_limits
from lscp.activity.signals import security_event
from lscp.checks import Errors, in_sentence
from lscp.outbox.messages import absolute, link, message
from lscp.permissions import sync_member_groups
from lscp.recipients import Recipients
from lscp.roles import SAFEGUARDING_PARTNERS, Role
from lscp.states import StateError
from lscp.tenancy import TenantContext
from partners.models import (
    RESERVED_SLUGS,
    STATUTORY_SECTOR,
    DesignatedAgency,
    GovernanceGroup,
    GroupKind,
    GroupMember,
    GroupRole,
    Invitation,
    InvitationStatus,
    Member,
    MemberKind,
    Membership,
    Office,
    OfficeKind,
    Organisation,
    Partnership,
    Person,
    Seat,
    Sector,
    SigningPolicy,
    StatutoryRole,
)
from partners.permissions import GovernancePolicy, MemberPolicy, OfficePolicy, PeoplePolicy, SigningPolicyPolicy

# The structure every partnership starts with (seed 000: "Structure of the Partnership").
DEFAULT_GROUPS = [
    (
        "Strategic Group",
        GroupKind.STRATEGIC,
        "The safeguarding partners' lead and delegated safeguarding partners.",
        None,
    ),
    ("Management Executive Board", GroupKind.MEB, "Oversees delivery of the partnership's plan.", "Strategic Group"),
    (
        "Learning & Practice Review Group",
        GroupKind.LPRG,
        "Rapid reviews, practice reviews and their action plans.",
        "Management Executive Board",
    ),
    ("MACE", GroupKind.MACE, "Missing and child exploitation.", "Management Executive Board"),
    ("Audit Group", GroupKind.AUDIT, "Multi-agency audits and self-assessments.", "Learning & Practice Review Group"),
]

PERSON_FIELDS = ["role", "member", "job_title", "is_active"]


def _field_error(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _name(field: str, value: str, missing: str) -> str:
    """A name with its spaces tidied; `missing` is the error when there is none."""
    name = " ".join((value or "").split())
    if not name:
        raise _field_error(field, missing)
    return name


# ----------------------------------------------------------------------------------------------
# Partnerships (administrator only)


def partnership_check(*, name: str, slug: str, area: str, population: int) -> Partnership:
    """Validate a new partnership's details; the unsaved partnership, or ValidationError by field."""
    slug = (slug or "").strip().lower()
    errors = Errors()
    if slug in RESERVED_SLUGS:
        errors.add("slug", f"'{slug}' is used by the site itself: choose another slug")
    elif Partnership.objects.filter(slug=slug).exists():
        errors.add("slug", "A partnership already uses this slug")
    if Partnership.objects.filter(name__iexact=(name or "").strip()).exists():
        errors.add("name", "A partnership with this name already exists")
    partnership = Partnership(name=(name or "").strip(), slug=slug, area=(area or "").strip(), population=population)
    try:
        partnership.full_clean(validate_unique=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            if field not in errors:
                for message in messages:
                    errors.add(field, message)
    errors.raise_if_any()
    return partnership


@transaction.atomic
def partnership_create(
    *,
    actor: Person,
    name: str,
    slug: str,
    area: str,
    population: int,
    first_user_email: str,
    first_user_first_name: str,
    first_user_last_name: str,
    first_user_username: str = "",
    first_user_job_title: str = "Business unit manager",
    with_default_groups: bool = True,
) -> tuple[Partnership, Membership]:
    """Create a partnership and its first business-unit person (who is emailed an invitation)."""
    if not actor.is_superuser:
        raise PermissionDenied("Only an administrator creates partnerships.")
    partnership = partnership_check(name=name, slug=slug, area=area, population=population)
    partnership.save()
    ctx = TenantContext.for_administrator(partnership=partnership, user=actor)
    activity.record(
        ctx,
        event="partnership.created",
        obj=partnership,
        changes=activity.created(partnership, ["name", "slug", "area", "population"]),
    )
    if with_default_groups:
        groups: dict[str, GovernanceGroup] = {}
        for position, (group_name, kind, purpose, parent) in enumerate(DEFAULT_GROUPS):
            groups[group_name] = group_create(
                ctx=ctx, name=group_name, kind=kind, purpose=purpose, reports_to=groups.get(parent), position=position
            )
    try:
        membership = person_add(
            ctx=ctx,
            email=first_user_email,
            first_name=first_user_first_name,
            last_name=first_user_last_name,
            role=Role.BUSINESS_UNIT,
            job_title=first_user_job_title,
            username=first_user_username,
        )
    except ValidationError as error:
        raise ValidationError({f"first_user_{k}": v for k, v in error.message_dict.items()}) from None
    return partnership, membership


# ----------------------------------------------------------------------------------------------
# Member organisations


def _check_statutory_seat(organisation: Organisation, kind: str, statutory_role: str) -> None:
    if kind == MemberKind.STATUTORY_PARTNER:
        if statutory_role not in StatutoryRole.values:
            raise _field_error("statutory_role", "Choose which safeguarding partner this organisation is")
        expected = STATUTORY_SECTOR[StatutoryRole(statutory_role)]
        if organisation.sector != expected:
            raise _field_error(
                "statutory_role",
                f"{organisation} is a {organisation.get_sector_display().lower()} organisation, so it cannot be the "
                f"{in_sentence(StatutoryRole(statutory_role).label)} statutory partner",
            )
    elif statutory_role:
        raise _field_error("statutory_role", "Only a statutory partner has a statutory role")


@transaction.atomic
def organisation_create(*, ctx: TenantContext, name: str, sector: str) -> Organisation:
    """A new organisation in the shared directory (any partnership may then add it)."""
    MemberPolicy.require(ctx, "manage")
    name = _name("new_organisation_name", name, "Enter the organisation's name")
    if sector not in Sector.values:
        raise _field_error("new_organisation_sector", "Choose the organisation's sector")
    existing = Organisation.objects.filter(name__iexact=name).first()
    if existing is not None:
        raise _field_error(
            "new_organisation_name", f"{existing} is already in the directory: choose it from the list instead"
        )
    organisation = Organisation.objects.create(name=name, sector=sector)
    activity.record(
        ctx, event="organisation.created", obj=organisation, changes=activity.created(organisation, ["name", "sector"])
    )
    return organisation


@transaction.atomic
def member_add(
    *, ctx: TenantContext, organisation: Organisation, kind: str, statutory_role: str = "", joined_on=None
) -> Member:
    """Make an organisation a member of the partnership, as a statutory partner, a relevant agency or
    a designated childcare or education agency."""
    MemberPolicy.require(ctx, "manage")
    statutory_role = statutory_role or ""
    if kind not in MemberKind.values:
        raise _field_error(
            "kind",
            "Choose whether the organisation is a statutory partner, a relevant agency or a designated childcare "
            "or education agency",
        )
    members = Member.objects.for_partnership(ctx.partnership)
    if members.filter(organisation=organisation).exists():
        raise _field_error("organisation", f"{organisation} is already a member of {ctx.partnership}")
    # Several members of one safeguarding-partner kind are allowed (a joint partnership of two
    # councils): each signs (partners/signing.py: signing_members).
    _check_statutory_seat(organisation, kind, statutory_role)
    member = Member(
        partnership=ctx.partnership,
        organisation=organisation,
        kind=kind,
        statutory_role=statutory_role,
        joined_on=joined_on,
    )
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:  # a concurrent add of the same organisation
        raise _field_error("organisation", f"{organisation} is already a member of {ctx.partnership}") from None
    activity.record(
        ctx,
        event="member.added",
        obj=member,
        changes=activity.created(member, ["organisation", "kind", "statutory_role"]),
    )
    return member


@transaction.atomic
def member_update(*, ctx: TenantContext, member: Member, kind: str, statutory_role: str = "") -> Member:
    MemberPolicy.require(ctx, "manage", member)
    statutory_role = statutory_role or ""
    if kind not in MemberKind.values:
        raise _field_error(
            "kind",
            "Choose whether the organisation is a statutory partner, a relevant agency or a designated childcare "
            "or education agency",
        )
    before = activity.snapshot(member, ["kind", "statutory_role"])
    _check_statutory_seat(member.organisation, kind, statutory_role)
    if (
        kind != MemberKind.STATUTORY_PARTNER
        and member.people.filter(role__in=SAFEGUARDING_PARTNERS, is_active=True).exists()
    ):
        raise _field_error(
            "kind",
            "People are lead or delegated safeguarding partners for this organisation: change their role "
            "before it stops being a statutory partner",
        )
    member.kind, member.statutory_role = kind, statutory_role
    changes = activity.changes_between(before, activity.snapshot(member, ["kind", "statutory_role"]))
    if not changes:
        return member
    member.save(update_fields=["kind", "statutory_role"])
    activity.record(ctx, event="member.changed", obj=member, changes=changes)
    return member


# ----------------------------------------------------------------------------------------------
# Designated childcare or education agencies (Children's Wellbeing and Schools Act 2026 s.2)


@transaction.atomic
def designation_add(
    *, ctx: TenantContext, organisation: Organisation | None, reason: str, designated_on=None
) -> DesignatedAgency:
    """Record that the regulations designate an organisation for this partnership's area: from then
    on it must be a member, and the partners page says so until it is."""
    MemberPolicy.require(ctx, "manage")
    errors = Errors()
    if organisation is None:
        errors.add("organisation", "Choose the designated organisation")
    reason = errors.text("reason", reason, name="The regulations that designate it", max_length=300)
    errors.date_not_in_future("designated_on", designated_on, name="The date it was designated", required=False)
    errors.raise_if_any()
    designations = DesignatedAgency.objects.for_partnership(ctx.partnership)
    if designations.filter(organisation=organisation).exists():
        raise _field_error("organisation", f"{organisation} is already on the list of designated agencies")
    designation = DesignatedAgency(
        partnership=ctx.partnership,
        organisation=organisation,
        reason=" ".join(reason.split()),
        designated_on=designated_on,
        recorded_by=ctx.user,
    )
    try:
        with transaction.atomic():
            designation.save()
    except IntegrityError:  # the same organisation added twice at once
        raise _field_error("organisation", f"{organisation} is already on the list of designated agencies") from None
    activity.record(
        ctx,
        event="designation.added",
        obj=designation,
        changes=activity.created(designation, ["organisation", "reason", "designated_on"]),
    )
    return designation


@transaction.atomic
def designation_remove(*, ctx: TenantContext, designation: DesignatedAgency) -> None:
    """Take an organisation off the list (the regulations no longer designate it). Its membership,
    if any, stays: the business unit changes or ends that separately."""
    MemberPolicy.require(ctx, "manage", designation)
    activity.record(
        ctx,
        event="designation.removed",
        obj=designation,
        changes={"organisation": {"old": str(designation.organisation), "new": None}},
    )
    designation.delete()


# ----------------------------------------------------------------------------------------------
# People and their roles


def _check_role(ctx: TenantContext, role: str, member: Member | None) -> None:
    if role not in {Role.BUSINESS_UNIT, Role.AGENCY_LEAD, Role.LSP, Role.DSP, Role.SCRUTINEER}:
        raise _field_error("role", "Choose a role")
    if member is not None and member.partnership_id != ctx.partnership.pk:
        raise _field_error("member", "Choose an organisation that is a member of this partnership")
    if role == Role.AGENCY_LEAD and member is None:
        raise _field_error("member", "Choose the member organisation this agency lead acts for")
    if role in SAFEGUARDING_PARTNERS:
        words = in_sentence(Role(role).label)
        if member is None:
            raise _field_error("member", f"Choose the statutory partner this {words} acts for")
        if not member.is_statutory:
            raise _field_error(
                "member",
                f"{member} is a relevant agency: a {words} acts for a statutory partner "
                "(a local authority, the police or health)",
            )


def _invite(ctx: TenantContext, membership: Membership) -> None:
    """Email a person their new role (with a link to set a password, if they have none yet)."""
    person = membership.person
    set_password_link = ""
    if not person.has_usable_password():
        uid = urlsafe_base64_encode(force_bytes(person.pk))
        set_password_link = link("set-password", uid, default_token_generator.make_token(person))
    subject, body = message(
        "invitation",
        partnership=ctx.partnership,
        person=person,
        membership=membership,
        inviter=ctx.user.get_full_name() or ctx.user,
        role=membership.get_role_display().lower(),
        service_name=settings.SERVICE_NAME,
        set_password_link=set_password_link,
        sign_in=absolute("/"),
    )
    outbox.enqueue(
        partnership=ctx.partnership,
        key=f"invite:membership:{membership.pk}",
        to=Recipients(ctx.partnership).membership(membership.pk),
        subject=subject,
        body=body,
        about=membership,
    )


def _new_person(*, email: str, first_name: str, last_name: str, username: str, password: str | None) -> Person:
    """An account for someone new (without a password they set one from their invitation)."""
    username = (username or email).strip().lower()
    if Person.objects.filter(username__iexact=username).exists():
        raise _field_error("username", "This username is taken")
    person = Person(username=username, email=email, first_name=first_name.strip(), last_name=last_name.strip())
    if password:
        person.set_password(password)
    else:
        person.set_unusable_password()
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        raise _field_error("email", "Someone already uses this email address") from None
    return person


@transaction.atomic
def person_add(
    *,
    ctx: TenantContext,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    member: Member | None = None,
    job_title: str = "",
    username: str = "",
    password: str | None = None,
    invite: bool = True,
) -> Membership:
    """Give a person a role in this partnership at once; someone new gets an account and an
    email. For the administrator (a new partnership's first person), commands and the demo's
    seeding only: pages and the API invite (`invitation_send`), so that adding an email says
    nothing of whether it has an account and gives no role the person has not accepted.

    A person who already has an account (from another partnership) keeps it: they get a second
    membership here, and nothing about their other partnerships is shown or changed.
    """
    PeoplePolicy.require(ctx, "manage")
    email = email.strip().lower()
    errors = Errors()
    errors.text("email", email, name="An email address", max_length=254)
    errors.text("first_name", first_name, name="A first name", max_length=150)
    errors.text("last_name", last_name, name="A last name", max_length=150)
    errors.raise_if_any()
    _check_role(ctx, role, member)
    person = Person.objects.filter(email__iexact=email).first()
    if person is not None:
        existing = Membership.objects.for_partnership(ctx.partnership).filter(person=person).first()
        if existing is not None:
            state = "a role" if existing.is_active else "a deactivated role"
            raise _field_error("email", f"{person} already has {state} in this partnership: change that one instead")
    else:
        person = _new_person(
            email=email, first_name=first_name, last_name=last_name, username=username, password=password
        )
    membership = Membership(
        partnership=ctx.partnership, person=person, role=role, member=member, job_title=job_title.strip()
    )
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:  # the same person added twice at once (a double-click)
        raise _field_error("email", f"{person} already has a role in this partnership") from None
    sync_member_groups(membership)
    activity.record(
        ctx,
        event="person.added",
        obj=membership,
        changes=activity.created(membership, ["person", "role", "member", "job_title"]),
    )
    seat_sync(ctx, membership)
    if invite and person.email:
        _invite(ctx, membership)
    return membership


# ----------------------------------------------------------------------------------------------
# Invitations: how the business unit adds someone (pages and API)
#
# The adder types names, an email, a role; an Invitation keeps exactly that, and an email with a
# signed link (expiring after LSCP_INVITATION_DAYS, replaced by each resending) goes to that
# address whether or not it has an account: nothing is looked up about the address, so the
# answer, its timing and the email sent are the same either way. The invitee decides: with an
# account they sign in as it (its email must be the invited one) and accept; without one they set
# a password, and the account is made with the names typed. Only then is there a membership.

INVITATION_SALT = "partners.invitation"


class InvitationRefused(Exception):
    """An invitation link that cannot be used, with the reason to show."""


def _invitation_link_token(invitation: Invitation) -> str:
    return signing.dumps(
        {"p": invitation.partnership_id, "i": invitation.pk, "n": invitation.nonce}, salt=INVITATION_SALT
    )


def _send_invitation(ctx: TenantContext, invitation: Invitation, *, request=None) -> None:
    invitation.nonce = secrets.token_hex(16)
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["nonce", "sent_at"])
    subject, body = message(
        "invitation_to_join",
        partnership=ctx.partnership,
        invitation=invitation,
        inviter=ctx.user.get_full_name() or ctx.user,
        role=invitation.get_role_display().lower(),
        service_name=settings.SERVICE_NAME,
        accept_link=link("invitation-accept", _invitation_link_token(invitation)),
        days=settings.LSCP_INVITATION_DAYS,
    )
    outbox.enqueue(
        partnership=ctx.partnership,
        key=f"invitation:{invitation.pk}:{invitation.nonce}",
        to=[invitation.email],
        subject=subject,
        body=body,
        about=invitation,
    )
    security_event.send(
        sender=Invitation,
        request=request,
        event="invitation-sent",
        person=None,  # who the address belongs to is not looked up
        partnership=ctx.partnership,
        details={"invitation": invitation.pk, "role": invitation.role},
    )


@transaction.atomic
def invitation_send(
    *,
    ctx: TenantContext,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    member: Member | None = None,
    job_title: str = "",
    request=None,
) -> Invitation:
    """Invite someone to a role in this partnership: what was typed, kept and emailed."""
    PeoplePolicy.require(ctx, "manage")
    email = (email or "").strip().lower()
    errors = Errors()
    errors.text("email", email, name="An email address", max_length=254)
    first_name = errors.text("first_name", first_name, name="A first name", max_length=150)
    last_name = errors.text("last_name", last_name, name="A last name", max_length=150)
    if email and "email" not in errors:
        try:
            validate_email(email)
        except ValidationError:
            errors.add("email", "Enter an email address in the correct format, like name@example.com")
    errors.raise_if_any()
    _check_role(ctx, role, member)
    # This partnership's own people and invitations: the business unit's own lists show them.
    if Membership.objects.for_partnership(ctx.partnership).filter(person__email__iexact=email).exists():
        raise _field_error(
            "email", "Someone with this email address already has a role in this partnership: change theirs instead"
        )
    pending = Invitation.objects.for_partnership(ctx.partnership).filter(
        email__iexact=email, status=InvitationStatus.PENDING
    )
    if pending.exists():
        raise _field_error("email", "This email address has already been invited: resend that invitation instead")
    invitation = Invitation(
        partnership=ctx.partnership,
        email=email,
        first_name=" ".join(first_name.split()),
        last_name=" ".join(last_name.split()),
        role=role,
        member=member,
        job_title=(job_title or "").strip(),
        invited_by=ctx.user,
        sent_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:  # the same email invited twice at once (a double-click)
        raise _field_error(
            "email", "This email address has already been invited: resend that invitation instead"
        ) from None
    activity.record(
        ctx,
        event="invitation.sent",
        obj=invitation,
        changes=activity.created(invitation, ["email", "first_name", "last_name", "role", "member", "job_title"]),
    )
    _send_invitation(ctx, invitation, request=request)
    return invitation


def _require_pending(invitation: Invitation) -> None:
    if invitation.status != InvitationStatus.PENDING:
        raise StateError(f"This invitation has been {invitation.get_status_display().lower()}: nothing to do")


@transaction.atomic
def invitation_resend(*, ctx: TenantContext, invitation: Invitation, request=None) -> Invitation:
    """Email the invitation again with a new link (the earlier link stops working)."""
    PeoplePolicy.require(ctx, "manage", invitation)
    _require_pending(invitation)
    activity.record(ctx, event="invitation.resent", obj=invitation)
    _send_invitation(ctx, invitation, request=request)
    return invitation


@transaction.atomic
def invitation_withdraw(*, ctx: TenantContext, invitation: Invitation) -> Invitation:
    """Withdraw an invitation not yet accepted: its link refuses from now on."""
    PeoplePolicy.require(ctx, "manage", invitation)
    _require_pending(invitation)
    invitation.status = InvitationStatus.WITHDRAWN
    invitation.save(update_fields=["status"])
    activity.record(
        ctx, event="invitation.withdrawn", obj=invitation, changes={"status": {"old": "pending", "new": "withdrawn"}}
    )
    return invitation


def invitation_from_link(token: str) -> Invitation:
    """The pending invitation a link names, or InvitationRefused saying why not."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=settings.LSCP_INVITATION_DAYS * 24 * 60 * 60)
    except signing.SignatureExpired:
        raise InvitationRefused(
            f"This invitation has expired: its link works for {settings.LSCP_INVITATION_DAYS} days. Ask the "
            "partnership's business unit to send it again."
        ) from None
    except signing.BadSignature:
        raise InvitationRefused("This invitation link is not complete. Copy the whole link from the email.") from None
    partnership = Partnership.objects.filter(pk=data.get("p"), is_active=True).first()
    if partnership is not None:
        # The signed link names the partnership: the request's database scope is that one.
        database.set_partnership(partnership.pk)
    invitation = (
        Invitation.objects.for_partnership(partnership)
        .select_related("partnership", "member__organisation")
        .filter(pk=data.get("i"))
        .first()
        if partnership
        else None
    )
    if invitation is None or invitation.status == InvitationStatus.WITHDRAWN:
        raise InvitationRefused(
            "This invitation has been withdrawn. Ask the partnership's business unit if you need access."
        )
    if invitation.status == InvitationStatus.ACCEPTED:
        raise InvitationRefused("This invitation has already been accepted. Sign in to use the service.")
    if invitation.nonce != data.get("n"):
        raise InvitationRefused("This invitation has been sent again since: use the link in the latest email.")
    return invitation


def invitation_has_account(invitation: Invitation) -> bool:
    """Whether the invited address has an account: asked only for the invitee, on the link's page."""
    return Person.objects.filter(email__iexact=invitation.email).exists()


@transaction.atomic
def invitation_accept(*, invitation: Invitation, person: Person, request=None) -> Membership:
    """The invited person, signed in as themselves, accepts: the membership is made."""
    invitation = Invitation.objects.for_partnership(invitation.partnership).select_for_update().get(pk=invitation.pk)
    _require_pending(invitation)
    if person.email.strip().lower() != invitation.email:
        raise PermissionDenied("This invitation is for another email address.")
    partnership = invitation.partnership
    if Membership.objects.for_partnership(partnership).filter(person=person).exists():
        raise StateError(f"You already have a role in {partnership}: ask its business unit to change it.")
    membership = Membership(
        partnership=partnership,
        person=person,
        role=invitation.role,
        member=invitation.member,
        job_title=invitation.job_title,
    )
    membership.save()
    sync_member_groups(membership)
    ctx = TenantContext(partnership=partnership, user=person, membership=membership)
    activity.record(
        ctx,
        event="invitation.accepted",
        obj=membership,
        changes=activity.created(membership, ["person", "role", "member", "job_title"]),
    )
    seat_sync(ctx, membership)
    invitation.status, invitation.membership, invitation.accepted_at = (
        InvitationStatus.ACCEPTED,
        membership,
        timezone.now(),
    )
    invitation.save(update_fields=["status", "membership", "accepted_at"])
    security_event.send(
        sender=Invitation,
        request=request,
        event="invitation-accepted",
        person=person,
        partnership=partnership,
        details={"invitation": invitation.pk, "role": invitation.role},
    )
    return membership


@transaction.atomic
def invitation_accept_new(*, invitation: Invitation, password: str, request=None) -> Membership:
    """Someone without an account accepts by setting a password (checked by the caller's form):
    the account is made with the names the business unit typed, then the membership."""
    if invitation_has_account(invitation):
        raise StateError("This email address already has an account: sign in to accept the invitation.")
    person = _new_person(
        email=invitation.email,
        first_name=invitation.first_name,
        last_name=invitation.last_name,
        username="",
        password=password,
    )
    return invitation_accept(invitation=invitation, person=person, request=request)


@transaction.atomic
def person_update(
    *, ctx: TenantContext, membership: Membership, role: str, member: Member | None, job_title: str = ""
) -> Membership:
    PeoplePolicy.require(ctx, "manage", membership)
    _check_role(ctx, role, member)
    if membership.person_id == ctx.user.pk and role != Role.BUSINESS_UNIT and ctx.membership is not None:
        raise _field_error("role", "You cannot take the business-unit role away from yourself")
    before = activity.snapshot(membership, PERSON_FIELDS)
    membership.role, membership.member, membership.job_title = role, member, job_title.strip()
    changes = activity.changes_between(before, activity.snapshot(membership, PERSON_FIELDS))
    if not changes:
        seat_sync(ctx, membership)  # saving an LSP or DSP unchanged gives them the seat if another holds it
        return membership
    membership.save(update_fields=["role", "member", "job_title"])
    sync_member_groups(membership)
    activity.record(ctx, event="person.changed", obj=membership, changes=changes)
    seat_sync(ctx, membership)
    return membership


def deactivation_refusal(ctx: TenantContext, membership: Membership) -> str | None:
    """Why the acting person cannot deactivate this person, or None if they can."""
    if membership.person_id == ctx.user.pk:
        return "You cannot deactivate yourself"
    return None


@transaction.atomic
def person_deactivate(*, ctx: TenantContext, membership: Membership) -> Membership:
    """Remove a person's access to this partnership (their record and history stay)."""
    PeoplePolicy.require(ctx, "manage", membership)
    refusal = deactivation_refusal(ctx, membership)
    if refusal:
        raise ValidationError(refusal)
    if not membership.is_active:
        return membership
    membership.is_active = False
    membership.deactivated_at = timezone.now()
    membership.save(update_fields=["is_active", "deactivated_at"])
    sync_member_groups(membership)
    activity.record(ctx, event="person.deactivated", obj=membership, changes={"is_active": {"old": True, "new": False}})
    seat_sync(ctx, membership)
    return membership


@transaction.atomic
def person_reactivate(*, ctx: TenantContext, membership: Membership) -> Membership:
    PeoplePolicy.require(ctx, "manage", membership)
    if membership.is_active:
        return membership
    membership.is_active = True
    membership.deactivated_at = None
    membership.save(update_fields=["is_active", "deactivated_at"])
    sync_member_groups(membership)
    activity.record(ctx, event="person.reactivated", obj=membership, changes={"is_active": {"old": False, "new": True}})
    return membership


def person_unlock(*, ctx: TenantContext, membership: Membership, request=None) -> int:
    """Let a person whose account was locked by wrong passwords sign in again now, rather than
    after the cool-off (sent as the security event "unlocked")."""
    PeoplePolicy.require(ctx, "manage", membership)
    return sign_in_limits.unlock(person=membership.person, request=request, partnership=ctx.partnership)


# ----------------------------------------------------------------------------------------------
# Seats: who holds each safeguarding partner's LSP and DSP seat, and since when


def _end_seat(ctx: TenantContext, seat: Seat, *, today, reason: str) -> None:
    seat.until = max(today, seat.since)
    seat.save(update_fields=["until"])
    activity.record(
        ctx,
        event="seat.ended",
        obj=seat.membership,
        changes={
            "seat": {"old": f"{seat.get_level_display()} for {seat.member}", "new": None},
            "since": {"old": seat.since, "new": None},
            "reason": {"old": None, "new": reason},
        },
    )


def seat_sync(ctx: TenantContext, membership: Membership) -> Seat | None:
    """Make the seats follow a membership's role: an active LSP or DSP of a statutory partner holds
    that member's seat at that level from today, which ends the previous holder's (until today,
    in the activity log); any other role, a deactivation or a move to another member ends the
    person's own seat. Called by the people services in their transaction; the current seat."""
    today = timezone.localdate()
    seats = Seat.objects.for_partnership(ctx.partnership).select_for_update()
    own = list(seats.filter(membership=membership, until__isnull=True).select_related("member__organisation"))
    member = membership.member
    wanted = (
        membership.is_active
        and membership.role in SAFEGUARDING_PARTNERS
        and member is not None
        and member.is_statutory
        and member.ended_on is None
    )
    kept = None
    for seat in own:
        if wanted and seat.member_id == member.pk and seat.level == membership.role:
            kept = seat
        else:
            _end_seat(ctx, seat, today=today, reason=f"{membership.person} no longer holds this seat")
    if not wanted or kept is not None:
        return kept
    holder = seats.filter(member=member, level=membership.role, until__isnull=True).select_related(
        "membership__person", "member__organisation"
    )
    for seat in holder:
        _end_seat(ctx, seat, today=today, reason=f"The seat was given to {membership.person}")
    seat = Seat.objects.for_partnership(ctx.partnership).create(
        partnership=ctx.partnership, member=member, level=membership.role, membership=membership, since=today
    )
    activity.record(
        ctx,
        event="seat.taken",
        obj=membership,
        changes={
            "seat": {"old": None, "new": f"{seat.get_level_display()} for {member}"},
            "since": {"old": None, "new": today},
        },
    )
    return seat


# ----------------------------------------------------------------------------------------------
# The partnership's offices: its chair and its independent scrutineer


@transaction.atomic
def office_assign(*, ctx: TenantContext, kind: str, membership: Membership | None) -> Office:
    """Name the holder of an office from today: the previous holder's ends today (in the log).
    The chair may be any active person of the partnership; the independent scrutineer must have
    the read-only scrutineer role, which they keep."""
    OfficePolicy.require(ctx, "manage")
    if kind not in OfficeKind.values:
        raise _field_error("kind", "Choose the office")
    if membership is None or membership.partnership_id != ctx.partnership.pk or not membership.is_active:
        raise _field_error("membership", "Choose someone who has an active role in this partnership")
    if kind == OfficeKind.SCRUTINEER and membership.role != Role.SCRUTINEER:
        raise _field_error(
            "membership",
            f"{membership.person} is not a scrutineer: the independent scrutineer has the read-only scrutineer "
            "role (change their role first)",
        )
    today = timezone.localdate()
    offices = Office.objects.for_partnership(ctx.partnership).select_for_update()
    current = offices.filter(kind=kind, until__isnull=True).select_related("membership__person").first()
    if current is not None and current.membership_id == membership.pk:
        return current
    if current is not None:
        current.until = max(today, current.since)
        current.save(update_fields=["until"])
        activity.record(
            ctx,
            event="office.ended",
            obj=current.membership,
            changes={
                "office": {"old": current.get_kind_display(), "new": None},
                "since": {"old": current.since, "new": None},
            },
        )
    office = Office.objects.for_partnership(ctx.partnership).create(
        partnership=ctx.partnership, kind=kind, membership=membership, since=today
    )
    activity.record(
        ctx,
        event="office.taken",
        obj=membership,
        changes={"office": {"old": None, "new": office.get_kind_display()}, "since": {"old": None, "new": today}},
    )
    return office


# ----------------------------------------------------------------------------------------------
# What each level signs (partners/signing.py)


@transaction.atomic
def signing_policy_set(*, ctx: TenantContext, levels: dict[str, str]) -> SigningPolicy:
    """Set the level ("lsp" or "dsp") that signs each signable thing; only the choices that differ
    from Working Together 2023's defaults are kept. Every signable thing must be given a level."""
    from partners.signing import LEVELS, WT2023_DEFAULTS, policy_levels

    SigningPolicyPolicy.require(ctx, "manage")
    errors = Errors()
    for what in WT2023_DEFAULTS:
        if levels.get(what) not in LEVELS:
            errors.add(what, "Choose who signs this: the lead or the delegated safeguarding partners")
    errors.raise_if_any()
    before = policy_levels(ctx.partnership)
    policy, _ = (
        SigningPolicy.objects.for_partnership(ctx.partnership)
        .select_for_update()
        .get_or_create(partnership=ctx.partnership, defaults={"levels": {}})
    )
    policy.levels = {what: levels[what] for what, default in WT2023_DEFAULTS.items() if levels[what] != default}
    changes = {
        what: {"old": before[what], "new": levels[what]} for what in WT2023_DEFAULTS if before[what] != levels[what]
    }
    if changes:
        policy.save(update_fields=["levels", "updated_at"])
        activity.record(ctx, event="signing_policy.changed", obj=policy, changes=changes)
    return policy


# ----------------------------------------------------------------------------------------------
# Governance


@transaction.atomic
def group_create(
    *,
    ctx: TenantContext,
    name: str,
    kind: str,
    purpose: str = "",
    reports_to: GovernanceGroup | None = None,
    position: int = 0,
) -> GovernanceGroup:
    GovernancePolicy.require(ctx, "manage")
    name = _name("name", name, "Enter the group's name")
    if kind not in GroupKind.values:
        raise _field_error("kind", "Choose the kind of group")
    if reports_to is not None and reports_to.partnership_id != ctx.partnership.pk:
        raise _field_error("reports_to", "Choose a group of this partnership")
    groups = GovernanceGroup.objects.for_partnership(ctx.partnership)
    if groups.filter(name__iexact=name).exists():
        raise _field_error("name", "The partnership already has a group with this name")
    group = GovernanceGroup.objects.for_partnership(ctx.partnership).create(
        partnership=ctx.partnership,
        name=name,
        kind=kind,
        purpose=purpose.strip(),
        reports_to=reports_to,
        position=position,
    )
    activity.record(
        ctx, event="group.created", obj=group, changes=activity.created(group, ["name", "kind", "reports_to"])
    )
    return group


@transaction.atomic
def group_member_add(
    *, ctx: TenantContext, group: GovernanceGroup, membership: Membership, group_role: str = GroupRole.MEMBER
) -> GroupMember:
    GovernancePolicy.require(ctx, "manage", group)
    if membership.partnership_id != ctx.partnership.pk or group.partnership_id != ctx.partnership.pk:
        raise _field_error("membership", "Choose a person in this partnership")
    if not membership.is_active:
        raise _field_error("membership", f"{membership.person} has been deactivated")
    if group_role not in GroupRole.values:
        raise _field_error("group_role", "Choose the person's role on the group")
    if group.seats.filter(membership=membership).exists():
        raise _field_error("membership", f"{membership.person} is already a member of {group}")
    if group_role == GroupRole.CHAIR and group.seats.filter(group_role=GroupRole.CHAIR).exists():
        raise _field_error("group_role", f"{group} already has a chair")
    try:
        with transaction.atomic():
            seat = GroupMember.objects.for_partnership(ctx.partnership).create(
                partnership=ctx.partnership, group=group, membership=membership, group_role=group_role
            )
    except IntegrityError:
        raise _field_error("membership", f"{membership.person} is already a member of {group}") from None
    activity.record(
        ctx,
        event="group.member_added",
        obj=group,
        changes={
            "member": {"old": None, "new": str(membership.person)},
            "group_role": {"old": None, "new": group_role},
        },
    )
    return seat


@transaction.atomic
def group_member_remove(*, ctx: TenantContext, seat: GroupMember) -> None:
    GovernancePolicy.require(ctx, "manage", seat.group)
    group, person = seat.group, seat.membership.person
    seat.delete()
    activity.record(ctx, event="group.member_removed", obj=group, changes={"member": {"old": str(person), "new": None}})
