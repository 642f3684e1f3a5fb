"""Funding: each financial year's contributions from member organisations, other income and
spending, and the table of other partnerships' figures this partnership compares itself with.

Amounts are pounds and pence (Decimal, 12 digits, 2 places). Totals, shares and the summary are
never stored: they are computed from these rows by `funding.selectors`.
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower

from funding import years
from lscp.tenancy import TenantOwned
from partners.models import Member, Sector, Signature


def money_field(verbose_name: str, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, **kwargs)


class FundingSector(models.TextChoices):
    """The four columns partnerships compare funding by."""

    # As in the Eastern region comparison of the 2020 independent review (seed 003 §14).

    COUNCIL = "council", "Local authority"
    HEALTH = "health", "Health"
    POLICE = "police", "Police"
    OTHER = "other", "Other agencies"


FUNDING_SECTOR_OF = {
    Sector.COUNCIL: FundingSector.COUNCIL,
    Sector.HEALTH: FundingSector.HEALTH,
    Sector.POLICE: FundingSector.POLICE,
}


def funding_sector(organisation_sector: str) -> FundingSector:
    """An organisation's funding sector: council, health and police are themselves; every other
    sector (probation, courts, education, fire ...) counts as other agencies."""
    return FUNDING_SECTOR_OF.get(organisation_sector, FundingSector.OTHER)


class FinancialYear(TenantOwned):
    """A financial year (1 April to 31 March) of this partnership's funding, named "2020-21"."""

    url_kwarg = "year"
    url_field = "label"

    label = models.CharField(max_length=7, help_text='"2020-21": the year from 1 April 2020 to 31 March 2021')
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-label"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "label"],
                name="financial_year_once_per_partnership",
                violation_error_message="This financial year has already been added",
            ),
            models.CheckConstraint(
                condition=models.Q(label__regex=r"^[0-9]{4}-[0-9]{2}$"), name="financial_year_label"
            ),
        ]

    def __str__(self) -> str:
        return f"Financial year {self.display}"

    @property
    def start_year(self) -> int:
        return years.start_of(self.label)

    @property
    def display(self) -> str:
        return years.display(self.label)

    @property
    def previous_label(self) -> str:
        return years.previous(self.label)

    @property
    def previous_display(self) -> str:
        return years.display(self.previous_label)

    @property
    def first_day(self):
        return years.first_day(self.label)

    @property
    def last_day(self):
        return years.last_day(self.label)


class Contribution(TenantOwned):
    """What one member organisation agreed to contribute in a year, and what was invoiced and received."""

    url_kwarg = "contribution_id"

    year = models.ForeignKey(FinancialYear, on_delete=models.CASCADE, related_name="contributions")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="contributions")
    agreed = money_field("agreed amount")
    invoiced_on = models.DateField("date invoiced", null=True, blank=True)
    invoiced = money_field("amount invoiced", null=True, blank=True)
    received_on = models.DateField("date received", null=True, blank=True)
    received = money_field("amount received", null=True, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["member__organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "member"],
                name="contribution_once_per_member_and_year",
                violation_error_message="This organisation already has a contribution for this year",
            ),
            models.CheckConstraint(
                condition=models.Q(agreed__gte=0)
                & (models.Q(invoiced__isnull=True) | models.Q(invoiced__gte=0))
                & (models.Q(received__isnull=True) | models.Q(received__gte=0)),
                name="contribution_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} contribution {self.year.display}"

    @property
    def outstanding(self):
        """Invoiced and not yet received (never below £0)."""
        if self.invoiced is None:
            return None
        return max(self.invoiced - (self.received or 0), 0)


class IncomeKind(models.TextChoices):
    TRAINING = "training", "Training charges"
    EVENT = "event", "Event charges"
    GRANT = "grant", "Grant"
    OTHER = "other", "Other income"


class Income(TenantOwned):
    """Income other than members' contributions: training and event charges, grants."""

    url_kwarg = "income_id"

    year = models.ForeignKey(FinancialYear, on_delete=models.CASCADE, related_name="income")
    kind = models.CharField(max_length=10, choices=IncomeKind.choices)
    description = models.CharField(max_length=200, blank=True)
    amount = money_field("amount")
    received_on = models.DateField("date received", null=True, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "description", "pk"]
        verbose_name_plural = "income"
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="income_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}{': ' + self.description if self.description else ''} {self.year.display}"


class SpendingKind(models.TextChoices):
    STAFFING = "staffing", "Staffing (business unit)"
    CHAIR = "chair", "Independent chair and scrutineer"
    CHILD_DEATH_REVIEW = "cdr", "Child death review contribution"
    REVIEW_CONTINGENCY = "reviews", "Review contingency (practice reviews)"
    TRAINING = "training", "Training delivery"
    OTHER = "other", "Other spending"


class SpendingLine(TenantOwned):
    """A line of the year's budget, with what has actually been spent on it."""

    url_kwarg = "spending_id"

    year = models.ForeignKey(FinancialYear, on_delete=models.CASCADE, related_name="spending")
    kind = models.CharField(max_length=10, choices=SpendingKind.choices)
    description = models.CharField(max_length=200, blank=True)
    budget = money_field("budget")
    actual = money_field("actual spending", default=0)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "description", "pk"]
        constraints = [
            models.UniqueConstraint(
                "year",
                "kind",
                Lower("description"),
                name="spending_line_once_per_year",
                violation_error_message="The year already has this spending line",
            ),
            models.CheckConstraint(
                condition=models.Q(budget__gte=0) & models.Q(actual__gte=0), name="spending_amounts_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}{': ' + self.description if self.description else ''} {self.year.display}"

    @property
    def name(self) -> str:
        return self.description or self.get_kind_display()

    @property
    def variance(self):
        """Budget left on the line (negative when overspent)."""
        return self.budget - self.actual


class AuthorityType(models.TextChoices):
    UNITARY = "unitary", "Unitary authority"
    COUNTY = "county", "County council area"


class Benchmark(TenantOwned):
    """One partnership's funding in one year, from a regional comparison exercise, kept by this
    partnership to compare itself with (each partnership keeps its own comparison set)."""

    url_kwarg = "benchmark_id"

    name = models.CharField("partnership", max_length=200)
    year = models.CharField("financial year", max_length=7)
    authority_type = models.CharField(max_length=10, choices=AuthorityType.choices, blank=True)
    council = money_field("local authority contribution")
    health = money_field("health contribution")
    police = money_field("police contribution")
    other = money_field("other agencies' contributions")
    training_income = money_field("training income", null=True, blank=True)
    other_income = money_field("other income", null=True, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    budget = money_field("budget", null=True, blank=True)
    is_this_partnership = models.BooleanField("this partnership", default=False)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(
                "partnership",
                Lower("name"),
                "year",
                name="benchmark_once_per_name_and_year",
                violation_error_message="The table already has this partnership for this year",
            ),
            models.CheckConstraint(
                condition=models.Q(council__gte=0, health__gte=0, police__gte=0, other__gte=0)
                & (models.Q(training_income__isnull=True) | models.Q(training_income__gte=0))
                & (models.Q(other_income__isnull=True) | models.Q(other_income__gte=0))
                & (models.Q(budget__isnull=True) | models.Q(budget__gte=0)),
                name="benchmark_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year_display}"

    @property
    def contributions(self):
        return self.council + self.health + self.police + self.other

    @property
    def total_income(self):
        """Contributions plus training and other income (a blank counts as £0)."""
        return self.contributions + (self.training_income or 0) + (self.other_income or 0)

    @property
    def year_display(self) -> str:
        return years.display(self.year)


class BudgetSignOff(Signature):
    """A statutory partner member's signature of a year's shared budget (each partner's agreed
    contribution), by the holder of its seat at the policy's level (LSPs by default), with a hash of
    the contributions signed. A change to an agreed amount, or a contribution added or removed,
    withdraws the standing signatures."""

    url_kwarg = "budget_sign_off_id"

    year = models.ForeignKey(FinancialYear, on_delete=models.CASCADE, related_name="budget_sign_offs")

    class Meta:
        ordering = ["year", "at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "member"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="budget_one_signature_per_member",
                violation_error_message="This safeguarding partner has already signed the budget",
            )
        ]

    def __str__(self) -> str:
        return f"Budget {self.year.display} signed for {self.member}"
