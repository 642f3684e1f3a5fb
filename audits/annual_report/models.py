"""The yearly report's narrative (Working Together 2023; once called the annual report, the name
the code and its URLs keep)."""

from __future__ import annotations

from django.db import models

from lscp.states import Versioned
from lscp.tenancy import TenantOwned


class AnnualReport(Versioned, TenantOwned):
    """The yearly report: the narrative the business unit writes for one 12-month period and the
    independent scrutineer's commentary; the figures are assembled from the records each time the
    PDF is made. The lead safeguarding partners sign it in the documents register (governance/)
    before it is published."""

    url_kwarg = "annual_report_id"

    title = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    foreword = models.TextField(blank=True)
    arrangements = models.TextField("arrangements and partners", blank=True)
    reviews_narrative = models.TextField("notifications and reviews", blank=True)
    learning_narrative = models.TextField("learning and action plans", blank=True)
    audit_narrative = models.TextField("audits and self-assessments", blank=True)
    scrutiny_narrative = models.TextField("challenge and scrutiny", blank=True)
    priorities_ahead = models.TextField("priorities for the year ahead", blank=True)
    # What Working Together 2023 asks a yearly report to say, beside the sections above.
    review_impact = models.TextField("practice reviews: what was done and its impact", blank=True)
    recommendation_decisions = models.TextField("decisions on local and national review recommendations", blank=True)
    impact_evidence = models.TextField("evidence of impact", blank=True)
    little_progress = models.TextField("areas where there has been little progress", blank=True)
    children_views = models.TextField("how children's and families' views were used", blank=True)
    # Written by the independent scrutineer alone (their only write): audits/annual_report/services.py.
    scrutineer_commentary = models.TextField("the independent scrutineer's commentary", blank=True)

    class Meta:
        ordering = ["-period_end"]

    def __str__(self) -> str:
        return self.title
