"""Pages of the multi-agency dataset: the indicators with their latest value and trend, an
indicator's quarters (chart and table), entering or correcting a quarter's value, and loading
values from a spreadsheet. Everyone in the partnership reads it; the business unit changes it."""

from __future__ import annotations

from django.urls import reverse
from django.views.generic import TemplateView

from audits import dataset, services
from audits.models import Indicator, IndicatorValue, Priority, Unit, quarter_label
from audits.permissions import DatasetPolicy
from audits.scrutiny_forms import DatasetUploadForm, IndicatorForm, ValueForm
from audits.views import BackLink
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
        params = self.request.GET
        priorities = list(Priority.objects.for_partnership(self.ctx.partnership))
        priority = params.get("priority", "")
        if priority not in {"none", *(str(p.pk) for p in priorities)}:
            priority = ""
        active = params.get("active", "yes") if params.get("active", "yes") in ("yes", "no", "all") else "yes"
        indicators, sorting = sort(
            self.request,
            dataset.indicators_for(self.ctx, priority=priority, active=active),
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
            rows=dataset.trends(self.ctx, list(page.object_list)),
            sorting=sorting,
            priorities=priorities,
            filters={"priority": priority, "active": active},
            can_manage=DatasetPolicy.can(self.ctx, "manage"),
        )
        return context


class IndicatorAddView(BackLink, PartnershipFormView):
    back_to = "dataset"
    template_name = "audits/form.html"
    form_class = IndicatorForm
    policy = DatasetPolicy
    action = "manage"
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
        series = dataset.series(self.ctx, self.object, last=dataset.parse_quarter(self.request.GET.get("to", "")))
        context.update(
            series=series,
            points=list(reversed(series.points)),
            earlier=f"{series.earlier[0]}-{series.earlier[1]}" if series.earlier else "",
            later=f"{series.later[0]}-{series.later[1]}" if series.later else "",
            trend=dataset.trends(self.ctx, [self.object])[0],
            can_manage=DatasetPolicy.can(self.ctx, "manage", self.object),
        )
        return context


class IndicatorEditView(RecordFormView):
    template_name = "audits/indicator_form.html"
    model = Indicator
    form_class = IndicatorForm
    policy = DatasetPolicy
    action = "manage"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "editing": True}

    def get_initial(self):
        return {name: getattr(self.object, name) for name in services.INDICATOR_FIELDS} | {
            "version": self.object.version
        }

    def perform(self, form):
        return services.indicator_save(
            self.ctx, self.object, expected_version=form.cleaned_data["version"], **form.values()
        )

    def get_success_message(self):
        return "The indicator has been saved"

    def get_success_url(self):
        return indicator_url(self.ctx, self.object)


class ValueAddView(RecordFormView):
    """Enter a quarter's value (or correct it: a quarter that has a value is changed)."""

    template_name = "audits/value_form.html"
    model = Indicator
    form_class = ValueForm
    policy = DatasetPolicy
    action = "manage"

    def wanted(self):
        """The quarter asked for (the indicator page's "Enter" link, or the choice posted), if
        it exists and has started."""
        wanted = dataset.parse_quarter(self.request.POST.get("quarter") or self.request.GET.get("quarter", ""))
        return wanted if wanted is not None and wanted <= dataset.started_quarters(1)[0] else None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "indicator": self.object, "earlier": self.wanted()}

    def get_initial(self):
        quarter = self.wanted() or dataset.default_last_quarter(None)
        return {"quarter": f"{quarter[0]}-{quarter[1]}"}

    def perform(self, form):
        return services.value_set(self.ctx, self.object, **form.values())

    def get_success_message(self):
        row = self.result
        text = dataset.value_text(row.value, self.object.unit)
        return f"{quarter_label(row.year_start, row.quarter)}: {text} recorded for {self.object.name}"

    def get_success_url(self):
        return indicator_url(self.ctx, self.object) + f"?to={self.result.year_start}-{self.result.quarter}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(indicator=self.object, heading=f"Enter a value: {self.object.name}")
        return context


class ValueChangeView(RecordFormView):
    """Correct one quarter's value."""

    template_name = "audits/value_form.html"
    model = IndicatorValue
    form_class = ValueForm
    policy = DatasetPolicy
    action = "manage"

    def get_queryset(self):
        return super().get_queryset().select_related("indicator")

    def get_form_kwargs(self):
        quarter = (self.object.year_start, self.object.quarter)
        return {**super().get_form_kwargs(), "indicator": self.object.indicator, "quarter": quarter}

    def get_initial(self):
        return {"value": dataset.number_text(self.object.value).replace(",", ""), "note": self.object.note}

    def perform(self, form):
        return services.value_set(self.ctx, self.object.indicator, **form.values())

    def get_success_message(self):
        row = self.result
        text = dataset.value_text(row.value, self.object.indicator.unit)
        return f"{quarter_label(row.year_start, row.quarter)}: {text} recorded for {self.object.indicator.name}"

    def get_success_url(self):
        return indicator_url(self.ctx, self.object.indicator) + f"?to={self.object.year_start}-{self.object.quarter}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        label = quarter_label(self.object.year_start, self.object.quarter)
        context.update(indicator=self.object.indicator, heading=f"Correct {label}: {self.object.indicator.name}")
        return context


class DatasetUploadView(PartnershipFormView):
    template_name = "audits/dataset_upload.html"
    form_class = DatasetUploadForm
    policy = DatasetPolicy
    action = "manage"

    def perform(self, form):
        return services.import_values(self.ctx, form.cleaned_data["file"])

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


UNIT_WORDS = {Unit.NUMBER: "number", Unit.PERCENT: "per cent", Unit.RATE: "rate per 10,000", Unit.DAYS: "days"}


class DatasetSpreadsheetView(PartnershipPage):
    """The dataset's last four complete quarters in the columns the upload reads, with a row for
    every indicator in use in each (blank where no value is recorded yet): the template to fill
    in and upload. A second sheet lists the indicators."""

    policy = DatasetPolicy

    def get(self, request, *args, **kwargs):
        last = dataset.default_last_quarter(None)
        quarters = dataset.quarters_to(last, 4)
        indicators = list(dataset.indicators_for(self.ctx, active="yes").order_by("priority__name", "name"))
        values = {
            (row.indicator_id, row.year_start, row.quarter): row
            for row in IndicatorValue.objects.for_partnership(self.ctx.partnership).filter(
                indicator__in=indicators, year_start__gte=quarters[0][0]
            )
        }
        rows = []
        for indicator in indicators:
            for year, number in quarters:
                row = values.get((indicator.pk, year, number))
                rows.append(
                    [
                        indicator.name,
                        f"{year}-{str(year + 1)[-2:]}",
                        f"Q{number}",
                        row.value if row else None,
                        row.note if row else "",
                    ]
                )
        sheets = [
            spreadsheets.Sheet(title="Values", headers=[c.header for c in services.DATASET_COLUMNS], rows=rows),
            spreadsheets.Sheet(
                title="Indicators",
                headers=["Indicator", "Unit", "Which way is better", "Priority", "Reported by"],
                rows=[
                    [
                        i.name,
                        UNIT_WORDS.get(i.unit, i.unit),
                        i.get_direction_display(),
                        str(i.priority or ""),
                        str(i.reporting_member.organisation),
                    ]
                    for i in indicators
                ],
            ),
        ]
        return spreadsheets.xlsx_response(
            spreadsheets.xlsx_bytes(sheets), f"{self.ctx.partnership.slug}-dataset-{quarters[-1][0]}-Q{last[1]}.xlsx"
        )
