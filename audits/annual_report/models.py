"""The annual report's narrative."""

from __future__ import annotations

from django.db import models

from lscp.states import Versioned
from lscp.tenancy import TenantOwned


class AnnualReport(Versioned, TenantOwned):
    """The narrative the business unit writes for one 12-month period; the figures are assembled
    from the records each time the PDF is made."""

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

    class Meta:
        ordering = ["-period_end"]

    def __str__(self) -> str:
        return self.title
