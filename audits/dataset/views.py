"""Pages of the multi-agency dataset: the indicators with their latest value and trend, an
indicator's quarters (chart and table), entering or correcting a quarter's value, and loading
values from a spreadsheet. Everyone in the partnership reads it; the business unit changes it."""

from __future__ import annotations

from django.urls import reverse
from django.views.generic import TemplateView

from audits.dataset import selectors, services, sheets
from audits.dataset.filters import IndicatorFilter
from audits.dataset.forms import DatasetUploadForm, IndicatorForm, ValueForm
from audits.dataset.models import Indicator, IndicatorValue
from audits.dataset.permissions import DatasetPolicy
from audits.pages import BackLink, filter_errors
from audits.programme.models import Priority
from audits.quarters import parse_quarter, quarter_label, quarters_to, started_quarters
from lscp import spreadsheets
from lscp.web.lists import paginate, sort
from lscp.web.views import PartnershipFormView, PartnershipPage, RecordFormView, RecordMixin


def indicator_url(ctx, indicator) -> str:
    return reverse("indicator-detail", args=[ctx.partnership.slug, indicator.pk])


class DatasetView(PartnershipPage):
    """The indicators, each with its latest value and the change since the value before."""

    template_name = "audits/dataset.html"
    policy = DatasetPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.setdefault("active", "yes")  # the page shows the indicators in use unless asked
        filters = IndicatorFilter(params, queryset=selectors.indicators(self.ctx), request=self.request)
        errors = filter_errors(filters)
        indicators, sorting = sort(
            self.request,
            filters.qs if not errors else filters.queryset.none(),
            columns={
                "name": "name",
                "priority": ["priority__name", "name"],
                "organisation": ["reporting_member__organisation__name", "name"],
                "unit": ["unit", "name"],
            },
            default="priority",
        )
        page = paginate(self.request, indicators)
        context.update(
            page=page,
            rows=selectors.trends(self.ctx, list(page.object_list)),
            sorting=sorting,
            priorities=list(Priority.objects.for_partnership(self.ctx.partnership)),
            filters={"priority": params.get("priority", ""), "active": params["active"]},
            filter_errors=errors,
            can_manage=DatasetPolicy.can(self.ctx, "manage"),
        )
        return context


class IndicatorAddView(BackLink, PartnershipFormView):
    back_to = "dataset"
    template_name = "audits/form.html"
    form_class = IndicatorForm
    policy = DatasetPolicy
    permission = "manage"
    extra_context = {"heading": "Add an indicator"}

    def perform(self, form):
        return services.indicator_save(self.ctx, **form.values())

    def get_success_message(self):
        return f"{self.result.name} has been added to the dataset"

    def get_success_url(self):
        return indicator_url(self.ctx, self.result)


class IndicatorDetailView(RecordMixin, TemplateView):
    """An indicator's quarters as a chart beside the table of its values, 8 quarters at a time."""

    template_name = "audits/indicator.html"
    model = Indicator
    policy = DatasetPolicy

    def get_queryset(self):
        return super().get_queryset().select_related("priority", "reporting_member__organisation")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        series = selectors.series(self.ctx, self.object, last=parse_quarter(self.request.GET.get("to", "")))
        context.update(
            series=series,
            points=list(reversed(series.points)),
            earlier=f"{series.earlier[0]}-{series.earlier[1]}" if series.earlier else "",
            later=f"{series.later[0]}-{series.later[1]}" if series.later else "",
            trend=selectors.trends(self.ctx, [self.object])[0],
            can_manage=DatasetPolicy.can(self.ctx, "manage", self.object),
        )
        return context


class IndicatorEditView(RecordFormView):
    template_name = "audits/indicator_form.html"
    model = Indicator
    form_class = IndicatorForm
    policy = DatasetPolicy
    permission = "manage"
    success_message = "The indicator has been saved"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "editing": True}

    def get_initial(self):
        return {name: getattr(self.object, name) for name in services.INDICATOR_FIELDS} | {
            "version": self.object.version
        }

    def perform(self, form):
        return services.indicator_save(self.ctx, self.object, version=form.cleaned_data["version"], **form.values())

    def get_success_url(self):
        return indicator_url(self.ctx, self.object)


class ValueFormView(RecordFormView):
    """Entering or correcting one quarter's value; the confirmation names the value in its unit."""

    template_name = "audits/value_form.html"
    form_class = ValueForm
    policy = DatasetPolicy
    permission = "manage"

    def indicator(self) -> Indicator:
        raise NotImplementedError

    def perform(self, form):
        return services.indicator_value_set(self.ctx, self.indicator(), **form.values())

    def get_success_message(self):
        row, indicator = self.result, self.indicator()
        text = selectors.value_text(row.value, indicator.unit)
        return f"{quarter_label(row.year_start, row.quarter)}: {text} recorded for {indicator.name}"

    def get_success_url(self):
        return indicator_url(self.ctx, self.indicator()) + f"?to={self.result.year_start}-{self.result.quarter}"


class ValueAddView(ValueFormView):
    """Enter a quarter's value (or correct it: a quarter that has a value is changed)."""

    model = Indicator

    def indicator(self) -> Indicator:
        return self.object

    def wanted(self):
        """The quarter asked for (the indicator page's "Enter" link, or the choice posted), if
        it exists and has started."""
        wanted = parse_quarter(self.request.POST.get("quarter") or self.request.GET.get("quarter", ""))
        return wanted if wanted is not None and wanted <= started_quarters(1)[0] else None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "indicator": self.object, "earlier": self.wanted()}

    def get_initial(self):
        quarter = self.wanted() or selectors.default_last_quarter(None)
        return {"quarter": f"{quarter[0]}-{quarter[1]}"}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(indicator=self.object, heading=f"Enter a value: {self.object.name}")
        return context


class ValueChangeView(ValueFormView):
    """Correct one quarter's value."""

    model = IndicatorValue

    def indicator(self) -> Indicator:
        return self.object.indicator

    def get_queryset(self):
        return super().get_queryset().select_related("indicator")

    def get_form_kwargs(self):
        quarter = (self.object.year_start, self.object.quarter)
        return {**super().get_form_kwargs(), "indicator": self.object.indicator, "quarter": quarter}

    def get_initial(self):
        return {"value": selectors.number_text(self.object.value).replace(",", ""), "note": self.object.note}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        label = quarter_label(self.object.year_start, self.object.quarter)
        context.update(indicator=self.object.indicator, heading=f"Correct {label}: {self.object.indicator.name}")
        return context


class DatasetUploadView(PartnershipFormView):
    template_name = "audits/dataset_upload.html"
    form_class = DatasetUploadForm
    policy = DatasetPolicy
    permission = "manage"

    def perform(self, form):
        return services.indicator_values_import(self.ctx, upload=form.cleaned_data["file"])

    def get_success_message(self):
        result = self.result
        parts = [f"{result.added} new", f"{result.changed} corrected", f"{result.unchanged} unchanged"]
        if result.skipped:
            parts.append(f"{result.skipped} without a value skipped")
        return f"The spreadsheet has been loaded: {result.rows} row{'' if result.rows == 1 else 's'}, " + ", ".join(
            parts
        )

    def get_success_url(self):
        return reverse("dataset", args=[self.ctx.partnership.slug])


class DatasetSpreadsheetView(PartnershipPage):
    """The dataset's last four complete quarters in the columns the upload reads, with a row for
    every indicator in use in each (blank where no value is recorded yet): the template to fill
    in and upload. A second sheet lists the indicators."""

    policy = DatasetPolicy

    def get(self, request, *args, **kwargs):
        last = selectors.default_last_quarter(None)
        quarters = quarters_to(last, 4)
        indicators = list(selectors.indicators(self.ctx).filter(is_active=True).order_by("priority__name", "name"))
        values = selectors.values_by_quarter(self.ctx, indicators, since=quarters[0][0])
        return spreadsheets.xlsx_response(
            spreadsheets.xlsx_bytes(sheets.template_sheets(indicators, values, quarters)),
            f"{self.ctx.partnership.slug}-dataset-{quarters[-1][0]}-Q{last[1]}.xlsx",
        )
