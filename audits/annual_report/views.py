"""Pages of the yearly report (the annual report before Working Together 2023; the URLs keep its
old name): the reports, starting one for a 12-month period, writing its narrative (an edit made
while someone else saved is refused, with the text kept), the independent scrutineer's commentary,
putting it in the documents register for the lead safeguarding partners' sign-off, and the PDF
assembled from the records for the period."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from audits.annual_report import selectors, services
from audits.annual_report.forms import NARRATIVE, AnnualReportForm, AnnualReportStartForm, CommentaryForm
from audits.annual_report.models import AnnualReport
from audits.annual_report.permissions import AnnualReportPolicy
from audits.pages import BackLink
from governance import selectors as governance_selectors
from governance import services as governance_services
from governance.permissions import GovernanceDocumentPolicy
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
        refusal = governance_services.yearly_report_refusal(self.object)
        context.update(
            narrative=[(label, getattr(self.object, name)) for name, label, _ in NARRATIVE],
            period=selectors.Period(self.object.period_start, self.object.period_end),
            can_manage=AnnualReportPolicy.can(self.ctx, "manage", self.object) and refusal is None,
            can_comment=AnnualReportPolicy.can(self.ctx, "comment", self.object) and refusal is None,
            can_register=GovernanceDocumentPolicy.can(self.ctx, "manage"),
            published_refusal=refusal,
            sign_off=governance_selectors.yearly_report_sign_off(self.ctx, self.object),
        )
        return context


class PublishedRefusal:
    """A published report is changed only after a new version is started in the register."""

    def get(self, request, *args, **kwargs):
        refusal = governance_services.yearly_report_refusal(self.object)
        if refusal:
            messages.error(request, refusal)
            return redirect(report_url(self.ctx, self.object))
        return super().get(request, *args, **kwargs)


class AnnualReportEditView(PublishedRefusal, RecordFormView):
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


class CommentaryView(PublishedRefusal, RecordFormView):
    """The independent scrutineer's commentary: the one page a scrutineer writes on."""

    template_name = "audits/annual_report_commentary.html"
    model = AnnualReport
    form_class = CommentaryForm
    policy = AnnualReportPolicy
    permission = "comment"

    def get_initial(self):
        return {"commentary": self.object.scrutineer_commentary, "version": self.object.version}

    def perform(self, form):
        return services.scrutineer_commentary_save(
            self.ctx, self.object, commentary=form.cleaned_data["commentary"], version=form.cleaned_data["version"]
        )

    def get_success_message(self):
        return f"Your commentary on {self.result.title} has been saved"

    def get_success_url(self):
        return report_url(self.ctx, self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["back_url"] = report_url(self.ctx, self.object)
        return context


class RegisterView(RecordMixin, View):
    """Put the report in the documents register (a POST), for the lead safeguarding partners'
    sign-off; then to its entry there."""

    model = AnnualReport
    policy = GovernanceDocumentPolicy
    permission = "manage"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        document = governance_services.yearly_report_register(self.ctx, self.object)
        messages.success(request, f"{self.object.title} is in the documents register: send it for sign-off there")
        return redirect("governance-document-detail", self.ctx.partnership.slug, document.pk)
