"""Funding API: financial years (with their contributions, income, spending and computed summary)
and the benchmark table, through the same services, selectors and policy as the pages.

Money is always a string with two decimal places ("1234.56"), never a JSON number, and per cents
are strings with one ("68.3"), rounded so that each set of shares adds up to "100.0".
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from funding import selectors, services
from funding.filters import comparison_filter
from funding.models import (
    AuthorityType,
    Benchmark,
    Contribution,
    FinancialYear,
    Income,
    IncomeKind,
    SpendingKind,
    SpendingLine,
)
from funding.permissions import FundingPolicy
from lscp.api import TenantAPIMixin, TenantSerializer, TenantViewSet, sent_on_top
from partners.api import PartnerSignOffStateOut, SignatureOut, sign_off_state
from partners.models import Organisation

YEAR_PARAMETER = OpenApiParameter("year", str, OpenApiParameter.PATH, description='A financial year, like "2020-21"')


def Money(**kwargs):
    return serializers.DecimalField(max_digits=14, decimal_places=2, rounding=ROUND_HALF_UP, **kwargs)


def Percent(**kwargs):
    return serializers.DecimalField(max_digits=5, decimal_places=1, rounding=ROUND_HALF_UP, **kwargs)


def MoneyIn(**kwargs):
    return serializers.DecimalField(max_digits=12, decimal_places=2, **kwargs)


# ----------------------------------------------------------------------------------------------
# Output


class OrganisationRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ContributionOut(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.CharField(source="year.label")
    organisation = OrganisationRef(source="member.organisation")
    member = serializers.IntegerField(source="member_id")
    agreed = Money()
    invoiced_on = serializers.DateField(allow_null=True)
    invoiced = Money(allow_null=True)
    received_on = serializers.DateField(allow_null=True)
    received = Money(allow_null=True)
    outstanding = Money(allow_null=True)
    notes = serializers.CharField(allow_blank=True)


class ContributionRowOut(serializers.Serializer):
    id = serializers.IntegerField(source="contribution.pk")
    organisation = OrganisationRef(source="contribution.member.organisation")
    sector = serializers.CharField()
    agreed = Money()
    share = Percent(help_text="Per cent of the year's contributions, rounded so that they add up to 100.0")
    invoiced_on = serializers.DateField(source="contribution.invoiced_on", allow_null=True)
    invoiced = Money(source="contribution.invoiced", allow_null=True)
    received_on = serializers.DateField(source="contribution.received_on", allow_null=True)
    received = Money(source="contribution.received", allow_null=True)
    outstanding = Money(allow_null=True)
    previous_year = Money(source="previous", allow_null=True)
    notes = serializers.CharField(source="contribution.notes", allow_blank=True)


class IncomeOut(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.CharField(source="year.label")
    kind = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    amount = Money()
    received_on = serializers.DateField(allow_null=True)
    notes = serializers.CharField(allow_blank=True)


class IncomeRowOut(IncomeOut):
    year = None


class SpendingOut(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.CharField(source="year.label")
    kind = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    budget = Money()
    actual = Money()
    left = Money(source="variance")
    notes = serializers.CharField(allow_blank=True)


class SpendingRowOut(serializers.Serializer):
    id = serializers.IntegerField(source="line.pk")
    kind = serializers.CharField(source="line.kind")
    description = serializers.CharField(source="line.description", allow_blank=True)
    budget = Money()
    actual = Money()
    left = Money(source="variance")
    notes = serializers.CharField(source="line.notes", allow_blank=True)


class SectorOut(serializers.Serializer):
    sector = serializers.CharField()
    label = serializers.CharField()
    amount = Money()
    share = Percent()


class ChangeOut(serializers.Serializer):
    what = serializers.CharField()
    previous = Money()
    current = Money()
    difference = Money()
    percent = Percent(allow_null=True)


class SummaryOut(serializers.Serializer):
    total_income = Money()
    contributions_agreed = Money(source="agreed")
    invoiced = Money()
    received = Money()
    outstanding = Money()
    agreed_not_invoiced = Money(source="not_invoiced")
    other_income = Money()
    training_income = Money()
    budget = Money()
    actual_spending = Money(source="actual")
    budget_left = Money(source="variance")
    income_not_budgeted = Money(source="unbudgeted")
    contingency_budget = Money()
    contingency_spent = Money()
    contingency_left = Money()
    budget_per_head = Money(allow_null=True)
    by_sector = SectorOut(many=True)
    previous_year = serializers.CharField(source="previous_label", allow_null=True)
    changes = ChangeOut(many=True)


class YearOut(serializers.Serializer):
    label = serializers.CharField(source="year.label")
    first_day = serializers.DateField(source="year.first_day")
    last_day = serializers.DateField(source="year.last_day")
    contributions = ContributionRowOut(many=True)
    income = IncomeRowOut(many=True)
    spending = SpendingRowOut(many=True)
    summary = serializers.SerializerMethodField()

    def get_summary(self, summary) -> SummaryOut:
        return SummaryOut(summary).data


class YearListOut(serializers.Serializer):
    label = serializers.CharField(source="year.label")
    contributions_agreed = Money(source="agreed")
    received = Money()
    outstanding = Money()
    other_income = Money()
    total_income = Money()
    budget = Money()
    actual_spending = Money(source="actual")


# ----------------------------------------------------------------------------------------------
# Input


class YearIn(serializers.Serializer):
    label = serializers.CharField(max_length=20, help_text='"2020-21" or "2020/21"')
    copy_previous = serializers.BooleanField(default=False)


class ContributionIn(TenantSerializer):
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), allow_null=True, help_text="The id of a member organisation"
    )
    agreed = MoneyIn(allow_null=True)
    invoiced_on = serializers.DateField(required=False, allow_null=True, default=None)
    invoiced = MoneyIn(required=False, allow_null=True, default=None)
    received_on = serializers.DateField(required=False, allow_null=True, default=None)
    received = MoneyIn(required=False, allow_null=True, default=None)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class ContributionUpdateIn(ContributionIn):
    organisation = None


class IncomeIn(TenantSerializer):
    kind = serializers.ChoiceField(choices=IncomeKind.choices)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    amount = MoneyIn(allow_null=True)
    received_on = serializers.DateField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class SpendingIn(TenantSerializer):
    kind = serializers.ChoiceField(choices=SpendingKind.choices)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    budget = MoneyIn(allow_null=True)
    actual = MoneyIn(required=False, allow_null=True, default=None)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


def _merged(instance, fields: list[str], request) -> dict:
    """PATCH: the record's current values with what was sent on top."""
    return sent_on_top({name: getattr(instance, name) for name in fields}, request)


# ----------------------------------------------------------------------------------------------
# Years


class BudgetSignIn(serializers.Serializer):
    content_hash = serializers.CharField(
        required=False,
        help_text="The budget's content_hash you read; if the contributions changed since, refused (409)",
    )


@extend_schema_view(
    list=extend_schema(responses=YearListOut(many=True)),
    retrieve=extend_schema(parameters=[YEAR_PARAMETER], responses=YearOut),
    create=extend_schema(request=YearIn, responses={201: YearOut}),
    add_contribution=extend_schema(
        parameters=[YEAR_PARAMETER], request=ContributionIn, responses={201: ContributionOut}
    ),
    add_income=extend_schema(parameters=[YEAR_PARAMETER], request=IncomeIn, responses={201: IncomeOut}),
    add_spending=extend_schema(parameters=[YEAR_PARAMETER], request=SpendingIn, responses={201: SpendingOut}),
)
class FinancialYearViewSet(TenantViewSet):
    """Financial years, newest first. A year (`/funding/years/2020-21/`) has its contributions,
    other income, spending lines and the computed summary; add lines by POSTing to its
    `contributions/`, `income/` and `spending/`."""

    model = FinancialYear
    policy = FundingPolicy
    action_permissions = {
        "list": "view",
        "retrieve": "view",
        "create": "manage",
        "add_contribution": "manage",
        "add_income": "manage",
        "add_spending": "manage",
        "budget_sign_offs": "view",
        "sign_budget": "sign",
        "request_budget_sign_off": "manage",
    }
    input_serializers = {
        "create": YearIn,
        "add_contribution": ContributionIn,
        "add_income": IncomeIn,
        "add_spending": SpendingIn,
        "sign_budget": BudgetSignIn,
    }
    lookup_value_regex = "[0-9]{4}-[0-9]{2}"
    serializer_class = YearListOut
    http_method_names = ["get", "post", "head", "options"]

    def tenant_queryset(self):
        return super().tenant_queryset().order_by("-label")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(YearListOut(selectors.year_totals(self.ctx, page), many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(YearOut(selectors.year_summary(self.ctx, self.get_object())).data)

    def create(self, request, *args, **kwargs):
        data = YearIn(data=request.data)
        data.is_valid(raise_exception=True)
        year = services.year_add(ctx=self.ctx, **data.validated_data)
        return Response(YearOut(selectors.year_summary(self.ctx, year)).data, status=status.HTTP_201_CREATED)

    def _add(self, request, serializer_class, service, output):
        year = self.get_object()
        data = serializer_class(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        created = service(ctx=self.ctx, year=year, **data.validated_data)
        return Response(output(created).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], url_path="contributions")
    def add_contribution(self, request, *args, **kwargs):
        return self._add(request, ContributionIn, services.contribution_add, ContributionOut)

    @action(detail=True, methods=["post"], url_path="income")
    def add_income(self, request, *args, **kwargs):
        return self._add(request, IncomeIn, services.income_add, IncomeOut)

    @action(detail=True, methods=["post"], url_path="spending")
    def add_spending(self, request, *args, **kwargs):
        return self._add(request, SpendingIn, services.spending_add, SpendingOut)

    @extend_schema(responses=PartnerSignOffStateOut)
    @action(detail=True, methods=["get"], url_path="budget-sign-offs")
    def budget_sign_offs(self, request, *args, **kwargs):
        """Who has signed the year's shared budget (each partner's agreed contribution), who is still
        to, the content_hash signed, and the withdrawn signatures."""
        return Response(sign_off_state(services.budget_sign_off(self.get_object())))

    @extend_schema(request=BudgetSignIn, responses={201: SignatureOut})
    @budget_sign_offs.mapping.post
    def sign_budget(self, request, *args, **kwargs):
        """Sign the year's budget for your member, in your seat at the partnership's signing level."""
        year = self.get_object()
        data = BudgetSignIn(data=request.data)
        data.is_valid(raise_exception=True)
        signature = services.budget_sign(self.ctx, year, expected_hash=data.validated_data.get("content_hash"))
        return Response(SignatureOut(signature).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=dict)
    @action(detail=True, methods=["post"], url_path="budget-sign-off-request")
    def request_budget_sign_off(self, request, *args, **kwargs):
        """Email those who sign the budget to sign it."""
        asked = services.budget_request_sign_off(ctx=self.ctx, year=self.get_object())
        return Response({"asked": asked})


class LineViewSet(TenantAPIMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """One line of a year: read, change (PATCH) or remove (DELETE)."""

    policy = FundingPolicy
    action_permissions = {"retrieve": "view", "partial_update": "manage", "destroy": "manage"}
    lookup_value_regex = "[0-9]+"
    http_method_names = ["get", "patch", "delete", "head", "options"]
    fields: list[str] = []
    update_service = None
    remove_service = None
    keyword = ""

    def tenant_queryset(self):
        return super().tenant_queryset().select_related("year")

    def partial_update(self, request, *args, **kwargs):
        instance = self.get_object()
        input_class = self.input_serializers["partial_update"]
        data = input_class(data=_merged(instance, self.fields, request), context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        changed = type(self).update_service(ctx=self.ctx, **{self.keyword: instance}, **data.validated_data)
        return Response(self.serializer_class(changed).data)

    def destroy(self, request, *args, **kwargs):
        type(self).remove_service(ctx=self.ctx, **{self.keyword: self.get_object()})
        return Response(status=status.HTTP_204_NO_CONTENT)


def _line_schema(input_class, output_class):
    return extend_schema_view(
        partial_update=extend_schema(request=input_class, responses=output_class),
        destroy=extend_schema(responses={204: None}),
    )


@_line_schema(ContributionUpdateIn, ContributionOut)
class ContributionViewSet(LineViewSet):
    """A member organisation's contribution in a year (its organisation is fixed: remove it and
    add another to change it)."""

    model = Contribution
    serializer_class = ContributionOut
    fields = services.CONTRIBUTION_FIELDS
    input_serializers = {"partial_update": ContributionUpdateIn}
    update_service = staticmethod(services.contribution_update)
    remove_service = staticmethod(services.contribution_remove)
    keyword = "contribution"

    def tenant_queryset(self):
        return super().tenant_queryset().select_related("member__organisation")


@_line_schema(IncomeIn, IncomeOut)
class IncomeViewSet(LineViewSet):
    """Income other than contributions."""

    model = Income
    serializer_class = IncomeOut
    fields = services.INCOME_FIELDS
    input_serializers = {"partial_update": IncomeIn}
    update_service = staticmethod(services.income_update)
    remove_service = staticmethod(services.income_remove)
    keyword = "income"


@_line_schema(SpendingIn, SpendingOut)
class SpendingViewSet(LineViewSet):
    """A spending line: its budget and actual spending."""

    model = SpendingLine
    serializer_class = SpendingOut
    fields = services.SPENDING_FIELDS
    input_serializers = {"partial_update": SpendingIn}
    update_service = staticmethod(services.spending_update)
    remove_service = staticmethod(services.spending_remove)
    keyword = "line"


# ----------------------------------------------------------------------------------------------
# Benchmarks and the comparison


class BenchmarkOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    year = serializers.CharField()
    authority_type = serializers.CharField(allow_blank=True)
    council = Money()
    health = Money()
    police = Money()
    other = Money()
    training_income = Money(allow_null=True)
    other_income = Money(allow_null=True)
    population = serializers.IntegerField(allow_null=True)
    budget = Money(allow_null=True)
    is_this_partnership = serializers.BooleanField()
    notes = serializers.CharField(allow_blank=True)


class BenchmarkIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    year = serializers.CharField(max_length=20, help_text='"2016-17" or "2016/17"')
    authority_type = serializers.ChoiceField(
        choices=AuthorityType.choices, required=False, allow_blank=True, default=""
    )
    council = MoneyIn(allow_null=True)
    health = MoneyIn(allow_null=True)
    police = MoneyIn(allow_null=True)
    other = MoneyIn(allow_null=True)
    training_income = MoneyIn(required=False, allow_null=True, default=None)
    other_income = MoneyIn(required=False, allow_null=True, default=None)
    population = serializers.IntegerField(required=False, allow_null=True, default=None)
    budget = MoneyIn(required=False, allow_null=True, default=None)
    is_this_partnership = serializers.BooleanField(required=False, default=False)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class ComparisonRowOut(serializers.Serializer):
    name = serializers.CharField()
    year = serializers.CharField()
    is_this_partnership = serializers.BooleanField()
    is_recorded_year = serializers.BooleanField()
    council = Money()
    health = Money()
    police = Money()
    other = Money()
    shares = serializers.ListField(
        child=Percent(), help_text="Local authority, health, police, other agencies: adding up to 100.0"
    )
    contributions = Money()
    training_income = Money(allow_null=True)
    other_income = Money(allow_null=True)
    total_income = Money()
    population = serializers.IntegerField(allow_null=True)
    budget = Money(allow_null=True)
    budget_per_head = Money(source="per_head", allow_null=True)


class AveragesOut(serializers.Serializer):
    count = serializers.IntegerField()
    method = serializers.SerializerMethodField()
    council = Money()
    health = Money()
    police = Money()
    other = Money()
    contributions = Money()
    shares = serializers.ListField(child=Percent(), help_text="Each sector's share of the average amounts")
    mean_of_shares = serializers.ListField(
        child=Percent(), help_text="The other method (the mean of each partnership's shares), for reference only"
    )
    training_income = Money()
    other_income = Money()
    total_income = Money()
    budget_per_head = Money(source="per_head", allow_null=True)

    def get_method(self, averages) -> str:
        return (
            "Average amounts over the partnerships compared (a blank income counts as 0); average shares are each "
            "sector's share of the average amounts; per head is the average budget over the average population."
        )


class ComparisonOut(serializers.Serializer):
    year = serializers.CharField(allow_null=True)
    years = serializers.ListField(child=serializers.CharField())
    group = serializers.CharField(allow_blank=True)
    rows = ComparisonRowOut(many=True)
    recorded = ComparisonRowOut(allow_null=True)
    averages = AveragesOut(allow_null=True)


@extend_schema_view(
    create=extend_schema(request=BenchmarkIn, responses={201: BenchmarkOut}),
    partial_update=extend_schema(request=BenchmarkIn, responses=BenchmarkOut),
    destroy=extend_schema(responses={204: None}),
    comparison=extend_schema(
        parameters=[
            OpenApiParameter("year", str, description="Benchmark year (default: the latest)"),
            OpenApiParameter("group", str, enum=["unitary", "county"], description="Only unitary or county areas"),
            OpenApiParameter("recorded", str, description="One of our recorded years to show beside them"),
        ],
        responses=ComparisonOut,
    ),
)
class BenchmarkViewSet(
    TenantAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The benchmark table: other partnerships' funding this partnership compares itself with.
    `comparison/` places this partnership among them, with the averages."""

    model = Benchmark
    policy = FundingPolicy
    action_permissions = {
        "list": "view",
        "retrieve": "view",
        "comparison": "view",
        "create": "manage",
        "partial_update": "manage",
        "destroy": "manage",
    }
    input_serializers = {"create": BenchmarkIn, "partial_update": BenchmarkIn}
    lookup_value_regex = "[0-9]+"
    serializer_class = BenchmarkOut
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def tenant_queryset(self):
        return super().tenant_queryset().order_by("-year", "name", "pk")

    def create(self, request, *args, **kwargs):
        data = BenchmarkIn(data=request.data)
        data.is_valid(raise_exception=True)
        benchmark = services.benchmark_add(ctx=self.ctx, **data.validated_data)
        return Response(BenchmarkOut(benchmark).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        benchmark = self.get_object()
        data = BenchmarkIn(data=_merged(benchmark, services.BENCHMARK_FIELDS, request))
        data.is_valid(raise_exception=True)
        benchmark = services.benchmark_update(ctx=self.ctx, benchmark=benchmark, **data.validated_data)
        return Response(BenchmarkOut(benchmark).data)

    def destroy(self, request, *args, **kwargs):
        services.benchmark_remove(ctx=self.ctx, benchmark=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=False, methods=["get"])
    def comparison(self, request, *args, **kwargs):
        filters, arguments = comparison_filter(self.ctx, request.query_params)
        if filters.errors:
            raise serializers.ValidationError(filters.errors)
        return Response(ComparisonOut(selectors.comparison(self.ctx, **arguments)).data)
