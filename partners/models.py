"""Partnerships (the tenant), organisations (shared), their membership, people and roles,
and the governance structure."""

from __future__ import annotations

import re

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower

from lscp.database import SystemScopedQuerySet
from lscp.roles import MEMBERSHIP_ROLES, Role
from lscp.tenancy import TenantManager, TenantOwned

# Slugs that would collide with the site's own top-level paths.
RESERVED_SLUGS = frozenset(
    {"accounts", "admin", "api", "assets", "static", "media", "partnerships", "health", "favicon.ico", "robots.txt"}
)

slug_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    "Enter a slug of lower-case letters, numbers and single hyphens, like 'thurrock' or 'north-east-lincs'",
)


class Partnership(models.Model):
    """A Local Safeguarding Children Partnership: the tenant."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=50, unique=True, validators=[slug_validator])
    area = models.CharField("local-authority area", max_length=200)
    population = models.PositiveIntegerField(
        help_text="Population of the local-authority area", validators=[MinValueValidator(1)]
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Sector(models.TextChoices):
    COUNCIL = "council", "Local authority"
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    PROBATION = "probation", "Probation"
    EDUCATION = "education", "Education"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    FIRE = "fire", "Fire and rescue"
    COURTS = "courts", "Courts and family justice"
    VOLUNTARY = "voluntary", "Voluntary and community"
    OTHER = "other", "Other"


class StatutoryRole(models.TextChoices):
    """The three safeguarding partners (Children Act 2004 s16E)."""

    COUNCIL = "council", "Local authority"
    POLICE = "police", "Police"
    HEALTH = "health", "Health (CCG / ICB)"


# A safeguarding partner's seat can be taken only by an organisation of the matching sector.
STATUTORY_SECTOR = {
    StatutoryRole.COUNCIL: Sector.COUNCIL,
    StatutoryRole.POLICE: Sector.POLICE,
    StatutoryRole.HEALTH: Sector.HEALTH,
}


# Each sector's national identifier, its format and the GOV.UK error message when it is wrong: the
# ONS GSS code of a council, the ODS code of an NHS body, a school's URN, a police force's code.
NATIONAL_IDENTIFIERS = {
    Sector.COUNCIL: (
        "ONS GSS code",
        r"^E(06|07|08|09|10)[0-9]{6}$",
        "Enter the GSS code in the correct format, like E06000034",
    ),
    Sector.HEALTH: ("ODS code", r"^[A-Z0-9]{3,5}$", "Enter the ODS code in the correct format, like QH8 or RQW"),
    Sector.EDUCATION: ("URN", r"^[0-9]{6}$", "Enter the URN in the correct format, like 100000"),
    Sector.POLICE: ("police force code", r"^[0-9]{2}$", "Enter the police force code in the correct format, like 42"),
}


class Organisation(models.Model):
    """An organisation, shared by every partnership it is a member of (one Essex Police).

    Its history (partners/history.py): renames and mergers, each an OrganisationChange with its
    effective date; a merged organisation keeps its row (the records of its time point at it) and
    names its `successor` and the day it was `merged_on`."""

    name = models.CharField(max_length=200)
    sector = models.CharField(max_length=20, choices=Sector.choices)
    national_id = models.CharField(
        "national identifier",
        max_length=10,
        blank=True,
        help_text="GSS code for a council, ODS code for an NHS body, URN for a school, force code for a police force",
    )
    successor = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="predecessors")
    merged_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="organisation_name_unique_ci",
                violation_error_message="This organisation already exists",
            ),
            models.UniqueConstraint(
                fields=["sector", "national_id"],
                condition=~models.Q(national_id=""),
                name="organisation_national_id_unique",
                violation_error_message="Another organisation already has this national identifier",
            ),
            models.CheckConstraint(
                condition=models.Q(successor__isnull=True, merged_on__isnull=True)
                | models.Q(successor__isnull=False, merged_on__isnull=False),
                name="organisation_merged_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        self.national_id = (self.national_id or "").strip().upper()
        if not self.national_id:
            return
        rule = NATIONAL_IDENTIFIERS.get(self.sector)
        if rule is None:
            raise ValidationError({"national_id": "Organisations in this sector do not have a national identifier"})
        if not re.fullmatch(rule[1], self.national_id):
            raise ValidationError({"national_id": rule[2]})


class ChangeKind(models.TextChoices):
    RENAME = "rename", "Change of name"
    MERGE = "merge", "Merger"


class OrganisationChange(models.Model):
    """A rename or a merger of an organisation, from its effective date, with who recorded it and
    why. Installation-wide, like the organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(max_length=10, choices=ChangeKind.choices)
    effective_on = models.DateField()
    old_name = models.CharField(max_length=200)
    new_name = models.CharField(max_length=200, blank=True)
    successor = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.TextField()
    recorded_by = models.ForeignKey("Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["effective_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="rename", successor__isnull=True) & ~models.Q(new_name="")
                | models.Q(kind="merge", successor__isnull=False),
                name="organisation_change_kind_fields",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.old_name} on {self.effective_on:%-d %B %Y}"


class MemberKind(models.TextChoices):
    STATUTORY_PARTNER = "statutory_partner", "Statutory partner"
    RELEVANT_AGENCY = "relevant_agency", "Relevant agency"


class Member(TenantOwned):
    """An organisation's membership of a partnership: a statutory partner or a relevant agency.
    A partnership may have several members of one safeguarding-partner kind (a joint partnership
    of two councils); each statutory partner member signs (partners/signing.py)."""

    url_kwarg = "member_id"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    kind = models.CharField(max_length=20, choices=MemberKind.choices)
    statutory_role = models.CharField(max_length=10, choices=StatutoryRole.choices, blank=True)
    joined_on = models.DateField(null=True, blank=True)
    # The day the membership ended: set when the organisation merged into another (its successor's
    # member takes the seat). The records of its time keep pointing at it.
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation"],
                name="member_unique_per_partnership",
                violation_error_message="This organisation is already a member of the partnership",
            ),
            models.CheckConstraint(
                condition=(models.Q(kind="statutory_partner") & ~models.Q(statutory_role=""))
                | (models.Q(kind="relevant_agency") & models.Q(statutory_role="")),
                name="member_statutory_role_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation)

    @property
    def is_statutory(self) -> bool:
        return self.kind == MemberKind.STATUTORY_PARTNER


class PersonManager(UserManager):
    def get_by_natural_key(self, username):
        # Sign in with either the username or the email address, case-insensitively.
        try:
            return self.get(username__iexact=username)
        except self.model.DoesNotExist:
            if "@" not in (username or ""):
                raise
            return self.get(email__iexact=username)


class Person(AbstractUser):
    """Someone who signs in. Their roles are per partnership (Membership)."""

    email = models.EmailField("email address")

    objects = PersonManager()

    class Meta:
        ordering = ["first_name", "last_name"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="person_email_unique_ci",
                condition=~models.Q(email=""),
                violation_error_message="Someone already uses this email address",
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class MembershipManager(TenantManager):
    def active_for_person(self, person: Person):
        """A person's own active memberships, across partnerships.

        The one query of tenant rows not scoped by a partnership: it is scoped by the person, and
        only ever shows them their own memberships (to sign in and to switch partnership). It crosses
        partnerships in the database too: every read of it runs in system scope (lscp/database.py).
        """
        return SystemScopedQuerySet(self.model, using=self._db).filter(
            person=person, is_active=True, partnership__is_active=True
        )

    def active_in(self, person: Person, slug: str):
        """A person's active membership in the partnership `slug`, if any: the request's own
        partnership, which `context_for` has just put in the database's scope."""
        return models.Manager.get_queryset(self).filter(
            person=person, is_active=True, partnership__is_active=True, partnership__slug=slug
        )


class Membership(TenantOwned):
    """A person's role in one partnership. One per person per partnership."""

    url_kwarg = "membership_id"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=MEMBERSHIP_ROLES)
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        help_text="The member organisation an agency lead, LSP or DSP acts for",
    )
    job_title = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    dangerously_unscoped = models.Manager()
    objects = MembershipManager()

    class Meta:
        ordering = ["person__first_name", "person__last_name"]
        default_manager_name = "dangerously_unscoped"
        base_manager_name = "dangerously_unscoped"
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "person"],
                name="membership_one_per_person",
                violation_error_message="This person already has a role in this partnership",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["agency_lead", "lsp", "dsp"], member__isnull=False)
                | models.Q(role__in=["business_unit", "scrutineer"]),
                name="membership_lead_has_organisation",
            ),
        ]
        indexes = [models.Index(fields=["person", "is_active"])]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class SeatLevel(models.TextChoices):
    """A safeguarding partner's two seats (Working Together 2023)."""

    LSP = Role.LSP.value, Role.LSP.label
    DSP = Role.DSP.value, Role.DSP.label


class Seat(TenantOwned):
    """Who held a safeguarding partner's LSP or DSP seat, from `since` until `until` (None: holds
    it today). One current holder per member and level; giving the seat to someone else ends the
    previous holder's (partners/services.py: seat_assign). A sign-off records the seat it was
    signed in (partners/signing.py)."""

    url_kwarg = "seat_id"

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="seats")
    level = models.CharField(max_length=3, choices=SeatLevel.choices)
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="partner_seats")
    since = models.DateField()
    until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["member__organisation__name", "level", "-since", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "level"],
                condition=models.Q(until__isnull=True),
                name="seat_one_current_holder",
                violation_error_message="This seat already has a holder",
            ),
            models.CheckConstraint(
                condition=models.Q(until__isnull=True) | models.Q(until__gte=models.F("since")),
                name="seat_until_after_since",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} for {self.member}"

    @property
    def is_current(self) -> bool:
        return self.until is None


class SigningPolicy(TenantOwned):
    """What each level signs in this partnership: only the business unit's choices that differ
    from Working Together 2023's (partners/signing.py: WT2023_DEFAULTS) are kept, by what is signed."""

    url_kwarg = "signing_policy_id"

    levels = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partnership"], name="signing_policy_one_per_partnership")]

    def __str__(self) -> str:
        return f"Signing policy of {self.partnership}"


class Signature(TenantOwned):
    """A statutory partner member's signature of something (partners/sign_offs.py): who signed, in
    which seat and at which level, for which member, when, and what they signed (its version, or a
    hash of its content where it has none). A change to what was signed withdraws the standing
    signatures, with the reason."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("partners.Person", on_delete=models.PROTECT, related_name="+")
    job_title = models.CharField(max_length=200, blank=True)
    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(max_length=3, choices=SeatLevel.choices)
    signed_version = models.PositiveIntegerField(null=True, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def is_standing(self) -> bool:
        return self.withdrawn_at is None


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Invited"
    ACCEPTED = "accepted", "Accepted"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Invitation(TenantOwned):
    """Someone asked to take a role in the partnership, as the business unit typed it: the names,
    email, role and organisation typed are all the adder ever sees. The invitee accepts from the
    emailed link (partners/services.py: invitation_*), which is when the membership is made.
    Whether the email already has an account is looked at only then, by the invitee."""

    url_kwarg = "invitation_id"

    email = models.EmailField("email address")
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    role = models.CharField(max_length=20, choices=MEMBERSHIP_ROLES)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, blank=True, related_name="invitations")
    job_title = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING)
    invited_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    # A new nonce with each sending: the link of an earlier sending stops working.
    nonce = models.CharField(max_length=32)
    sent_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["first_name", "last_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                "partnership",
                Lower("email"),
                condition=models.Q(status="pending"),
                name="invitation_one_pending_per_email",
                violation_error_message="This email address has already been invited",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_full_name(self) -> str:
        return str(self)


class GroupKind(models.TextChoices):
    STRATEGIC = "strategic", "Strategic Group"
    MEB = "meb", "Management Executive Board"
    LPRG = "lprg", "Learning & Practice Review Group"
    MACE = "mace", "Missing and Child Exploitation (MACE)"
    AUDIT = "audit", "Audit Group"
    PRACTICE_REVIEW = "practice_review", "Individual practice review group"
    TASK_AND_FINISH = "task_and_finish", "Task and finish group"
    OTHER = "other", "Other group"


class GovernanceGroup(TenantOwned):
    """A group in the partnership's governance structure."""

    url_kwarg = "group_id"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=GroupKind.choices)
    purpose = models.TextField(blank=True)
    reports_to = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="subgroups")
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"],
                name="group_name_unique_per_partnership",
                violation_error_message="The partnership already has a group with this name",
            )
        ]

    def __str__(self) -> str:
        return self.name


class GroupRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    VICE_CHAIR = "vice_chair", "Vice-chair"
    MEMBER = "member", "Member"


class GroupMember(TenantOwned):
    """A person's seat on a governance group."""

    url_kwarg = "group_member_id"

    group = models.ForeignKey(GovernanceGroup, on_delete=models.CASCADE, related_name="seats")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="seats")
    group_role = models.CharField(max_length=12, choices=GroupRole.choices, default=GroupRole.MEMBER)

    class Meta:
        ordering = ["group_role", "membership__person__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "membership"],
                name="group_member_once",
                violation_error_message="This person is already a member of the group",
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership.person} on {self.group}"


__all__ = [
    "ChangeKind",
    "GovernanceGroup",
    "GroupKind",
    "GroupMember",
    "GroupRole",
    "Invitation",
    "InvitationStatus",
    "Member",
    "MemberKind",
    "Membership",
    "Organisation",
    "OrganisationChange",
    "Partnership",
    "Person",
    "Role",
    "Seat",
    "SeatLevel",
    "Sector",
    "Signature",
    "SigningPolicy",
    "StatutoryRole",
]
