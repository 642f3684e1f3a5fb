"""Writes to the partnership's funding. Every function checks the policy first, validates its
business rules (ValidationError keyed by field, nothing changed), and logs to the activity log in
the same transaction. Pages, the API, admin and the demo loader all call these.

Amounts are Decimal pounds and pence; a float is refused outright.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from funding import years
from funding.models import (
    AuthorityType,
    Benchmark,
    BudgetSignOff,
    Contribution,
    FinancialYear,
    Income,
    IncomeKind,
    SpendingKind,
    SpendingLine,
)
from funding.permissions import FundingPolicy
from lscp import activity, dates, outbox
from lscp.checks import Errors
from lscp.money import format_money
from lscp.outbox.messages import link, message
from lscp.recipients import Recipients
from lscp.states import StaleVersion, StateError
from lscp.tenancy import TenantContext
from partners import sign_offs
from partners.models import Member, Organisation
from partners.signing import Signable, level_for

NOTES_MAX = 2000

CONTRIBUTION_FIELDS = ["agreed", "invoiced_on", "invoiced", "received_on", "received", "notes"]
INCOME_FIELDS = ["kind", "description", "amount", "received_on", "notes"]
SPENDING_FIELDS = ["kind", "description", "budget", "actual", "notes"]
BENCHMARK_FIELDS = [
    "name",
    "year",
    "authority_type",
    "council",
    "health",
    "police",
    "other",
    "training_income",
    "other_income",
    "population",
    "budget",
    "is_this_partnership",
    "notes",
]


def _save_changes(ctx: TenantContext, obj, values: dict[str, Any], fields: list[str], *, event: str) -> None:
    """Assign `values`, then save and log what changed (nothing is written when nothing did)."""
    changes = activity.assign(obj, values, fields)
    if changes:
        obj.save(update_fields=fields)
        activity.record(ctx, event=event, obj=obj, changes=changes)


def _removed(ctx: TenantContext, obj, event: str) -> None:
    activity.record(ctx, event=event, obj=obj, changes={"record": {"old": str(obj), "new": None}})


# ----------------------------------------------------------------------------------------------
# Financial years


@transaction.atomic
def year_add(*, ctx: TenantContext, label: str, copy_previous: bool = False) -> FinancialYear:
    """Add a financial year ("2020-21" or "2020/21"). With `copy_previous`, the previous year's
    agreed contributions and spending budgets are copied in as the new year's starting point."""
    FundingPolicy.require(ctx, "manage")
    try:
        label = years.parse(label)
    except ValueError as error:
        raise ValidationError({"label": [str(error)]}) from None
    existing = FinancialYear.objects.for_partnership(ctx.partnership)
    if existing.filter(label=label).exists():
        raise ValidationError({"label": [f"{years.display(label)} has already been added"]})
    previous = existing.filter(label=years.previous(label)).first() if copy_previous else None
    if copy_previous and previous is None:
        raise ValidationError(
            {
                "copy_previous": [
                    f"There is no {years.display(years.previous(label))} to copy from: add this year without copying"
                ]
            }
        )
    try:
        with transaction.atomic():
            year = FinancialYear.objects.for_partnership(ctx.partnership).create(
                partnership=ctx.partnership, label=label
            )
    except IntegrityError:  # the same year added twice at once
        raise ValidationError({"label": [f"{years.display(label)} has already been added"]}) from None
    activity.record(ctx, event="financial_year.added", obj=year, changes=activity.created(year, ["label"]))
    if previous is not None:
        for old in previous.contributions.select_related("member__organisation"):
            contribution_add(ctx=ctx, year=year, organisation=old.member.organisation, agreed=old.agreed)
        for line in previous.spending.all():
            spending_add(ctx=ctx, year=year, kind=line.kind, description=line.description, budget=line.budget)
    return year


# ----------------------------------------------------------------------------------------------
# Contributions


def _check_payments(errors: Errors, values: dict[str, Any]) -> None:
    """Invoiced and received each need both a date and an amount, and receiving more than was
    invoiced needs a note saying why."""
    for amount_field, date_field, what in (
        ("invoiced", "invoiced_on", "invoice"),
        ("received", "received_on", "payment"),
    ):
        amount, date = values.get(amount_field), values.get(date_field)
        if amount is not None and date is None and amount_field not in errors:
            errors.add(date_field, f"Enter the date of the {what}")
        if date is not None and amount is None and amount_field not in errors:
            errors.add(amount_field, f"Enter the amount {amount_field}")
        if date is not None and not isinstance(date, dt.date):
            errors.add(date_field, f"Enter the date of the {what} as a real date")
    received, invoiced = values.get("received"), values.get("invoiced")
    if received is not None and "received" not in errors and "invoiced" not in errors and not values.get("notes"):
        if invoiced is None and received > 0:
            errors.add(
                "received",
                f"{format_money(received)} was received but nothing has been invoiced: "
                "enter the invoice, or add a note to say why",
            )
        elif invoiced is not None and received > invoiced:
            errors.add(
                "received",
                f"The amount received ({format_money(received)}) is more than the amount invoiced "
                f"({format_money(invoiced)}): check it, or add a note to say why",
            )


def _contribution_values(
    errors: Errors, year: FinancialYear, *, agreed, invoiced_on, invoiced, received_on, received, notes
) -> dict[str, Any]:
    values = {
        "agreed": errors.money("agreed", agreed, name="The agreed amount"),
        "invoiced_on": invoiced_on,
        "invoiced": errors.money("invoiced", invoiced, name="The amount invoiced", required=False),
        "received_on": received_on,
        "received": errors.money("received", received, name="The amount received", required=False),
        "notes": errors.text("notes", notes, max_length=NOTES_MAX, name="Notes", required=False),
    }
    _check_payments(errors, values)
    # The year's dates (lscp.dates): invoiced in or after the year and not in the future, received
    # not before it was invoiced.
    dated = {name: values[name] for name in ("invoiced_on", "received_on") if isinstance(values[name], dt.date)}
    dates.add_refusals(errors, "contribution", dates.contribution_values(year) | dated, changed=set(dated))
    return values


@transaction.atomic
def contribution_add(
    *,
    ctx: TenantContext,
    year: FinancialYear,
    organisation: Organisation | None,
    agreed: Decimal | None,
    invoiced_on: dt.date | None = None,
    invoiced: Decimal | None = None,
    received_on: dt.date | None = None,
    received: Decimal | None = None,
    notes: str = "",
) -> Contribution:
    """Record a member organisation's contribution for the year."""
    FundingPolicy.require(ctx, "manage", year)
    errors = Errors()
    member = None
    if organisation is None:
        errors.add("organisation", "Choose the organisation that contributes")
    else:
        member = Member.objects.for_partnership(ctx.partnership).filter(organisation=organisation).first()
        if member is None:
            errors.add(
                "organisation",
                f"{organisation} is not a member of {ctx.partnership}: add it as a partner before recording its contribution",
            )
        elif year.contributions.filter(member=member).exists():
            errors.add(
                "organisation", f"{organisation} already has a contribution for {year.display}: change that one instead"
            )
    values = _contribution_values(
        errors,
        year,
        agreed=agreed,
        invoiced_on=invoiced_on,
        invoiced=invoiced,
        received_on=received_on,
        received=received,
        notes=notes,
    )
    errors.raise_if_any()
    try:
        with transaction.atomic():
            contribution = Contribution.objects.for_partnership(ctx.partnership).create(
                partnership=ctx.partnership, year=year, member=member, **values
            )
    except IntegrityError:  # the same organisation added twice at once
        raise ValidationError(
            {"organisation": [f"{organisation} already has a contribution for {year.display}: change that one instead"]}
        ) from None
    activity.record(
        ctx,
        event="contribution.added",
        obj=contribution,
        changes=activity.created(contribution, ["year", "member", *CONTRIBUTION_FIELDS]),
    )
    _budget_changed(ctx, year, f"{contribution.member}'s contribution was added")
    return contribution


@transaction.atomic
def contribution_update(
    *,
    ctx: TenantContext,
    contribution: Contribution,
    agreed: Decimal | None,
    invoiced_on: dt.date | None = None,
    invoiced: Decimal | None = None,
    received_on: dt.date | None = None,
    received: Decimal | None = None,
    notes: str = "",
) -> Contribution:
    """Change the amounts, dates or notes of a contribution (a wrong organisation is removed and
    added again, so each organisation's history stays its own)."""
    FundingPolicy.require(ctx, "manage", contribution)
    errors = Errors()
    values = _contribution_values(
        errors,
        contribution.year,
        agreed=agreed,
        invoiced_on=invoiced_on,
        invoiced=invoiced,
        received_on=received_on,
        received=received,
        notes=notes,
    )
    errors.raise_if_any()
    before = budget_hash(contribution.year)
    _save_changes(ctx, contribution, values, [*CONTRIBUTION_FIELDS, "updated_at"], event="contribution.changed")
    if budget_hash(contribution.year) != before:
        _budget_changed(ctx, contribution.year, f"{contribution.member}'s agreed contribution was changed")
    return contribution


@transaction.atomic
def contribution_remove(*, ctx: TenantContext, contribution: Contribution) -> None:
    FundingPolicy.require(ctx, "manage", contribution)
    _removed(ctx, contribution, "contribution.removed")
    year, member = contribution.year, contribution.member
    contribution.delete()
    _budget_changed(ctx, year, f"{member}'s contribution was removed")


# ----------------------------------------------------------------------------------------------
# Other income


def _income_values(*, kind, description, amount, received_on, notes) -> dict[str, Any]:
    errors = Errors()
    if kind not in IncomeKind.values:
        errors.add("kind", "Choose the kind of income")
    description = errors.text("description", description, max_length=200, name="The description", required=False)
    if kind == IncomeKind.OTHER and not description:
        errors.add("description", "Describe where the other income comes from")
    if isinstance(received_on, dt.date):
        errors.date_not_in_future("received_on", received_on, name="The date received")
    values = {
        "kind": kind,
        "description": description,
        "amount": errors.money("amount", amount, name="The amount"),
        "received_on": received_on,
        "notes": errors.text("notes", notes, max_length=NOTES_MAX, name="Notes", required=False),
    }
    errors.raise_if_any()
    return values


@transaction.atomic
def income_add(
    *,
    ctx: TenantContext,
    year: FinancialYear,
    kind: str,
    amount: Decimal | None,
    description: str = "",
    received_on: dt.date | None = None,
    notes: str = "",
) -> Income:
    """Record income other than contributions: training or event charges, a grant."""
    FundingPolicy.require(ctx, "manage", year)
    values = _income_values(kind=kind, description=description, amount=amount, received_on=received_on, notes=notes)
    income = Income.objects.for_partnership(ctx.partnership).create(partnership=ctx.partnership, year=year, **values)
    activity.record(ctx, event="income.added", obj=income, changes=activity.created(income, ["year", *INCOME_FIELDS]))
    return income


@transaction.atomic
def income_update(
    *,
    ctx: TenantContext,
    income: Income,
    kind: str,
    amount: Decimal | None,
    description: str = "",
    received_on: dt.date | None = None,
    notes: str = "",
) -> Income:
    FundingPolicy.require(ctx, "manage", income)
    values = _income_values(kind=kind, description=description, amount=amount, received_on=received_on, notes=notes)
    _save_changes(ctx, income, values, INCOME_FIELDS, event="income.changed")
    return income


@transaction.atomic
def income_remove(*, ctx: TenantContext, income: Income) -> None:
    FundingPolicy.require(ctx, "manage", income)
    _removed(ctx, income, "income.removed")
    income.delete()


# ----------------------------------------------------------------------------------------------
# Spending


def _spending_values(
    *, year: FinancialYear, kind, description, budget, actual, notes, line: SpendingLine | None
) -> dict[str, Any]:
    errors = Errors()
    if kind not in SpendingKind.values:
        errors.add("kind", "Choose the spending line")
    description = errors.text("description", description, max_length=200, name="The description", required=False)
    if kind == SpendingKind.OTHER and not description:
        errors.add("description", "Describe what the other spending is for")
    if kind in SpendingKind.values and "description" not in errors:
        same = year.spending.filter(kind=kind, description__iexact=description)
        if line is not None:
            same = same.exclude(pk=line.pk)
        if same.exists():
            name = f"a {SpendingKind(kind).label.lower()} line" + (f" called '{description}'" if description else "")
            errors.add(
                "description", f"{year.display} already has {name}: change that one, or describe this one differently"
            )
    values = {
        "kind": kind,
        "description": description,
        "budget": errors.money("budget", budget, name="The budget"),
        "actual": errors.money("actual", Decimal(0) if actual in (None, "") else actual, name="Actual spending"),
        "notes": errors.text("notes", notes, max_length=NOTES_MAX, name="Notes", required=False),
    }
    errors.raise_if_any()
    return values


@transaction.atomic
def spending_add(
    *,
    ctx: TenantContext,
    year: FinancialYear,
    kind: str,
    budget: Decimal | None,
    actual: Decimal | None = None,
    description: str = "",
    notes: str = "",
) -> SpendingLine:
    """Add a line to the year's budget, with what has been spent on it so far."""
    FundingPolicy.require(ctx, "manage", year)
    values = _spending_values(
        year=year, kind=kind, description=description, budget=budget, actual=actual, notes=notes, line=None
    )
    try:
        with transaction.atomic():
            line = SpendingLine.objects.for_partnership(ctx.partnership).create(
                partnership=ctx.partnership, year=year, **values
            )
    except IntegrityError:
        raise ValidationError({"description": [f"{year.display} already has this spending line"]}) from None
    activity.record(ctx, event="spending.added", obj=line, changes=activity.created(line, ["year", *SPENDING_FIELDS]))
    return line


@transaction.atomic
def spending_update(
    *,
    ctx: TenantContext,
    line: SpendingLine,
    kind: str,
    budget: Decimal | None,
    actual: Decimal | None = None,
    description: str = "",
    notes: str = "",
) -> SpendingLine:
    FundingPolicy.require(ctx, "manage", line)
    values = _spending_values(
        year=line.year, kind=kind, description=description, budget=budget, actual=actual, notes=notes, line=line
    )
    try:
        with transaction.atomic():
            _save_changes(ctx, line, values, SPENDING_FIELDS, event="spending.changed")
    except IntegrityError:
        raise ValidationError({"description": [f"{line.year.display} already has this spending line"]}) from None
    return line


@transaction.atomic
def spending_remove(*, ctx: TenantContext, line: SpendingLine) -> None:
    FundingPolicy.require(ctx, "manage", line)
    _removed(ctx, line, "spending.removed")
    line.delete()


# ----------------------------------------------------------------------------------------------
# Benchmarks: other partnerships' figures


def _benchmark_values(errors: Errors, data: dict[str, Any]) -> dict[str, Any]:
    name = errors.text(
        "name", " ".join((data.get("name") or "").split()), name="The partnership's name", max_length=200
    )
    year = ""
    try:
        year = years.parse(data.get("year") or "")
    except ValueError as error:
        errors.add("year", str(error))
    authority_type = data.get("authority_type") or ""
    if authority_type not in ("", *AuthorityType.values):
        errors.add("authority_type", "Choose unitary authority, county council area, or leave it blank")
    population = data.get("population")
    if population in ("", None):
        population = None
    elif isinstance(population, bool) or not isinstance(population, int) or population < 1:
        errors.add("population", "The population must be a whole number of people, 1 or more")
        population = None
    return {
        "name": name,
        "year": year,
        "authority_type": authority_type,
        "council": errors.money("council", data.get("council"), name="The local authority contribution"),
        "health": errors.money("health", data.get("health"), name="The health contribution"),
        "police": errors.money("police", data.get("police"), name="The police contribution"),
        "other": errors.money("other", data.get("other"), name="Other agencies' contributions"),
        "training_income": errors.money(
            "training_income", data.get("training_income"), name="Training income", required=False
        ),
        "other_income": errors.money("other_income", data.get("other_income"), name="Other income", required=False),
        "population": population,
        "budget": errors.money("budget", data.get("budget"), name="The budget", required=False),
        "is_this_partnership": bool(data.get("is_this_partnership")),
        "notes": errors.text("notes", data.get("notes"), max_length=NOTES_MAX, name="Notes", required=False),
    }


def _check_benchmark_unique(
    ctx: TenantContext, errors: Errors, values: dict[str, Any], *, exclude: Benchmark | None
) -> None:
    if "name" in errors or "year" in errors:
        return
    rows = Benchmark.objects.for_partnership(ctx.partnership).filter(year=values["year"])
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    if rows.filter(name__iexact=values["name"]).exists():
        errors.add(
            "name",
            f"The table already has {values['name']} for {years.display(values['year'])}: change that row instead",
        )
    if values["is_this_partnership"]:
        own = rows.filter(is_this_partnership=True).exclude(name__iexact=values["name"]).first()
        if own is not None:
            errors.add(
                "is_this_partnership",
                f"{own.name} is already marked as this partnership for {values['year']}: only one row can be",
            )


@transaction.atomic
def benchmark_add(*, ctx: TenantContext, **data) -> Benchmark:
    """Add one partnership's figures for one year to the comparison table."""
    FundingPolicy.require(ctx, "manage")
    errors = Errors()
    values = _benchmark_values(errors, data)
    _check_benchmark_unique(ctx, errors, values, exclude=None)
    errors.raise_if_any()
    try:
        with transaction.atomic():
            benchmark = Benchmark.objects.for_partnership(ctx.partnership).create(partnership=ctx.partnership, **values)
    except IntegrityError:
        raise ValidationError(
            {"name": [f"The table already has {values['name']} for {years.display(values['year'])}"]}
        ) from None
    activity.record(ctx, event="benchmark.added", obj=benchmark, changes=activity.created(benchmark, BENCHMARK_FIELDS))
    return benchmark


@transaction.atomic
def benchmark_update(*, ctx: TenantContext, benchmark: Benchmark, **data) -> Benchmark:
    FundingPolicy.require(ctx, "manage", benchmark)
    errors = Errors()
    values = _benchmark_values(errors, data)
    _check_benchmark_unique(ctx, errors, values, exclude=benchmark)
    errors.raise_if_any()
    _save_changes(ctx, benchmark, values, BENCHMARK_FIELDS, event="benchmark.changed")
    return benchmark


@transaction.atomic
def benchmark_remove(*, ctx: TenantContext, benchmark: Benchmark) -> None:
    FundingPolicy.require(ctx, "manage", benchmark)
    _removed(ctx, benchmark, "benchmark.removed")
    benchmark.delete()


@transaction.atomic
def benchmarks_load(*, ctx: TenantContext, rows: list[dict[str, Any]]) -> tuple[int, int]:
    """Load rows read from a spreadsheet: a partnership and year already in the table is updated,
    any other is added. All rows or none: any problem in any row refuses the whole file, with
    every problem listed by its spreadsheet row (`file` field). Returns (added, updated)."""
    FundingPolicy.require(ctx, "manage")
    problems: list[str] = []
    prepared: list[tuple[Benchmark | None, dict[str, Any]]] = []
    seen: dict[tuple[str, str], int] = {}
    existing = {(b.name.lower(), b.year): b for b in Benchmark.objects.for_partnership(ctx.partnership).order_by("pk")}
    own_by_year = {b.year: b for b in existing.values() if b.is_this_partnership}
    for row in rows:
        number = row.get("_row", "?")
        errors = Errors()
        values = _benchmark_values(errors, row)
        key = (values["name"].lower(), values["year"])
        if values["name"] and values["year"]:
            if key in seen:
                errors.add("name", f"{values['name']} {values['year']} is also in row {seen[key]}")
            seen[key] = number
        current = existing.get(key)
        if values["is_this_partnership"] and values["year"]:
            own = own_by_year.get(values["year"])
            if own is not None and own is not current and own.name.lower() != key[0]:
                errors.add("is_this_partnership", f"{own.name} is already this partnership for {values['year']}")
            own_by_year[values["year"]] = current or Benchmark(name=values["name"])
        for messages in errors.by_field.values():
            problems.extend(f"Row {number}: {message}" for message in messages)
        prepared.append((current, values))
    if problems:
        raise ValidationError({"file": problems})
    added = updated = 0
    for current, values in prepared:
        if current is None:
            benchmark_add(ctx=ctx, **values)
            added += 1
        else:
            before = activity.snapshot(current, BENCHMARK_FIELDS)
            benchmark_update(ctx=ctx, benchmark=current, **values)
            updated += int(activity.snapshot(current, BENCHMARK_FIELDS) != before)
    return added, updated


# ----------------------------------------------------------------------------------------------
# The shared budget's sign-off: each partner's agreed contribution for the year, signed by each
# statutory partner member's seat holder at the policy's level (partners/signing.py: LSPs by
# default); a change to what was signed withdraws the standing signatures, with the reason.


def budget_hash(year: FinancialYear) -> str:
    """What the partners sign: each member's agreed contribution for the year (payments received
    later do not change it). A year has no version of its own, so its content is hashed."""
    rows = sorted(
        (member_id, str(agreed)) for member_id, agreed in year.contributions.values_list("member_id", "agreed")
    )
    return sign_offs.content_hash({"year": year.label, "contributions": rows})


def _send_budget(ctx, template: str, *, key: str, to: list[str], year: FinancialYear, **context) -> None:
    if not to:
        return
    subject, body = message(
        template,
        partnership=ctx.partnership,
        year=year,
        link=link("funding-budget-sign", ctx.partnership.slug, year.label),
        **context,
    )
    outbox.enqueue(partnership=ctx.partnership, key=key, to=to, subject=subject, body=body, about=year)


def _budget_changed(ctx: TenantContext, year: FinancialYear, reason: str) -> None:
    withdrawn = sign_offs.withdraw(
        ctx,
        BudgetSignOff.objects.for_partnership(ctx.partnership).filter(year=year),
        reason=reason,
        event="budget.sign_offs_withdrawn",
        obj=year,
    )
    _send_budget(
        ctx,
        "budget_sign_offs_withdrawn",
        key=f"budget:{year.pk}:withdrawn:{budget_hash(year)[:16]}",
        to=sorted({s.person.email for s in withdrawn if s.person.email}),
        year=year,
        reason=reason,
    )


def budget_sign_off(year: FinancialYear) -> dict:
    """Who has signed the year's budget and who is still to (partners/sign_offs.py: status)."""
    signatures = list(year.budget_sign_offs.select_related("member__organisation", "person"))
    return {
        **sign_offs.status(year.partnership, Signable.BUDGET, signatures),
        "history": signatures,
        "content_hash": budget_hash(year),
    }


@transaction.atomic
def budget_request_sign_off(*, ctx: TenantContext, year: FinancialYear) -> int:
    """Email those who sign the budget (the seat holders at the policy's level) to sign it."""
    FundingPolicy.require(ctx, "manage", year)
    if not year.contributions.exists():
        raise ValidationError({"year": ["Record the partners' contributions before asking them to sign the budget"]})
    to = Recipients(ctx.partnership).signers(level_for(ctx.partnership, Signable.BUDGET))
    _send_budget(
        ctx, "budget_sign_off_requested", key=f"budget:{year.pk}:asked:{budget_hash(year)[:16]}", to=to, year=year
    )
    activity.record(ctx, event="budget.sign_off_requested", obj=year, changes={"asked": {"old": None, "new": len(to)}})
    return len(to)


@transaction.atomic
def budget_sign(ctx: TenantContext, year: FinancialYear, *, expected_hash: str | None = None) -> BudgetSignOff:
    """The signed-in person signs the year's budget for their member, in their seat at the
    policy's level; refused if the contributions changed since they read them."""
    FundingPolicy.require(ctx, "sign", None)
    sign_offs.require_seat(ctx, Signable.BUDGET)
    year = FinancialYear.objects.for_partnership(ctx.partnership).select_for_update().get(pk=year.pk)
    hashed = budget_hash(year)
    if expected_hash and expected_hash != hashed:
        raise StaleVersion("The contributions were changed after you read them: read them again before you sign")
    if not year.contributions.exists():
        raise StateError("No contributions are recorded for this year yet: there is nothing to sign.")
    existing = BudgetSignOff.objects.for_partnership(ctx.partnership).filter(year=year)
    signature = sign_offs.record(
        ctx,
        model=BudgetSignOff,
        what=Signable.BUDGET,
        existing=existing,
        version=None,
        hashed=hashed,
        event="budget.signed",
        obj=year,
        year=year,
    )
    state = sign_offs.status(ctx.partnership, Signable.BUDGET, existing)
    _send_budget(
        ctx,
        "budget_signed",
        key=f"budget:{year.pk}:signed:{signature.pk}",
        to=Recipients(ctx.partnership).business_unit(),
        year=year,
        member=signature.member,
        complete=state["complete"],
    )
    return signature
