"""The multi-agency dataset: indicators, each with a value per quarter."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from audits.programme.models import Priority
from audits.quarters import quarter_label
from lscp.states import Versioned
from lscp.tenancy import TenantOwned


class Unit(models.TextChoices):
    NUMBER = "number", "Number"
    PERCENT = "percent", "Per cent"
    RATE = "rate", "Rate per 10,000 children"
    DAYS = "days", "Days"


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"
    NEITHER = "neither", "Neither"


class Indicator(Versioned, TenantOwned):
    url_kwarg = "indicator_id"

    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=10, choices=Unit.choices)
    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, null=True, blank=True, related_name="indicators")
    reporting_member = models.ForeignKey("partners.Member", on_delete=models.PROTECT, related_name="+")
    description = models.TextField(blank=True)
    direction = models.CharField(max_length=8, choices=Direction.choices, default=Direction.NEITHER)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["partnership", "name"], name="indicator_name_once")]

    def __str__(self) -> str:
        return self.name


class IndicatorValue(TenantOwned):
    url_kwarg = "indicator_value_id"

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    year_start = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    value = models.DecimalField(max_digits=12, decimal_places=2)
    note = models.CharField(max_length=300, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator", "year_start", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year_start", "quarter"], name="one_value_per_quarter")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {quarter_label(self.year_start, self.quarter)}: {self.value}"
