"""Equity planning: from this year's contributions by sector to target shares, over some years.

Seed 003 recommendation 15: "Health and police gradually increase their contribution over next
two years to ensure equity of funding". Given target shares per sector (adding up to 100%), a
number of years and, optionally, a new total, each sector's contribution moves in equal steps
from its current amount to its target amount (target share of the final total); the total moves
in equal steps too. Each year's amounts are rounded to the penny so that they add up exactly to
that year's total.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError

from funding import years as financial_years
from lscp.money import shares_that_add_up, split_that_adds_up, to_pence

HUNDRED = Decimal(100)
MAX_YEARS = 10


@dataclass(frozen=True)
class PlanYear:
    label: str
    amounts: list[Decimal]  # per sector, in pence, adding up to `total`
    total: Decimal
    shares: list[Decimal]  # per cents for display, adding up to 100.0
    changes: list[Decimal]  # each amount's change from the year before (0 for the starting year)

    @property
    def display(self) -> str:
        return financial_years.display(self.label)

    @property
    def cells(self) -> list[tuple[Decimal, Decimal, Decimal]]:
        return list(zip(self.amounts, self.shares, self.changes, strict=True))


def plan(
    *,
    start_label: str,
    current: Sequence[Decimal],
    targets: Sequence[Decimal],
    years: int,
    new_total: Decimal | None = None,
    fields: Sequence[str] = (),
) -> list[PlanYear]:
    """The starting year and then `years` years moving linearly to the target shares.

    `current` are the starting amounts per sector (pence), `targets` the target per cents in the
    same order, `new_total` the total to reach by the last year (default: the current total).
    `fields` names the input of each target, for errors (ValidationError keyed by field).
    """
    fields = list(fields) or [f"target_{i}" for i in range(len(targets))]
    errors: dict[str, list[str]] = {}
    current = [Decimal(c) for c in current]
    targets = [Decimal(t) for t in targets]
    for name, target in zip(fields, targets, strict=True):
        if not 0 <= target <= HUNDRED:
            errors[name] = ["Enter a share from 0% to 100%"]
    if not errors and sum(targets) != HUNDRED:
        errors[fields[0]] = [f"The target shares add up to {sum(targets)}%: make them add up to 100%"]
    if not isinstance(years, int) or isinstance(years, bool) or not 1 <= years <= MAX_YEARS:
        errors["years"] = [f"Enter a number of years from 1 to {MAX_YEARS}"]
    current_total = sum(current, Decimal(0))
    if new_total is not None and new_total < 0:
        errors["new_total"] = ["The new total must be £0 or more"]
    final_total = current_total if new_total is None else Decimal(new_total)
    if final_total == 0 and "new_total" not in errors:
        errors["new_total"] = ["There are no contributions to plan from: enter the total to reach"]
    if errors:
        raise ValidationError(errors)

    target_amounts = [t * final_total / HUNDRED for t in targets]
    result: list[PlanYear] = []
    previous: list[Decimal] | None = None
    for step in range(years + 1):
        exact = [(c * (years - step) + t * step) / years for c, t in zip(current, target_amounts, strict=True)]
        total = to_pence((current_total * (years - step) + final_total * step) / years)
        amounts = split_that_adds_up(total, exact)
        result.append(
            PlanYear(
                label=financial_years.following(start_label, step),
                amounts=amounts,
                total=total,
                shares=shares_that_add_up(amounts),
                changes=[a - p for a, p in zip(amounts, previous, strict=True)]
                if previous
                else [Decimal("0.00")] * len(amounts),
            )
        )
        previous = amounts
    return result
