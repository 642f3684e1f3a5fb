"""Reads of the partnership's funding, and everything computed from it.

Nothing here is stored: totals, shares, the year's summary and the regional comparison are
computed from the recorded amounts each time, exactly, in Decimal. Per cents are rounded only
for display, by `lscp.money.shares_that_add_up`, so every row of shares adds up to 100.0%.

Averages in the comparison use ONE method throughout: the average of each column over the
partnerships compared (a blank income counts as £0), and every share or ratio of averages is a
ratio of those average amounts (so the average shares are each sector's share of the average
contribution, which add up with the average total). `Averages.mean_of_shares` is the other
method, kept only so that the page can show how it differs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from funding import years
from funding.models import (
    AuthorityType,
    Benchmark,
    Contribution,
    FinancialYear,
    FundingSector,
    Income,
    IncomeKind,
    SpendingKind,
    SpendingLine,
    funding_sector,
)
from lscp.charts import bar_chart, progress_chart, stacked_chart
from lscp.money import format_money, grouped_shares, share, shares_that_add_up, split_that_adds_up, to_pence
from lscp.tenancy import TenantContext
from partners.history import name_on

ZERO = Decimal("0.00")
SECTORS = list(FundingSector)


def _sum(values: Iterable[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), ZERO)


def _change_percent(previous: Decimal, current: Decimal) -> Decimal | None:
    exact = share(current - previous, previous)
    return None if exact is None else exact.quantize(Decimal("0.1"))


# ----------------------------------------------------------------------------------------------
# Lists


def years_for(ctx: TenantContext):
    return FinancialYear.objects.for_partnership(ctx.partnership)


@dataclass(frozen=True)
class YearTotals:
    year: FinancialYear
    agreed: Decimal
    received: Decimal
    outstanding: Decimal
    other_income: Decimal
    total_income: Decimal
    budget: Decimal
    actual: Decimal


def year_totals(ctx: TenantContext, page_years: Sequence[FinancialYear]) -> list[YearTotals]:
    """Totals for a page of years: three queries whatever the number of rows (exact Decimal sums
    in Python, never the database's, which on SQLite would be floating point)."""
    ids = [year.pk for year in page_years]
    if not ids:
        return []
    partnership = ctx.partnership
    contributions: dict[int, list[Contribution]] = defaultdict(list)
    for row in Contribution.objects.for_partnership(partnership).filter(year_id__in=ids):
        contributions[row.year_id].append(row)
    income: dict[int, list[Income]] = defaultdict(list)
    for row in Income.objects.for_partnership(partnership).filter(year_id__in=ids):
        income[row.year_id].append(row)
    spending: dict[int, list[SpendingLine]] = defaultdict(list)
    for row in SpendingLine.objects.for_partnership(partnership).filter(year_id__in=ids):
        spending[row.year_id].append(row)
    result = []
    for year in page_years:
        agreed = _sum(c.agreed for c in contributions[year.pk])
        other = _sum(i.amount for i in income[year.pk])
        result.append(
            YearTotals(
                year=year,
                agreed=agreed,
                received=_sum(c.received for c in contributions[year.pk]),
                outstanding=_sum(c.outstanding for c in contributions[year.pk]),
                other_income=other,
                total_income=agreed + other,
                budget=_sum(s.budget for s in spending[year.pk]),
                actual=_sum(s.actual for s in spending[year.pk]),
            )
        )
    return result


def benchmarks_for(ctx: TenantContext):
    return Benchmark.objects.for_partnership(ctx.partnership)


def benchmark_years(ctx: TenantContext) -> list[str]:
    return list(benchmarks_for(ctx).order_by("-year").values_list("year", flat=True).distinct())


# ----------------------------------------------------------------------------------------------
# One year's summary


@dataclass(frozen=True)
class SectorAmount:
    sector: str
    label: str
    amount: Decimal
    share: Decimal  # per cent, rounded for display so the sectors add up to 100.0


@dataclass(frozen=True)
class ContributionRow:
    contribution: Contribution
    organisation: str
    sector: str
    sector_label: str
    agreed: Decimal
    share: Decimal
    previous: Decimal | None
    change: Decimal | None

    @property
    def outstanding(self) -> Decimal | None:
        return self.contribution.outstanding


@dataclass(frozen=True)
class SpendingRow:
    line: SpendingLine
    name: str
    kind_label: str
    budget: Decimal
    actual: Decimal
    variance: Decimal


@dataclass(frozen=True)
class Change:
    what: str
    previous: Decimal
    current: Decimal
    difference: Decimal
    percent: Decimal | None


@dataclass
class YearSummary:
    year: FinancialYear
    contributions: list[ContributionRow]
    by_sector: list[SectorAmount]
    agreed: Decimal
    invoiced: Decimal
    received: Decimal
    outstanding: Decimal
    not_invoiced: Decimal
    outstanding_rows: list[ContributionRow]
    income: list[Income]
    training_income: Decimal
    other_income: Decimal
    total_income: Decimal
    spending: list[SpendingRow]
    budget: Decimal
    actual: Decimal
    variance: Decimal
    unbudgeted: Decimal  # income not yet given to a spending line (negative: budgeted beyond income)
    contingency_budget: Decimal
    contingency_spent: Decimal
    contingency_left: Decimal
    previous_label: str | None
    changes: list[Change] = field(default_factory=list)
    population: int | None = None

    @property
    def previous_display(self) -> str | None:
        """The previous year as people read it ("2019/20"); `previous_label` is the machine form."""
        return years.display(self.previous_label) if self.previous_label else None

    @property
    def overbudgeted(self) -> Decimal:
        """How much more is budgeted than the income (0 when the budget fits)."""
        return max(-self.unbudgeted, ZERO)

    @property
    def contingency_overspent(self) -> Decimal:
        return max(-self.contingency_left, ZERO)

    @property
    def has_spending(self) -> bool:
        return bool(self.spending)

    @property
    def budget_per_head(self) -> Decimal | None:
        if not self.spending or not self.population:
            return None
        return self.budget / self.population

    def sector_amounts(self) -> list[Decimal]:
        return [s.amount for s in self.by_sector]

    def sector_chart(self):
        return bar_chart(
            [(s.label, s.amount) for s in self.by_sector], title=f"Contributions by sector, {self.year.display}"
        )

    def spending_chart(self):
        return progress_chart(
            [(row.name, row.budget, row.actual) for row in self.spending],
            title=f"Actual spending against budget by line, {self.year.display}",
            width=720,
        )


def _contribution_rows(
    contributions: Sequence[Contribution], previous_contributions: Sequence[Contribution], *, compared: bool
) -> list[ContributionRow]:
    """One row per contribution (sorted by organisation): its share of the total, and its change
    from the previous year when there is one to compare with."""
    # Each organisation by the name it had in the year (a 2020/21 contribution is Thurrock CCG's).
    names = {c.pk: name_on(c.member.organisation, c.year.first_day) for c in contributions}
    contributions = sorted(contributions, key=lambda c: names[c.pk].lower())
    before = {c.member_id: c.agreed for c in previous_contributions}
    sectors = [funding_sector(c.member.organisation.sector) for c in contributions]
    # Computed once with the sectors' shares, so an organisation alone in its sector shows the
    # sector's figure (both tables, the PDF and the exports read these rows).
    _, org_shares = grouped_shares(
        [c.agreed for c in contributions], [s.value for s in sectors], order=[s.value for s in SECTORS]
    )
    rows = []
    for contribution, sector, org_share in zip(contributions, sectors, org_shares, strict=True):
        previous = before.get(contribution.member_id) if compared else None
        rows.append(
            ContributionRow(
                contribution=contribution,
                organisation=names[contribution.pk],
                sector=sector.value,
                sector_label=sector.label,
                agreed=contribution.agreed,
                share=org_share,
                previous=previous,
                change=None if previous is None else contribution.agreed - previous,
            )
        )
    return rows


def _by_sector(rows: list[ContributionRow]) -> list[SectorAmount]:
    """Each sector's total and share: its organisations' rounded shares added up (they are split
    from the sector's share by `grouped_shares`), so the two tables agree to the decimal."""
    return [
        SectorAmount(
            sector=s.value,
            label=s.label,
            amount=_sum(r.agreed for r in rows if r.sector == s.value),
            share=sum((r.share for r in rows if r.sector == s.value), Decimal("0.0")),
        )
        for s in SECTORS
    ]


def _spending_rows(spending: Sequence[SpendingLine]) -> list[SpendingRow]:
    spending = sorted(
        spending, key=lambda s: (list(SpendingKind.values).index(s.kind), s.description.lower(), s.pk or 0)
    )
    return [
        SpendingRow(
            line=line,
            name=line.name,
            kind_label=line.get_kind_display(),
            budget=line.budget,
            actual=line.actual,
            variance=line.variance,
        )
        for line in spending
    ]


def _changes(
    current: dict[str, Decimal],
    previous_contributions: Sequence[Contribution],
    previous_income: Sequence[Income],
    previous_spending: Sequence[SpendingLine],
) -> list[Change]:
    """The year's totals beside the previous year's (`current`: agreed, other, budget, actual)."""
    prev_agreed = _sum(c.agreed for c in previous_contributions)
    prev_other = _sum(i.amount for i in previous_income)
    return [
        Change(what=what, previous=prev, current=now, difference=now - prev, percent=_change_percent(prev, now))
        for what, prev, now in (
            ("Contributions agreed", prev_agreed, current["agreed"]),
            ("Other income", prev_other, current["other"]),
            ("Total income", prev_agreed + prev_other, current["agreed"] + current["other"]),
            ("Budget", _sum(s.budget for s in previous_spending), current["budget"]),
            ("Actual spending", _sum(s.actual for s in previous_spending), current["actual"]),
        )
    ]


def summarise(
    year: FinancialYear,
    contributions: Sequence[Contribution],
    income: Sequence[Income],
    spending: Sequence[SpendingLine],
    *,
    previous_label: str | None = None,
    previous_contributions: Sequence[Contribution] = (),
    previous_income: Sequence[Income] = (),
    previous_spending: Sequence[SpendingLine] = (),
    population: int | None = None,
) -> YearSummary:
    """The year's summary from its rows: pure (no queries), so it is tested on its own."""
    rows = _contribution_rows(contributions, previous_contributions, compared=bool(previous_label))
    agreed = _sum(c.agreed for c in contributions)
    income = sorted(income, key=lambda i: (list(IncomeKind.values).index(i.kind), i.description.lower(), i.pk or 0))
    other_income = _sum(i.amount for i in income)
    total_income = agreed + other_income
    budget = _sum(s.budget for s in spending)
    actual = _sum(s.actual for s in spending)
    contingency = [s for s in spending if s.kind == SpendingKind.REVIEW_CONTINGENCY]
    contingency_budget = _sum(s.budget for s in contingency)
    contingency_spent = _sum(s.actual for s in contingency)
    current = {"agreed": agreed, "other": other_income, "budget": budget, "actual": actual}
    return YearSummary(
        year=year,
        contributions=rows,
        by_sector=_by_sector(rows),
        agreed=agreed,
        invoiced=_sum(c.invoiced for c in contributions),
        received=_sum(c.received for c in contributions),
        outstanding=_sum(c.outstanding for c in contributions),
        not_invoiced=_sum(
            max(c.agreed - c.invoiced, ZERO) if c.invoiced is not None else c.agreed for c in contributions
        ),
        outstanding_rows=[r for r in rows if r.outstanding],
        income=list(income),
        training_income=_sum(i.amount for i in income if i.kind == IncomeKind.TRAINING),
        other_income=other_income,
        total_income=total_income,
        spending=_spending_rows(spending),
        budget=budget,
        actual=actual,
        variance=budget - actual,
        unbudgeted=total_income - budget,
        contingency_budget=contingency_budget,
        contingency_spent=contingency_spent,
        contingency_left=contingency_budget - contingency_spent,
        previous_label=previous_label,
        changes=_changes(current, previous_contributions, previous_income, previous_spending) if previous_label else [],
        population=population,
    )


def year_summary(ctx: TenantContext, year: FinancialYear) -> YearSummary:
    """The year's summary and its change from the previous year: five queries (the fifth, the
    organisations' renames, so each contribution shows the name of its year)."""
    partnership = ctx.partnership
    previous_label = years.previous(year.label)
    previous = FinancialYear.objects.for_partnership(partnership).filter(label=previous_label).first()
    ids = [year.pk] + ([previous.pk] if previous else [])
    contributions = (
        Contribution.objects.for_partnership(partnership)
        .filter(year_id__in=ids)
        .select_related("member__organisation", "year")
        .prefetch_related("member__organisation__changes")
    )
    income = Income.objects.for_partnership(partnership).filter(year_id__in=ids)
    spending = SpendingLine.objects.for_partnership(partnership).filter(year_id__in=ids)
    mine = {"c": [], "i": [], "s": []}
    theirs = {"c": [], "i": [], "s": []}
    for key, rows in (("c", contributions), ("i", income), ("s", spending)):
        for row in rows:
            if row.year_id == year.pk:
                row.year = year  # already at hand: no query per row for its year
                mine[key].append(row)
            else:
                row.year = previous
                theirs[key].append(row)
    return summarise(
        year,
        mine["c"],
        mine["i"],
        mine["s"],
        previous_label=previous_label if previous else None,
        previous_contributions=theirs["c"],
        previous_income=theirs["i"],
        previous_spending=theirs["s"],
        population=partnership.population,
    )


# ----------------------------------------------------------------------------------------------
# The regional comparison


class BySector:
    """The four sector amounts by name (for the API and exports)."""

    amounts: list[Decimal]

    @property
    def council(self) -> Decimal:
        return self.amounts[0]

    @property
    def health(self) -> Decimal:
        return self.amounts[1]

    @property
    def police(self) -> Decimal:
        return self.amounts[2]

    @property
    def other(self) -> Decimal:
        return self.amounts[3]


@dataclass(frozen=True)
class ComparisonRow(BySector):
    name: str
    year: str
    authority_type: str
    is_this_partnership: bool
    is_recorded_year: bool
    amounts: list[Decimal]  # council, health, police, other
    shares: list[Decimal]  # per cents for display, adding up to 100.0
    contributions: Decimal
    training_income: Decimal | None
    other_income: Decimal | None
    total_income: Decimal
    population: int | None
    budget: Decimal | None

    @property
    def per_head(self) -> Decimal | None:
        if self.budget is None or not self.population:
            return None
        return self.budget / self.population

    @property
    def sector_cells(self) -> list[tuple[Decimal, Decimal]]:
        return list(zip(self.amounts, self.shares, strict=True))

    @property
    def highlighted(self) -> bool:
        return self.is_this_partnership or self.is_recorded_year


def _row(
    *,
    name: str,
    year: str,
    authority_type: str = "",
    amounts: list[Decimal],
    training_income: Decimal | None,
    other_income: Decimal | None,
    population: int | None,
    budget: Decimal | None,
    is_this_partnership: bool = False,
    is_recorded_year: bool = False,
    shares: list[Decimal] | None = None,
) -> ComparisonRow:
    contributions = _sum(amounts)
    return ComparisonRow(
        name=name,
        year=year,
        authority_type=authority_type,
        is_this_partnership=is_this_partnership,
        is_recorded_year=is_recorded_year,
        amounts=amounts,
        shares=shares_that_add_up(amounts) if shares is None else shares,
        contributions=contributions,
        training_income=training_income,
        other_income=other_income,
        total_income=contributions + (training_income or ZERO) + (other_income or ZERO),
        population=population,
        budget=budget,
    )


def benchmark_row(benchmark: Benchmark) -> ComparisonRow:
    return _row(
        name=benchmark.name,
        year=benchmark.year,
        authority_type=benchmark.authority_type,
        amounts=[benchmark.council, benchmark.health, benchmark.police, benchmark.other],
        training_income=benchmark.training_income,
        other_income=benchmark.other_income,
        population=benchmark.population,
        budget=benchmark.budget,
        is_this_partnership=benchmark.is_this_partnership,
    )


def recorded_year_row(summary: YearSummary, *, name: str) -> ComparisonRow:
    """This partnership's recorded year, in the benchmark table's terms (agreed contributions by
    sector; the budget is the year's spending budget)."""
    return _row(
        name=name,
        year=summary.year.label,
        amounts=summary.sector_amounts(),
        shares=[s.share for s in summary.by_sector],  # the year page's figures, not computed again
        training_income=summary.training_income,
        other_income=summary.other_income - summary.training_income,
        population=summary.population,
        budget=summary.budget if summary.has_spending else None,
        is_recorded_year=True,
    )


@dataclass(frozen=True)
class Averages(BySector):
    """Averages over the compared partnerships, by one method (see the module docstring)."""

    count: int
    amounts: list[Decimal]  # average per sector, in pence, adding up to `contributions`
    contributions: Decimal
    shares: list[Decimal]  # each sector's share of the average amounts, for display
    exact_shares: list[Decimal | None]
    mean_of_shares: list[Decimal]  # the other method, for the note only
    training_income: Decimal
    other_income: Decimal
    total_income: Decimal
    training_reporting: int  # how many partnerships gave a training income figure
    other_reporting: int
    training_income_of_reporting: Decimal | None  # the average over those that reported
    other_income_of_reporting: Decimal | None
    per_head: Decimal | None  # average budget / average population, over rows with both
    budget: Decimal | None  # the average budget of those rows (pence)
    population: int | None  # their average population (whole people, for display)
    per_head_count: int

    @property
    def sector_cells(self) -> list[tuple[Decimal, Decimal]]:
        return list(zip(self.amounts, self.shares, strict=True))


def averages_of(rows: Sequence[ComparisonRow]) -> Averages | None:
    """Pure: the averages of `rows` (None when there are none)."""
    n = len(rows)
    if not n:
        return None
    exact_amounts = [_sum(r.amounts[i] for r in rows) / n for i in range(len(SECTORS))]
    exact_total = _sum(r.contributions for r in rows) / n
    amounts = split_that_adds_up(exact_total, exact_amounts)
    exact_shares = [share(a, exact_total) for a in exact_amounts]
    # The other method (for the note only): the mean of each partnership's own shares, over the
    # partnerships that contributed anything.
    row_shares = [[share(a, r.contributions) for a in r.amounts] for r in rows if r.contributions > 0]
    exact_mean = [
        sum((s[i] for s in row_shares), Decimal(0)) / len(row_shares) if row_shares else Decimal(0)
        for i in range(len(SECTORS))
    ]
    training = [r.training_income for r in rows if r.training_income is not None]
    other = [r.other_income for r in rows if r.other_income is not None]
    training_avg = _sum(training) / n
    other_avg = _sum(other) / n
    with_head = [r for r in rows if r.per_head is not None]
    per_head = budget = population = None
    if with_head:
        per_head = _sum(r.budget for r in with_head) / sum(r.population for r in with_head)
        budget = to_pence(_sum(r.budget for r in with_head) / len(with_head))
        population = int(to_pence(Decimal(sum(r.population for r in with_head)) / len(with_head)).to_integral_value())
    return Averages(
        count=n,
        amounts=amounts,
        contributions=to_pence(exact_total),
        shares=shares_that_add_up(exact_amounts),
        exact_shares=exact_shares,
        mean_of_shares=shares_that_add_up(exact_mean),
        training_income=to_pence(training_avg),
        other_income=to_pence(other_avg),
        total_income=to_pence(_sum(r.total_income for r in rows) / n),
        training_reporting=len(training),
        other_reporting=len(other),
        training_income_of_reporting=to_pence(_sum(training) / len(training)) if training else None,
        other_income_of_reporting=to_pence(_sum(other) / len(other)) if other else None,
        per_head=per_head,
        budget=budget,
        population=population,
        per_head_count=len(with_head),
    )


@dataclass
class Comparison:
    year: str | None
    years: list[str]
    group: str
    rows: list[ComparisonRow]  # the compared partnerships (the averages are over these)
    recorded: ComparisonRow | None  # this partnership's recorded year, shown but not averaged
    averages: Averages | None
    sector_labels: list[str] = field(default_factory=lambda: [s.label for s in SECTORS])

    @property
    def year_display(self) -> str:
        return years.display(self.year) if self.year else ""

    @property
    def own(self) -> ComparisonRow | None:
        return next((r for r in self.rows if r.is_this_partnership), None)

    @property
    def shown(self) -> list[ComparisonRow]:
        return [*self.rows, *([self.recorded] if self.recorded else [])]

    @property
    def highlight(self) -> list[str]:
        return [r.name for r in self.shown if r.highlighted]

    AVERAGE = "Average"

    def shares_chart(self):
        rows = [(r.name, r.amounts) for r in self.shown]
        if self.averages:
            rows.append((self.AVERAGE, self.averages.amounts))
        return stacked_chart(
            rows,
            series=self.sector_labels,
            title="Each partnership's contributions split by sector, as shares of its total",
            highlight=[*self.highlight, self.AVERAGE],
        )

    def totals_chart(self):
        items = [(r.name, r.total_income) for r in self.shown]
        if self.averages:
            items.append((self.AVERAGE, self.averages.total_income))
        return bar_chart(
            items,
            title="Total income of each partnership (contributions, training and other income)",
            format_value=lambda v: format_money(v, pence=False),
            highlight=self.highlight,
            averages=[self.AVERAGE],
        )

    def per_head_chart(self):
        items = [(r.name, r.per_head) for r in self.shown if r.per_head is not None]
        if self.averages and self.averages.per_head is not None:
            items.append((self.AVERAGE, self.averages.per_head))
        return bar_chart(
            items,
            title="Budget per head of population",
            highlight=self.highlight,
            averages=[self.AVERAGE],
        )


def comparison(
    ctx: TenantContext,
    *,
    year: str = "",
    group: str = "",
    recorded: FinancialYear | None = None,
    available: list[str] | None = None,
) -> Comparison:
    """This partnership among its benchmark table for one year (default: the latest), optionally
    only unitary or county areas, and optionally with one of its own recorded years beside them.
    Two queries (one if `available`, the benchmark years, is given), plus the recorded year's
    summary when asked for."""
    available = benchmark_years(ctx) if available is None else available
    chosen = year if year in available else (available[0] if available else None)
    rows = []
    if chosen:
        queryset = benchmarks_for(ctx).filter(year=chosen).order_by("name", "pk")
        if group in AuthorityType.values:
            queryset = queryset.filter(authority_type=group)
        rows = [benchmark_row(b) for b in queryset]
    recorded_row = None
    if recorded is not None:
        recorded_row = recorded_year_row(year_summary(ctx, recorded), name=f"{ctx.partnership.area} {recorded.display}")
    return Comparison(
        year=chosen,
        years=available,
        group=group if group in AuthorityType.values else "",
        rows=rows,
        recorded=recorded_row,
        averages=averages_of(rows),
    )
