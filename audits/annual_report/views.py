"""Pages of the annual report: the reports, starting one for a 12-month period, writing its
narrative (an edit made while someone else saved is refused, with the text kept), and the PDF
assembled from the records for the period."""

from __future__ import annotations

from django.urls import reverse
from django.views.generic import TemplateView

from audits.annual_report import selectors, services
from audits.annual_report.forms import NARRATIVE, AnnualReportForm, AnnualReportStartForm
from audits.annual_report.models import AnnualReport
from audits.annual_report.permissions import AnnualReportPolicy
from audits.pages import BackLink
from lscp import pdf
from lscp.web.lists import paginate, sort
from lscp.web.views import PartnershipFormView, PartnershipPage, RecordFormView, RecordMixin


def report_url(ctx, annual_report) -> str:
    return reverse("annual-report-detail", args=[ctx.partnership.slug, annual_report.pk])


class AnnualReportListView(PartnershipPage):
    template_name = "audits/annual_report_list.html"
    policy = AnnualReportPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reports, sorting = sort(
            self.request,
            AnnualReportPolicy.filter(self.ctx, AnnualReport.objects.for_partnership(self.ctx.partnership)),
            columns={"period": ["period_start"], "title": ["title"]},
            default="-period",
        )
        context.update(
            page=paginate(self.request, reports),
            sorting=sorting,
            can_manage=AnnualReportPolicy.can(self.ctx, "manage"),
        )
        return context


class AnnualReportStartView(BackLink, PartnershipFormView):
    back_to = "annual-report-list"
    template_name = "audits/annual_report_start.html"
    form_class = AnnualReportStartForm
    policy = AnnualReportPolicy
    permission = "manage"

    def perform(self, form):
        return services.annual_report_save(self.ctx, **form.cleaned_data)

    def get_success_message(self):
        return f"{self.result.title} has been started: write its narrative below"

    def get_success_url(self):
        return reverse("annual-report-edit", args=[self.ctx.partnership.slug, self.result.pk])


class AnnualReportDetailView(RecordMixin, TemplateView):
    template_name = "audits/annual_report.html"
    model = AnnualReport
    policy = AnnualReportPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            narrative=[(label, getattr(self.object, name)) for name, label, _ in NARRATIVE],
            period=selectors.Period(self.object.period_start, self.object.period_end),
            can_manage=AnnualReportPolicy.can(self.ctx, "manage", self.object),
        )
        return context


class AnnualReportEditView(RecordFormView):
    """The title, period and narrative. When someone else saved the report since this form was
    opened, the save is refused, the text typed is kept, and the form is ready to save again
    over theirs (after reading it on the report's page)."""

    template_name = "audits/annual_report_form.html"
    model = AnnualReport
    form_class = AnnualReportForm
    policy = AnnualReportPolicy
    permission = "manage"
    conflict = False

    def get_initial(self):
        fields = {name: getattr(self.object, name) for name in services.NARRATIVE_FIELDS}
        return {**fields, "version": self.object.version}

    def perform(self, form):
        return services.annual_report_save(self.ctx, self.object, version=form.cleaned_data["version"], **form.values())

    def keep_stale(self, form, error) -> None:
        super().keep_stale(form, error)
        self.conflict = True  # the page links to their version, to read before saving over it

    def get_success_message(self):
        return f"{self.result.title} has been saved"

    def get_success_url(self):
        return report_url(self.ctx, self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(back_url=report_url(self.ctx, self.object), conflict=self.conflict)
        return context


class AnnualReportPdfView(RecordMixin, TemplateView):
    """The report assembled from the records for its period; each download is logged."""

    model = AnnualReport
    policy = AnnualReportPolicy
    log_views = False

    def get(self, request, *args, **kwargs):
        data = selectors.annual_report_pdf(self.ctx, self.object)
        return pdf.pdf_response(data, selectors.pdf_filename(self.ctx, self.object))
