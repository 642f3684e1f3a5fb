"""API for the partnership's members, people and governance groups: the same services and
policies as the pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from lscp.api import PartnershipChoice, TenantAPIMixin, TenantSerializer, TenantViewSet, sent_on_top
from lscp.roles import MEMBERSHIP_ROLES
from lscp.tenancy import get_scoped_or_404
from partners import selectors, services
from partners.filters import MemberFilter, PeopleFilter
from partners.models import (
    STATUTORY_ROLE_OF,
    DesignatedAgency,
    GovernanceGroup,
    GroupRole,
    Invitation,
    InvitationStatus,
    Member,
    MemberKind,
    Membership,
    Office,
    OfficeKind,
    Organisation,
    PartnerKind,
    Sector,
    SigningPolicy,
    StatutoryRole,
)
from partners.permissions import GovernancePolicy, MemberPolicy, OfficePolicy, PeoplePolicy, SigningPolicyPolicy


class MemberLinkOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=MemberKind.choices)


class OrganisationLinkOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    merged_on = serializers.DateField()


class OrganisationOut(serializers.Serializer):
    """An organisation, with its national identifier and its history (read-only: an administrator
    records renames and mergers)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    sector = serializers.CharField()
    national_id = serializers.CharField()
    successor = serializers.SerializerMethodField()
    predecessors = OrganisationLinkOut(many=True)

    def get_successor(self, organisation) -> dict | None:
        if organisation.successor_id is None:
            return None
        return {
            "id": organisation.successor_id,
            "name": organisation.successor.name,
            "merged_on": organisation.merged_on,
        }


@extend_schema_serializer(deprecate_fields=["statutory_role"])
class MemberOut(serializers.Serializer):
    id = serializers.IntegerField()
    organisation = OrganisationOut()
    kind = serializers.ChoiceField(
        choices=MemberKind.choices,
        help_text="A statutory (safeguarding) partner, a relevant agency, or a designated childcare or education "
        "agency (Children's Wellbeing and Schools Act 2026 s.2)",
    )
    partner_kind = serializers.ChoiceField(
        choices=PartnerKind.choices,
        allow_null=True,
        help_text="Which safeguarding partner a statutory partner is; null for every other member",
    )
    statutory_role = serializers.CharField(
        allow_blank=True,
        help_text="Deprecated: read partner_kind (council is local_authority). Blank for non-partners",
    )
    joined_on = serializers.DateField(allow_null=True)
    people_count = serializers.IntegerField(required=False)


class NewOrganisationIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    sector = serializers.ChoiceField(choices=Sector.choices)


class MemberKindIn(TenantSerializer):
    """A membership's kind, and for a statutory partner which one: `partner_kind`, or the deprecated
    `statutory_role` (council | police | health) that older clients send."""

    kind = serializers.ChoiceField(choices=MemberKind.choices)
    partner_kind = serializers.ChoiceField(choices=PartnerKind.choices, required=False, allow_null=True)
    statutory_role = serializers.ChoiceField(
        choices=StatutoryRole.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Deprecated: send partner_kind",
    )

    def validate(self, data):
        partner_kind = data.pop("partner_kind", None)
        if partner_kind:
            role = STATUTORY_ROLE_OF[PartnerKind(partner_kind)]
            if data.get("statutory_role") and data["statutory_role"] != role:
                raise serializers.ValidationError(
                    {"partner_kind": ["Send partner_kind or statutory_role, not two that disagree"]}
                )
            data["statutory_role"] = role.value
        return data


class MemberCreateIn(MemberKindIn):
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    new_organisation = NewOrganisationIn(required=False)

    def validate(self, data):
        data = super().validate(data)
        if not data.get("organisation") and not data.get("new_organisation"):
            raise serializers.ValidationError({"organisation": ["Give an organisation id, or a new_organisation"]})
        if data.get("organisation") and data.get("new_organisation"):
            raise serializers.ValidationError(
                {"new_organisation": ["Give either organisation or new_organisation, not both"]}
            )
        return data


class MemberUpdateIn(MemberKindIn):
    pass


@extend_schema_view(
    create=extend_schema(request=MemberCreateIn, responses={201: MemberOut}),
    partial_update=extend_schema(request=MemberUpdateIn, responses=MemberOut),
)
class MemberViewSet(TenantViewSet):
    """The partnership's member organisations today: statutory partners, relevant agencies and
    designated childcare or education agencies. Filters: `kind`, `partner_kind`."""

    model = Member
    policy = MemberPolicy
    input_serializers = {"create": MemberCreateIn, "partial_update": MemberUpdateIn}
    serializer_class = MemberOut
    filterset_class = MemberFilter

    def tenant_queryset(self):
        predecessors = Organisation.objects.filter(successor__isnull=False).order_by("merged_on", "name")
        return (
            selectors.members_for(self.ctx)
            .select_related("organisation__successor")
            .prefetch_related(Prefetch("organisation__predecessors", queryset=predecessors))
        )

    def create(self, request, *args, **kwargs):
        data = MemberCreateIn(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = data.validated_data
        organisation = values.get("organisation")
        if organisation is None:
            new = values["new_organisation"]
            try:
                organisation = services.organisation_create(ctx=self.ctx, name=new["name"], sector=new["sector"])
            except ValidationError as error:
                raise ValidationError(
                    {"new_organisation": [m for messages in error.message_dict.values() for m in messages]}
                ) from None
        member = services.member_add(
            ctx=self.ctx, organisation=organisation, kind=values["kind"], statutory_role=values["statutory_role"]
        )
        return Response(MemberOut(member).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        member = self.get_object()
        data = MemberUpdateIn(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        member = services.member_update(ctx=self.ctx, member=member, **data.validated_data)
        return Response(MemberOut(member).data)


class DesignationOut(serializers.Serializer):
    id = serializers.IntegerField()
    organisation = OrganisationOut()
    reason = serializers.CharField(help_text="The regulations that designate it, as the partnership cites them")
    designated_on = serializers.DateField(allow_null=True)
    member = serializers.SerializerMethodField(
        help_text="The organisation's membership today, if any (its id and kind): a designated organisation "
        "must be a member as a designated_education_agency"
    )

    @extend_schema_field(MemberLinkOut(allow_null=True))
    def get_member(self, designation) -> dict | None:
        member = self.context.get("members", {}).get(designation.organisation_id)
        return None if member is None else {"id": member.pk, "kind": member.kind}


class DesignationIn(TenantSerializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    reason = serializers.CharField(max_length=300)
    designated_on = serializers.DateField(required=False, allow_null=True, default=None)


@extend_schema_view(
    create=extend_schema(request=DesignationIn, responses={201: DesignationOut}),
    destroy=extend_schema(responses={204: None}),
)
class DesignationViewSet(TenantViewSet):
    """The organisations the regulations designate as childcare or education agencies for the area
    (Children's Wellbeing and Schools Act 2026 s.2), kept by the business unit: each must be a
    member of the partnership as a designated_education_agency."""

    model = DesignatedAgency
    policy = MemberPolicy
    action_permissions = {"list": "view", "retrieve": "view", "create": "manage", "destroy": "manage"}
    input_serializers = {"create": DesignationIn}
    serializer_class = DesignationOut
    filter_backends: list = []
    http_method_names = ["get", "post", "delete", "head", "options"]

    def tenant_queryset(self):
        predecessors = Organisation.objects.filter(successor__isnull=False).order_by("merged_on", "name")
        return (
            selectors.designations_for(self.ctx)
            .select_related("organisation__successor")
            .prefetch_related(Prefetch("organisation__predecessors", queryset=predecessors))
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "ctx", None) is not None:
            context["members"] = {member.organisation_id: member for member in selectors.current_members(self.ctx)}
        return context

    def create(self, request, *args, **kwargs):
        data = DesignationIn(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        designation = services.designation_add(ctx=self.ctx, **data.validated_data)
        return Response(
            DesignationOut(designation, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )

    def destroy(self, request, *args, **kwargs):
        services.designation_remove(ctx=self.ctx, designation=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class PersonOut(serializers.Serializer):
    id = serializers.IntegerField()
    person_id = serializers.IntegerField()
    username = serializers.CharField(source="person.username")
    first_name = serializers.CharField(source="person.first_name")
    last_name = serializers.CharField(source="person.last_name")
    email = serializers.EmailField(source="person.email")
    role = serializers.CharField()
    member = serializers.IntegerField(source="member_id", allow_null=True)
    organisation = serializers.CharField(source="member.organisation.name", default=None, allow_null=True)
    job_title = serializers.CharField(allow_blank=True)
    is_active = serializers.BooleanField()
    seat = serializers.SerializerMethodField(
        help_text='The safeguarding partner seat the person holds today for their member: "lsp", "dsp" or ""'
    )
    seat_since = serializers.SerializerMethodField()

    def _seat(self, membership):
        if not hasattr(membership, "_current_seat"):
            membership._current_seat = (
                membership.partner_seats.filter(until__isnull=True, member_id=membership.member_id)
                .values_list("level", "since")
                .first()
                if membership.role in ("lsp", "dsp")
                else None
            )
        return membership._current_seat

    def get_seat(self, membership) -> str:
        if hasattr(membership, "seat_level"):
            return membership.seat_level or ""
        seat = self._seat(membership)
        return seat[0] if seat else ""

    def get_seat_since(self, membership) -> str | None:
        if hasattr(membership, "seat_since"):
            return membership.seat_since.isoformat() if membership.seat_since else None
        seat = self._seat(membership)
        return seat[1].isoformat() if seat else None


class InvitationOut(serializers.Serializer):
    """An invitation: what the business unit typed, and its status. Nothing of any account."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=InvitationStatus.choices)
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    role = serializers.CharField()
    member = serializers.IntegerField(source="member_id", allow_null=True)
    job_title = serializers.CharField(allow_blank=True)
    sent_at = serializers.DateTimeField()


class PersonCreateIn(TenantSerializer):
    email = serializers.EmailField()
    first_name = serializers.CharField(max_length=150)
    last_name = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=MEMBERSHIP_ROLES)
    member = PartnershipChoice(Member, rows=selectors.current_members, required=False, allow_null=True, default=None)
    job_title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class PersonUpdateIn(TenantSerializer):
    role = serializers.ChoiceField(choices=MEMBERSHIP_ROLES)
    member = PartnershipChoice(Member, rows=selectors.current_members, required=False, allow_null=True, default=None)
    job_title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


@extend_schema_view(
    create=extend_schema(
        request=PersonCreateIn,
        responses={201: InvitationOut},
        description="Invite someone: they are emailed a link to accept, and have the role once they do. The "
        "answer is what was sent, whoever the address belongs to.",
    ),
    partial_update=extend_schema(request=PersonUpdateIn, responses=PersonOut),
    deactivate=extend_schema(request=None, responses=PersonOut),
    reactivate=extend_schema(request=None, responses=PersonOut),
)
class PersonViewSet(TenantViewSet):
    """People and their roles in the partnership. Filters: `role`, `status` (active | deactivated | all), `q`."""

    model = Membership
    policy = PeoplePolicy
    action_permissions = {
        "list": "view",
        "retrieve": "view",
        "create": "manage",
        "partial_update": "manage",
        "deactivate": "manage",
        "reactivate": "manage",
    }
    input_serializers = {"create": PersonCreateIn, "partial_update": PersonUpdateIn}
    serializer_class = PersonOut

    filterset_class = PeopleFilter

    def tenant_queryset(self):
        return selectors.with_seats(
            self.ctx, selectors.people_for(self.ctx).order_by("person__first_name", "person__last_name", "pk")
        )

    def filter_queryset(self, queryset):
        """The filters narrow the list; one person is found whatever their status."""
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def create(self, request, *args, **kwargs):
        data = PersonCreateIn(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        invitation = services.invitation_send(ctx=self.ctx, request=request, **data.validated_data)
        return Response(InvitationOut(invitation).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        membership = self.get_object()
        current = {"role": membership.role, "member": membership.member_id, "job_title": membership.job_title}
        data = PersonUpdateIn(data=sent_on_top(current, request), context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        membership = services.person_update(ctx=self.ctx, membership=membership, **data.validated_data)
        return Response(PersonOut(membership).data)

    @action(detail=True, methods=["post"])
    def deactivate(self, request, *args, **kwargs):
        membership = services.person_deactivate(ctx=self.ctx, membership=self.get_object())
        return Response(PersonOut(membership).data)

    @action(detail=True, methods=["post"])
    def reactivate(self, request, *args, **kwargs):
        membership = services.person_reactivate(ctx=self.ctx, membership=self.get_object())
        return Response(PersonOut(membership).data)


class SeatOut(serializers.Serializer):
    id = serializers.IntegerField()
    membership = serializers.IntegerField(source="membership_id")
    name = serializers.CharField(source="membership.person.get_full_name")
    organisation = serializers.CharField(source="membership.member.organisation.name", default=None, allow_null=True)
    group_role = serializers.CharField()


class GroupOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    purpose = serializers.CharField(allow_blank=True)
    reports_to = serializers.IntegerField(source="reports_to_id", allow_null=True)
    members = SeatOut(source="seats", many=True)


class SeatIn(TenantSerializer):
    membership = PartnershipChoice(Membership)
    group_role = serializers.ChoiceField(choices=GroupRole.choices, default=GroupRole.MEMBER)


@extend_schema_view(
    add_member=extend_schema(request=SeatIn, responses={201: SeatOut}),
)
class GovernanceGroupViewSet(TenantViewSet):
    """The governance structure: groups and who sits on them."""

    model = GovernanceGroup
    policy = GovernancePolicy
    action_permissions = {"list": "view", "retrieve": "view", "add_member": "manage", "remove_member": "manage"}
    input_serializers = {"add_member": SeatIn}
    serializer_class = GroupOut
    http_method_names = ["get", "post", "delete", "head", "options"]

    def tenant_queryset(self):
        return selectors.groups_for(self.ctx).order_by("position", "name", "pk")

    @action(detail=True, methods=["post"], url_path="members")
    def add_member(self, request, *args, **kwargs):
        group = self.get_object()
        data = SeatIn(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        seat = services.group_member_add(ctx=self.ctx, group=group, **data.validated_data)
        return Response(SeatOut(seat).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"members/(?P<group_member_id>[0-9]+)")
    def remove_member(self, request, *args, **kwargs):
        group = self.get_object()
        seat = get_scoped_or_404(group.seats.all(), partnership=self.ctx.partnership, pk=kwargs["group_member_id"])
        services.group_member_remove(ctx=self.ctx, seat=seat)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    resend=extend_schema(request=None, responses=InvitationOut),
    withdraw=extend_schema(request=None, responses=InvitationOut),
)
class InvitationViewSet(TenantViewSet):
    """Invitations not yet accepted (POST /people/ makes one), as the business unit typed them;
    resend one (a new link; the earlier one stops working) or withdraw it."""

    model = Invitation
    policy = PeoplePolicy
    action_permissions = {"list": "manage", "retrieve": "manage", "resend": "manage", "withdraw": "manage"}
    serializer_class = InvitationOut
    filter_backends: list = []

    def tenant_queryset(self):
        return selectors.pending_invitations(self.ctx)

    @action(detail=True, methods=["post"])
    def resend(self, request, *args, **kwargs):
        invitation = services.invitation_resend(ctx=self.ctx, invitation=self.get_object(), request=request)
        return Response(InvitationOut(invitation).data)

    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        invitation = services.invitation_withdraw(ctx=self.ctx, invitation=self.get_object())
        return Response(InvitationOut(invitation).data)


class SigningPolicyIn(serializers.Serializer):
    """The level that signs each signable thing: "lsp" or "dsp" (each one required)."""

    def get_fields(self):
        from partners.models import SeatLevel
        from partners.signing import WT2023_DEFAULTS

        return {what: serializers.ChoiceField(choices=SeatLevel.choices) for what in WT2023_DEFAULTS}


def signing_policy_out(partnership) -> dict:
    from partners.signing import WT2023_DEFAULTS, WT2023_REASONS, Signable, policy_levels

    levels = policy_levels(partnership)
    return {
        "levels": levels,
        "defaults": [
            {"what": what, "label": Signable(what).label, "default": default, "reason": WT2023_REASONS[what]}
            for what, default in WT2023_DEFAULTS.items()
        ],
    }


class SigningPolicyView(TenantAPIMixin, GenericAPIView):
    """Who signs what in this partnership (partners/signing.py): for each signable thing, the
    level whose seat holders sign it ("lsp" or "dsp"), beside Working Together 2023's default and
    its reason. Read by everyone; the business unit changes it with PUT (every level given)."""

    model = SigningPolicy
    policy = SigningPolicyPolicy
    action_permissions = {"get": "view", "put": "manage"}
    input_serializers = {"put": SigningPolicyIn}

    def get_object(self):
        """One setting of the partnership, not a row chosen by the URL (OPTIONS and the browsable
        API ask for it)."""
        return None

    def input_serializer_class(self):
        method = self.request.method.lower()
        return None if method in ("get", "head", "options") else self.input_serializers.get(method)

    @extend_schema(responses=dict)
    def get(self, request, *args, **kwargs):
        return Response(signing_policy_out(self.ctx.partnership))

    @extend_schema(request=SigningPolicyIn, responses=dict)
    def put(self, request, *args, **kwargs):
        data = SigningPolicyIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.signing_policy_set(ctx=self.ctx, levels=dict(data.validated_data))
        return Response(signing_policy_out(self.ctx.partnership))


class OfficeHolderOut(serializers.Serializer):
    membership = serializers.IntegerField(source="membership_id")
    name = serializers.CharField(source="membership.person.get_full_name")
    job_title = serializers.CharField(source="membership.job_title")
    since = serializers.DateField()
    until = serializers.DateField(allow_null=True)


class OfficeIn(TenantSerializer):
    kind = serializers.ChoiceField(choices=OfficeKind.choices)
    membership = PartnershipChoice(Membership)


def offices_out(ctx) -> list[dict]:
    return [
        {
            "kind": office["kind"].value,
            "label": office["kind"].label,
            "current": OfficeHolderOut(office["current"]).data if office["current"] else None,
            "former": OfficeHolderOut(office["former"], many=True).data,
        }
        for office in selectors.offices_for(ctx)
    ]


class OfficesView(TenantAPIMixin, GenericAPIView):
    """The partnership's chair and independent scrutineer: who holds each since when, and the
    former holders. Read by everyone; the business unit names a holder with POST {kind,
    membership} (from today; the present holder's time ends today)."""

    model = Office
    policy = OfficePolicy
    action_permissions = {"get": "view", "post": "manage"}
    input_serializers = {"post": OfficeIn}

    def get_object(self):
        """One setting of the partnership, not a row chosen by the URL (OPTIONS and the browsable
        API ask for it)."""
        return None

    def input_serializer_class(self):
        method = self.request.method.lower()
        return None if method in ("get", "head", "options") else self.input_serializers.get(method)

    @extend_schema(responses=dict)
    def get(self, request, *args, **kwargs):
        return Response({"offices": offices_out(self.ctx)})

    @extend_schema(request=OfficeIn, responses=dict)
    def post(self, request, *args, **kwargs):
        data = OfficeIn(data=request.data, context={"ctx": self.ctx, "request": request})
        data.is_valid(raise_exception=True)
        services.office_assign(ctx=self.ctx, **data.validated_data)
        return Response({"offices": offices_out(self.ctx)}, status=status.HTTP_201_CREATED)


# ----------------------------------------------------------------------------------------------
# Sign-offs (partners/sign_offs.py), as the LCSPR decision's and the budget's actions answer them


class SignatureOut(serializers.Serializer):
    member = serializers.IntegerField(source="member_id")
    organisation = serializers.CharField(source="member.organisation.name")
    person = serializers.CharField(source="person.get_full_name")
    job_title = serializers.CharField()
    seat = serializers.CharField(source="level")
    signed_version = serializers.IntegerField(allow_null=True)
    content_hash = serializers.CharField()
    at = serializers.DateTimeField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdrawn_reason = serializers.CharField()


class MissingSignerOut(serializers.Serializer):
    member = serializers.IntegerField()
    organisation = serializers.CharField()


class PartnerSignOffStateOut(serializers.Serializer):
    """Who must sign (at which level), who has, who is still to, and every signature given."""

    level = serializers.CharField(help_text="lsp or dsp: the seats that sign it")
    content_hash = serializers.CharField(help_text="What is signed: send it back when you sign (a stale one is 409)")
    signed = serializers.IntegerField()
    needed = serializers.IntegerField()
    complete = serializers.BooleanField()
    missing = MissingSignerOut(many=True)
    signatures = SignatureOut(many=True)


def sign_off_state(state: dict) -> dict:
    """A sign-off's state for the API (partners/sign_offs.py: status)."""
    return {
        "level": state["level"],
        "content_hash": state.get("content_hash", ""),
        "signed": state["signed"],
        "needed": state["needed"],
        "complete": state["complete"],
        "missing": [{"member": m.pk, "organisation": m.organisation.name} for m in state["missing"]],
        "signatures": SignatureOut(state["history"], many=True).data,
    }
