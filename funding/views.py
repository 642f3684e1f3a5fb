"""Funding pages: the years, a year's summary and its lines, exports, the benchmark table, the
regional comparison and equity planning. Views parse input and call one service or selector."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.views.generic import TemplateView

from funding import planning, selectors, services, sheets
from funding.filters import comparison_filter
from funding.forms import (
    BenchmarkForm,
    BenchmarkUploadForm,
    BudgetSignForm,
    ConfirmForm,
    ContributionAddForm,
    ContributionForm,
    IncomeForm,
    PlanningForm,
    SpendingForm,
    YearAddForm,
)
from funding.models import Benchmark, Contribution, FinancialYear, FundingSector, Income, SpendingLine
from funding.permissions import FundingPolicy
from lscp import pdf, spreadsheets
from lscp.money import format_money
from lscp.web.lists import paginate, sort
from lscp.web.views import PartnershipFormView, PartnershipMixin, PartnershipPage, RecordFormView, RecordMixin
from partners.sign_offs import signer_seat
from partners.signing import Signable

SECTOR_FIELDS = [sector.value for sector in FundingSector]


def year_url(ctx, label: str) -> str:
    return reverse("funding-year", args=[ctx.partnership.slug, label])


# ----------------------------------------------------------------------------------------------
# Years


class FundingHomeView(PartnershipPage):
    """The financial years, newest first, each with its totals."""

    template_name = "funding/home.html"
    policy = FundingPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year_list, sorting = sort(
            self.request, selectors.years_for(self.ctx), columns={"year": "label"}, default="-year"
        )
        page = paginate(self.request, year_list)
        context.update(
            page=page,
            rows=selectors.year_totals(self.ctx, list(page.object_list)),
            sorting=sorting,
            can_manage=FundingPolicy.can(self.ctx, "manage"),
            benchmark_count=selectors.benchmarks_for(self.ctx).count(),
        )
        return context


class YearAddView(PartnershipFormView):
    template_name = "funding/year_add.html"
    form_class = YearAddForm
    policy = FundingPolicy
    permission = "manage"

    def perform(self, form):
        return services.year_add(
            ctx=self.ctx, label=form.cleaned_data["label"], copy_previous=form.cleaned_data["copy_previous"]
        )

    def get_success_message(self):
        return f"Financial year {self.result.display} has been added"

    def get_success_url(self):
        return year_url(self.ctx, self.result.label)


class YearDetailView(RecordMixin, TemplateView):
    template_name = "funding/year_detail.html"
    model = FinancialYear
    policy = FundingPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        summary = selectors.year_summary(self.ctx, self.object)
        context.update(
            summary=summary,
            sector_chart=summary.sector_chart(),
            spending_chart=summary.spending_chart() if summary.spending else None,
            can_manage=FundingPolicy.can(self.ctx, "manage", self.object),
            can_sign=FundingPolicy.can(self.ctx, "sign", self.object),
            budget=services.budget_sign_off(self.object),
        )
        return context


class BudgetSignView(RecordFormView):
    """A safeguarding partner's seat holder signs the year's shared budget for their member."""

    template_name = "funding/budget_sign.html"
    model = FinancialYear
    policy = FundingPolicy
    permission = "sign"
    form_class = BudgetSignForm
    success_message = "You have signed the shared budget"
    http_method_names = ["get", "head", "post", "options"]

    def get_permission(self) -> str:
        # Everyone may read who has signed; signing is asked of the seat (FundingPolicy "sign").
        return "view" if self.request.method in ("GET", "HEAD") else "sign"

    def authorize(self, request, **kwargs) -> None:
        # The object rule (a seat at the policy's level) is asked of the page's own methods;
        # another method is a 405, as on every page.
        if request.method.lower() in ("get", "head", "post"):
            super().authorize(request, **kwargs)
        else:
            PartnershipMixin.authorize(self, request, **kwargs)

    def get_initial(self):
        return {"content_hash": services.budget_hash(self.object)}

    def perform(self, form):
        return services.budget_sign(self.ctx, self.object, expected_hash=form.cleaned_data["content_hash"])

    def get_success_url(self):
        return year_url(self.ctx, self.object.label)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        budget = services.budget_sign_off(self.object)
        seat = signer_seat(self.ctx, Signable.BUDGET)
        context.update(
            budget=budget,
            seat=seat,
            contributions=self.object.contributions.select_related("member__organisation"),
            mine=next((s for m, s in budget["rows"] if seat and s and m.pk == seat.member_id), None),
        )
        return context


class BudgetRequestView(RecordFormView):
    """The business unit asks the partners who sign the budget to sign it (an email each)."""

    template_name = "funding/budget_request.html"
    model = FinancialYear
    policy = FundingPolicy
    permission = "manage"
    form_class = ConfirmForm

    def perform(self, form):
        return services.budget_request_sign_off(ctx=self.ctx, year=self.object)

    def get_success_message(self):
        return f"{self.result} {'person has' if self.result == 1 else 'people have'} been asked to sign the budget"

    def get_success_url(self):
        return year_url(self.ctx, self.object.label)


class YearExportView(RecordMixin, TemplateView):
    """The year as XLSX (a sheet per part), CSV (every line in one table) or a PDF report."""

    model = FinancialYear
    policy = FundingPolicy
    kind = "xlsx"

    def get(self, request, *args, **kwargs):
        summary = selectors.year_summary(self.ctx, self.object)
        name = f"{self.ctx.partnership.slug}-funding-{self.object.label}"
        if self.kind == "csv":
            text = spreadsheets.csv_text(sheets.CSV_HEADERS, sheets.year_rows(summary))
            return spreadsheets.csv_response(text, f"{name}.csv")
        if self.kind == "pdf":
            comparison = selectors.comparison(self.ctx, recorded=self.object)
            data = pdf.render_pdf(
                "funding/report.html",
                {
                    "partnership": self.ctx.partnership,
                    "summary": summary,
                    "sector_chart": summary.sector_chart(),
                    "comparison": comparison,
                    "shares_chart": comparison.shares_chart() if comparison.averages else None,
                },
            )
            return pdf.pdf_response(data, f"{name}.pdf")
        data = sheets.year_workbook(summary, partnership_name=self.ctx.partnership.name)
        return spreadsheets.xlsx_response(data, f"{name}.xlsx")


class PlanningView(RecordMixin, TemplateView):
    """Equity planning from the year's contributions: a GET form, so a plan can be bookmarked.
    It changes nothing."""

    template_name = "funding/planning.html"
    model = FinancialYear
    policy = FundingPolicy
    log_views = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        summary = selectors.year_summary(self.ctx, self.object)
        averages = selectors.comparison(self.ctx).averages
        bound = "years" in self.request.GET
        initial = {"years": 2}
        if averages:
            initial.update(dict(zip(SECTOR_FIELDS, averages.shares, strict=True)))
        form = PlanningForm(self.request.GET if bound else None, initial=initial)
        plan = None
        if bound and form.is_valid():
            data = form.cleaned_data
            try:
                plan = planning.plan(
                    start_label=self.object.label,
                    current=summary.sector_amounts(),
                    targets=[data[name] for name in SECTOR_FIELDS],
                    years=data["years"],
                    new_total=data["new_total"],
                    fields=SECTOR_FIELDS,
                )
            except ValidationError as error:
                form.add_service_errors(error)
        context.update(
            summary=summary, form=form, plan=plan, averages=averages, sector_labels=[s.label for s in FundingSector]
        )
        return context


# ----------------------------------------------------------------------------------------------
# Contributions, income and spending: added to a year, changed and removed on their own


class YearLineAddView(RecordFormView):
    """A form that adds a line to a year (the year is the record in the URL)."""

    model = FinancialYear
    policy = FundingPolicy
    permission = "manage"

    def get_success_url(self):
        return year_url(self.ctx, self.object.label)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["year"] = self.object
        return context


class ContributionAddView(YearLineAddView):
    template_name = "funding/contribution_form.html"
    form_class = ContributionAddForm

    def perform(self, form):
        return services.contribution_add(ctx=self.ctx, year=self.object, **form.cleaned_data)

    def get_success_message(self):
        return (
            f"{self.result.member.organisation}'s contribution of {format_money(self.result.agreed)} has been recorded"
        )


class LineChangeView(RecordFormView):
    policy = FundingPolicy
    permission = "manage"
    fields: list[str] = []

    def get_queryset(self):
        return super().get_queryset().select_related("year")

    def get_initial(self):
        return {name: getattr(self.object, name) for name in self.fields}

    def get_success_url(self):
        return year_url(self.ctx, self.object.year.label)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["year"] = self.object.year
        return context


class ContributionChangeView(LineChangeView):
    template_name = "funding/contribution_form.html"
    model = Contribution
    form_class = ContributionForm
    fields = services.CONTRIBUTION_FIELDS

    def get_queryset(self):
        return super().get_queryset().select_related("member__organisation")

    def perform(self, form):
        return services.contribution_update(ctx=self.ctx, contribution=self.object, **form.cleaned_data)

    def get_success_message(self):
        return f"{self.object.member.organisation}'s contribution has been changed"


class ContributionRemoveView(LineChangeView):
    template_name = "funding/line_remove.html"
    model = Contribution
    form_class = ConfirmForm

    def get_queryset(self):
        return super().get_queryset().select_related("member__organisation")

    def perform(self, form):
        return services.contribution_remove(ctx=self.ctx, contribution=self.object)

    def get_success_message(self):
        return f"{self.object.member.organisation}'s contribution for {self.object.year.display} has been removed"


class IncomeAddView(YearLineAddView):
    template_name = "funding/income_form.html"
    form_class = IncomeForm

    def perform(self, form):
        return services.income_add(ctx=self.ctx, year=self.object, **form.cleaned_data)

    def get_success_message(self):
        return f"Income of {format_money(self.result.amount)} has been recorded"


class IncomeChangeView(LineChangeView):
    template_name = "funding/income_form.html"
    model = Income
    form_class = IncomeForm
    fields = services.INCOME_FIELDS

    def perform(self, form):
        return services.income_update(ctx=self.ctx, income=self.object, **form.cleaned_data)

    def get_success_message(self):
        return "The income has been changed"


class IncomeRemoveView(LineChangeView):
    template_name = "funding/line_remove.html"
    model = Income
    form_class = ConfirmForm

    def perform(self, form):
        return services.income_remove(ctx=self.ctx, income=self.object)

    def get_success_message(self):
        return f"{self.object.description or self.object.get_kind_display()} has been removed"


class SpendingAddView(YearLineAddView):
    template_name = "funding/spending_form.html"
    form_class = SpendingForm

    def perform(self, form):
        return services.spending_add(ctx=self.ctx, year=self.object, **form.cleaned_data)

    def get_success_message(self):
        return f"The spending line {self.result.name} has been added"


class SpendingChangeView(LineChangeView):
    template_name = "funding/spending_form.html"
    model = SpendingLine
    form_class = SpendingForm
    fields = services.SPENDING_FIELDS

    def perform(self, form):
        return services.spending_update(ctx=self.ctx, line=self.object, **form.cleaned_data)

    def get_success_message(self):
        return f"The spending line {self.object.name} has been changed"


class SpendingRemoveView(LineChangeView):
    template_name = "funding/line_remove.html"
    model = SpendingLine
    form_class = ConfirmForm

    def perform(self, form):
        return services.spending_remove(ctx=self.ctx, line=self.object)

    def get_success_message(self):
        return f"The spending line {self.object.name} has been removed"


# ----------------------------------------------------------------------------------------------
# Benchmarks and the comparison


BENCHMARK_SORTS = {
    "name": "name",
    "year": "year",
    "council": "council",
    "health": "health",
    "police": "police",
    "other": "other",
    "training": "training_income",
    "other_income": "other_income",
    "population": "population",
    "budget": "budget",
}


class BenchmarkListView(PartnershipPage):
    template_name = "funding/benchmark_list.html"
    policy = FundingPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows, sorting = sort(self.request, selectors.benchmarks_for(self.ctx), columns=BENCHMARK_SORTS, default="name")
        context.update(
            page=paginate(self.request, rows), sorting=sorting, can_manage=FundingPolicy.can(self.ctx, "manage")
        )
        return context


class BenchmarkExportView(PartnershipPage):
    """The benchmark table in the columns the upload reads (so it is also the template)."""

    policy = FundingPolicy

    def get(self, request, *args, **kwargs):
        rows = list(selectors.benchmarks_for(self.ctx).order_by("-year", "name", "pk"))
        data = spreadsheets.xlsx_bytes([sheets.benchmark_sheet(rows)])
        return spreadsheets.xlsx_response(data, f"{self.ctx.partnership.slug}-funding-benchmarks.xlsx")


class BenchmarkAddView(PartnershipFormView):
    template_name = "funding/benchmark_form.html"
    form_class = BenchmarkForm
    policy = FundingPolicy
    permission = "manage"

    def perform(self, form):
        return services.benchmark_add(ctx=self.ctx, **form.cleaned_data)

    def get_success_message(self):
        return f"{self.result.name} {self.result.year_display} has been added to the benchmarks"

    def get_success_url(self):
        return reverse("funding-benchmarks", args=[self.ctx.partnership.slug])


class BenchmarkChangeView(RecordFormView):
    template_name = "funding/benchmark_form.html"
    model = Benchmark
    form_class = BenchmarkForm
    policy = FundingPolicy
    permission = "manage"

    def get_initial(self):
        initial = {name: getattr(self.object, name) for name in services.BENCHMARK_FIELDS}
        initial["year"] = self.object.year_display
        return initial

    def perform(self, form):
        return services.benchmark_update(ctx=self.ctx, benchmark=self.object, **form.cleaned_data)

    def get_success_message(self):
        return f"{self.object.name} {self.object.year_display} has been changed"

    def get_success_url(self):
        return reverse("funding-benchmarks", args=[self.ctx.partnership.slug])


class BenchmarkRemoveView(RecordFormView):
    template_name = "funding/benchmark_remove.html"
    model = Benchmark
    form_class = ConfirmForm
    policy = FundingPolicy
    permission = "manage"

    def perform(self, form):
        return services.benchmark_remove(ctx=self.ctx, benchmark=self.object)

    def get_success_message(self):
        return f"{self.object.name} {self.object.year_display} has been removed from the benchmarks"

    def get_success_url(self):
        return reverse("funding-benchmarks", args=[self.ctx.partnership.slug])


class BenchmarkUploadView(PartnershipFormView):
    template_name = "funding/benchmark_upload.html"
    form_class = BenchmarkUploadForm
    policy = FundingPolicy
    permission = "manage"

    def perform(self, form):
        rows = sheets.read_benchmarks(form.cleaned_data["file"])
        return services.benchmarks_load(ctx=self.ctx, rows=rows)

    def get_success_message(self):
        added, updated = self.result
        return f"The spreadsheet has been loaded: {added} added, {updated} changed"

    def get_success_url(self):
        return reverse("funding-benchmarks", args=[self.ctx.partnership.slug])


class ComparisonView(PartnershipPage):
    template_name = "funding/comparison.html"
    policy = FundingPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters, arguments = comparison_filter(self.ctx, self.request.GET)
        result = selectors.comparison(self.ctx, **arguments)
        context.update(
            filters=filters,
            comparison=result,
            shares_chart=result.shares_chart() if result.shown else None,
            totals_chart=result.totals_chart() if result.shown else None,
            per_head_chart=result.per_head_chart() if result.shown else None,
        )
        return context
