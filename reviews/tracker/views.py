"""The NHS Safeguarding Case Review Tracker export: a page that lists the reviews in the
tracker's fields and says what each column holds, and its downloads (XLSX and CSV), each recorded
as an export by the activity log's middleware."""

from __future__ import annotations

from django.utils import timezone

from lscp.web.lists import paginate
from lscp.web.views import PartnershipPage
from reviews.tracker import selectors, sheets
from reviews.tracker.permissions import TrackerPolicy


class TrackerView(PartnershipPage):
    template_name = "reviews/tracker.html"
    policy = TrackerPolicy

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = paginate(self.request, selectors.tracker_reviews(self.ctx))
        context.update(page=page, rows=[selectors.tracker_row(notification) for notification in page])
        return context


class TrackerExportView(PartnershipPage):
    policy = TrackerPolicy
    kind = "xlsx"

    def get(self, request, *args, **kwargs):
        return sheets.download(self.ctx, selectors.tracker_rows(self.ctx), timezone.localdate(), self.kind)
