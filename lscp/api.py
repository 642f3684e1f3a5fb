"""The API's shared machinery: the tenant mixin every partnership view inherits first, the policy
permission, token sign-in, errors as JSON, and /api/v1/me/."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Page
from django.http import Http404
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, mixins, serializers, status, viewsets
from rest_framework.fields import SkipField
from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission, IsAuthenticated
from rest_framework.relations import PKOnlyObject
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from lscp import activity, tenancy, tokens
from lscp.accounts import second_factor
from lscp.accounts.forms import SignInForm
from lscp.states import StateError
from partners.models import Membership
from partners.selectors import context_for


class StateConflict(exceptions.APIException):
    """A step asked for in the wrong state (e.g. completing a review nobody started): 409."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "This step is not allowed in the record's current state."
    default_code = "conflict"


def exception_handler(exc, context):
    """Django's ValidationError (from services) becomes 400 with errors per field; Django's
    PermissionDenied 403; a state error 409. Never a 500 for bad input."""

    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {
                field: [str(m) for m in errors.messages] if hasattr(errors, "messages") else [str(e) for e in errors]
                for field, errors in exc.message_dict.items()
            }
            detail = {("non_field_errors" if k == "__all__" else k): v for k, v in detail.items()}
        else:
            detail = {"non_field_errors": [str(m) for m in exc.messages]}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, StateError):
        exc = StateConflict(str(exc))
    return drf_exception_handler(exc, context)


class PolicyPermission(BasePermission):
    """Asks the view's policy (or the policy of this action), with the action the view maps this
    request to, for the view's tenant context. The context is the view's, not the request's: DRF
    checks permissions again on a copy of the request (OPTIONS, the browsable API's forms), and a
    copy carries nothing set on the original."""

    def has_permission(self, request, view):
        policy, action = view.policy_and_permission()
        if policy is None:
            return True
        return policy.can(view.ctx, action)

    def has_object_permission(self, request, view, obj):
        policy, action = view.object_policy_and_permission()
        if policy is None:
            return True
        if not policy.can_see(view.ctx, obj):
            raise Http404
        return policy.can(view.ctx, action, obj)


class NoInput(serializers.Serializer):
    """What a write that takes no body (or whose view does not name its input) is described as."""


SLUG_PARAMETER = OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The partnership's slug")


class TenantSchema(AutoSchema):
    """The API's schema: every operation under /api/v1/{slug}/ documents the slug, said once here
    rather than by each view."""

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if "{slug}" in self.path and not any(getattr(p, "name", None) == "slug" for p in parameters):
            parameters = [SLUG_PARAMETER, *parameters]
        return parameters


class TenantAPIMixin:
    """Inherit first in every /api/v1/<slug>/ view. It resolves the partnership (404 when the
    caller is not an active member), scopes the queryset, narrows it by the policy, and logs each
    retrieve as a view and each list as a read (with its filters and counts) in the activity log.

    Subclasses set `model`, `policy` and `action_permissions` ({DRF view action or HTTP method: the
    permission it needs}); they may narrow `tenant_queryset` further, never widen it. They name the serializer
    each write action takes in `input_serializers` (the one its extend_schema names as `request`).
    """

    model = None
    policy = None
    action_permissions: dict[str, str] = {}
    # Extra actions decided by another resource's policy: {view action: (Policy, permission)}.
    action_policies: dict[str, tuple] = {}
    # {view action: the input serializer it takes}. DRF describes it in OPTIONS and renders it as
    # the browsable API's form; the views' own code reads and writes with explicit serializers.
    input_serializers: dict[str, type[serializers.Serializer]] = {}
    permission_classes = [IsAuthenticated, PolicyPermission]
    log_retrieves = True

    def initial(self, request, *args, **kwargs):
        # Authenticate first (401 for no credentials), then the tenant (404), then permissions.
        self.perform_authentication(request)
        if request.user and request.user.is_authenticated:
            request.tenant = self.ctx = context_for(request.user, kwargs["slug"])
            request._request.tenant = self.ctx  # for the activity log's middleware (exports)
        super().initial(request, *args, **kwargs)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.model is not None:
            # Routes name the object the same way pages do (e.g. <member_id>), which is what
            # lets the tenant-isolation suite fill in another partnership's ids everywhere.
            cls.lookup_url_kwarg = cls.model.get_url_kwarg()
            cls.lookup_field = cls.model.url_field

    def policy_and_permission(self):
        action = getattr(self, "action", None)
        if action in self.action_policies:
            return self.action_policies[action]
        return self.policy, self.get_permission()

    def object_policy_and_permission(self):
        """The check on the object get_object() returns. An action decided by another resource's
        policy still fetches this view's object (e.g. the notification a request hangs off):
        that object must be visible under this view's own policy; the action's own records are
        checked by its service."""
        if getattr(self, "action", None) in self.action_policies:
            return self.policy, "view"
        return self.policy_and_permission()

    def get_permission(self) -> str:
        action = getattr(self, "action", None) or self.request.method.lower()
        if action in self.action_permissions:
            return self.action_permissions[action]
        method = self.request.method.lower()
        if method in self.action_permissions:
            return self.action_permissions[method]
        return "view" if self.request.method in ("GET", "HEAD", "OPTIONS") else "manage"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI generator, with no request
            return self.model.dangerously_unscoped.none()
        return self.tenant_queryset()

    def tenant_queryset(self):
        """This partnership's rows that the caller may see. Override to narrow, never to widen."""
        queryset = self.model.objects.for_partnership(self.ctx.partnership)
        return self.policy.filter(self.ctx, queryset) if self.policy else queryset

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["ctx"] = getattr(self, "ctx", None)
        return context

    def input_serializer_class(self) -> type[serializers.Serializer] | None:
        """For a write, the serializer its action takes; None for a read. DRF asks for it with a
        copy of the request whose method is the write's (OPTIONS, the browsable API's forms)."""
        if self.request.method in SAFE_METHODS:
            return None
        action = getattr(self, "action_map", {}).get(self.request.method.lower()) or getattr(self, "action", None)
        return self.input_serializers.get(action, NoInput)

    def get_serializer_class(self):
        return self.input_serializer_class() or super().get_serializer_class()

    def get_serializer(self, *args, **kwargs):
        input_class = self.input_serializer_class()
        if input_class is None:
            return super().get_serializer(*args, **kwargs)
        # An input serializer is a form to fill in: it never reads a record (the browsable API
        # offers it the one on the page for PUT and PATCH forms).
        kwargs.pop("instance", None)
        kwargs.setdefault("context", self.get_serializer_context())
        return input_class(**kwargs)

    def get_object(self):
        instance = super().get_object()
        if self.action == "retrieve" and self.log_retrieves:
            activity.record_view(self.ctx, instance)
        return instance

    def paginate_queryset(self, queryset):
        """The page, and the list read in the activity log (its filters as the FilterSet cleaned
        them, the rows on the page, the total the paginator counted; a cursor pagination counts
        nothing and numbers no page)."""
        page = super().paginate_queryset(queryset)
        if page is not None and getattr(self, "ctx", None) is not None:
            counted = getattr(self.paginator, "page", None)
            counted = counted if isinstance(counted, Page) else None
            activity.record_list(
                self.request,
                self.model or queryset.model,
                filters=activity.filters_of(getattr(self.request, "lscp_filters", None)),
                shown=len(page),
                total=counted.paginator.count if counted is not None else None,
                page=counted.number if counted is not None else None,
            )
        return page


def sent_on_top(current: dict, request) -> dict:
    """A PATCH: the record's current values with what was sent on top, for the input serializer to
    check as a whole. A body that is not an object is a 400, as a serializer would answer it."""
    given = request.data
    if not isinstance(given, Mapping):
        raise exceptions.ValidationError(
            {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {type(given).__name__}."]}
        )
    return {**current, **(given.dict() if hasattr(given, "dict") else given)}


class TenantViewSet(TenantAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A partnership's records: listed and read with GET; a subclass adds its writes (create,
    partial_update, extra actions), each calling one service. Reading needs "view", writing
    "manage", unless `action_permissions` says otherwise."""

    http_method_names = ["get", "post", "patch", "head", "options"]


class TenantSerializer(serializers.Serializer):
    """Input serializer whose tenant-owned choices are narrowed to the caller's partnership."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ctx = self.context.get("ctx")
        if ctx is not None:
            tenancy.scope_choices(self.fields, ctx.partnership)


class _Generic(Exception):
    """A field's value that the lean path leaves to DRF's own get_attribute (see LeanOutput)."""


class LeanOutput(serializers.Serializer):
    """An output serializer for long lists: the same JSON as DRF's to_representation, field by
    field in the same order, without DRF's per-field, per-row machinery for plain attributes.

    DRF looks each value up through `field.get_attribute` and `fields.get_attribute`, asking of
    every object on the way whether it is a Mapping and whether it is a simple callable, and walks
    the fields through a generator: some 4,000 calls for the API notifications' 50 rows (issue 15).
    Here each field's source path is taken once per serializer (the fields DRF would read, in its
    order) and followed as DRF follows it (a key of a Mapping, else an attribute). Anything else (a
    callable on the way, a missing key or attribute, a field with its own get_attribute such as a
    related field) goes to DRF's own path for that value, so the output is DRF's own."""

    @cached_property
    def _lean_fields(self) -> list[tuple[str, Any, tuple[str, ...] | None]]:
        plain = serializers.Field.get_attribute
        return [
            (field.field_name, field, tuple(field.source_attrs) if type(field).get_attribute is plain else None)
            for field in self._readable_fields
        ]

    def to_representation(self, instance):
        ret = {}
        for name, field, attrs in self._lean_fields:
            try:
                if attrs is None:
                    raise _Generic
                value = instance
                try:
                    for attr in attrs:
                        value = value[attr] if isinstance(value, Mapping) else getattr(value, attr)
                        if callable(value):
                            raise _Generic
                except ObjectDoesNotExist:
                    value = None  # as DRF's get_attribute answers
                except (AttributeError, KeyError):
                    raise _Generic from None
            except _Generic:
                try:
                    value = field.get_attribute(instance)
                except SkipField:
                    continue
                if isinstance(value, PKOnlyObject) and value.pk is None:
                    value = None
            ret[name] = None if value is None else field.to_representation(value)
        return ret


class PartnershipChoice(serializers.PrimaryKeyRelatedField):
    """A record chosen by its id among the request's partnership's rows (`rows(ctx)` when given,
    else every row of `model` there), read through the partnership wall when the input is checked;
    without a request's partnership (the schema generator) there is no choice. Another
    partnership's id, or a row the person may not see, is 'does not exist', as a missing one is."""

    def __init__(self, model, *, rows=None, **kwargs):
        self.model, self.rows = model, rows
        super().__init__(queryset=model.objects.none(), **kwargs)

    def get_queryset(self):
        ctx = self.context.get("ctx")
        if ctx is None:
            return self.model.objects.none()
        return self.rows(ctx) if self.rows else self.model.objects.for_partnership(ctx.partnership)


# ----------------------------------------------------------------------------------------------
# Outside any partnership


class TokenOut(serializers.Serializer):
    """One of your tokens, without its key."""

    name = serializers.CharField()
    prefix = serializers.CharField(source="token_key", help_text="The key's first characters, to tell tokens apart")
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)


class TokenView(APIView):
    """POST username and password (and the name of your client), get a token for `Authorization:
    Token <key>`. The key is shown this once and expires at `expiry`; see lscp/tokens.py."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    class Input(serializers.Serializer):
        username = serializers.CharField()
        password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
        name = serializers.CharField(
            required=False, allow_blank=True, max_length=100, help_text="The client the token is for"
        )
        code = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=40,
            help_text=(
                "A code from your authenticator app, or one of your recovery codes: needed when you have "
                "a second factor or one is required for everyone"
            ),
        )

    class TokenOutput(TokenOut):
        token = serializers.CharField(help_text="The key: shown this once, never again")

    @extend_schema(request=Input, responses={200: TokenOutput}, auth=[])
    def post(self, request):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        # The same rules as the sign-in page: wrong password, deactivated, no active membership,
        # and the same limits (lscp.accounts.limits): a locked account or a throttled address is 429.
        form = SignInForm(request=request, data=data.validated_data)
        if not form.is_valid():
            errors = [str(m) for m in form.non_field_errors()]
            if form.has_error(NON_FIELD_ERRORS, "locked_out") or form.has_error(NON_FIELD_ERRORS, "throttled"):
                raise exceptions.Throttled(wait=form.wait_seconds, detail=errors[0])
            raise exceptions.ValidationError({"non_field_errors": errors})
        person = form.get_user()
        # The second factor, as for a session: a password alone is not enough where one is needed.
        if second_factor.needed_for_token(person):
            code = data.validated_data.get("code", "")
            if not code.strip():
                raise exceptions.ValidationError(
                    {"code": ["Enter a code from your authenticator app, or one of your recovery codes"]}
                )
            try:
                matched = second_factor.match_code(request, person, code)
            except second_factor.Throttled:
                raise exceptions.Throttled(
                    wait=60, detail="Too many wrong codes. Wait a minute, then try again."
                ) from None
            if matched is None:
                raise exceptions.ValidationError({"code": ["The code is not right, or has been used already"]})
        token, key = tokens.personal_token_create(
            person=person, name=data.validated_data.get("name", ""), request=request
        )
        token.token = key  # for this answer only: nothing stores it
        return Response(self.TokenOutput(token).data)


class TokenRevokeView(APIView):
    """Revoke the token this request is sent with (knox's LogoutView). Other tokens, and your
    website session, carry on."""

    authentication_classes = [tokens.TokenAuthentication]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        tokens.revoke([request.auth], reason=tokens.REVOKED_BY_PERSON, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenRevokeAllView(APIView):
    """Revoke all your own tokens, this one included (knox's LogoutAllView)."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        tokens.revoke(tokens.personal_tokens(request.user), reason=tokens.REVOKED_BY_PERSON, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenListView(generics.ListAPIView):
    """Your own live tokens (never their keys), newest first."""

    serializer_class = TokenOut
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return tokens.ApiToken.objects.none()
        return tokens.personal_tokens(self.request.user)


class MembershipSummary(serializers.Serializer):
    partnership = serializers.CharField(source="partnership.name")
    slug = serializers.CharField(source="partnership.slug")
    role = serializers.CharField()
    organisation = serializers.CharField(source="member.organisation.name", default=None, allow_null=True)
    api_url = serializers.SerializerMethodField()

    def get_api_url(self, obj) -> str:
        return f"/api/v1/{obj.partnership.slug}/"


class MeView(APIView):
    """Who you are, and your active memberships (the partnerships you can use)."""

    class Output(serializers.Serializer):
        username = serializers.CharField()
        name = serializers.CharField(source="get_full_name")
        email = serializers.EmailField()
        memberships = serializers.SerializerMethodField()

        def get_memberships(self, person) -> list[dict]:
            memberships = (
                Membership.objects.active_for_person(person)
                .select_related("partnership", "member__organisation")
                .order_by("partnership__name")
            )
            return MembershipSummary(memberships, many=True).data

    @extend_schema(responses=Output)
    def get(self, request):
        return Response(self.Output(request.user).data)
