"""Money and shares: pounds and pence as Decimal, never float, and per cents that add up.

Public entry points:
- `to_pence(value)`: a Decimal rounded to the penny (half up), for amounts that are computed;
- `format_money(value)`: '£1,234.56' (and '-£1,234.56'); the `money` template filter uses it;
- `shares_that_add_up(amounts)`: each amount's per cent of their total, rounded for display by the
  largest-remainder method so that the rounded shares add up to exactly 100 (0 if nothing);
- `grouped_shares(amounts, groups)`: the same for amounts that a page also shows by group (each
  contribution and its sector): the groups' shares first, then each group's share split among its
  amounts, so an amount alone in its group shows the group's figure and every column adds up;
- `split_that_adds_up(total, parts)`: exact parts rounded to the penny so that they add up to
  the total rounded to the penny (the same largest-remainder method, in pence).

Rounding happens only here and only for display or for amounts that must be whole pence; every
sum is made of exact Decimals first.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")
HUNDRED = Decimal(100)


def to_pence(value: Decimal | int) -> Decimal:
    return Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


def format_money(value, *, pence: bool = True) -> str:
    """£1,234.56 (or £1,235 with pence=False); '' for None. Accepts Decimal, int or numeric text."""
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        raise TypeError("Money is never a float: pass a Decimal")
    amount = Decimal(value)
    places = PENNY if pence else Decimal(1)
    amount = amount.quantize(places, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    digits = f"{abs(amount):,.2f}" if pence else f"{abs(amount):,.0f}"
    return f"{sign}£{digits}"


def _largest_remainder(exact: Sequence[Decimal], total_units: int, unit: Decimal) -> list[Decimal]:
    """Round each exact value down to `unit`, then give the units still missing from
    `total_units` to the values with the largest remainders (ties: the earlier value)."""
    floors = [(value / unit).to_integral_value(rounding=ROUND_FLOOR) for value in exact]
    missing = total_units - int(sum(floors))
    if exact and not 0 <= missing <= len(exact):
        raise ValueError("The parts do not add up to the total")
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] / unit - floors[i]), i))
    result = list(floors)
    for i in order[:missing]:
        result[i] += 1
    return [(units * unit).quantize(unit) for units in result]


def shares_that_add_up(amounts: Sequence[Decimal | int], *, places: int = 1) -> list[Decimal]:
    """Per cents of the total, rounded to `places` decimals, adding up to exactly 100.

    Negative amounts are not shares of anything and are refused. With a total of 0 every share
    is 0 (there is nothing to divide).
    """
    values = [Decimal(a) for a in amounts]
    if any(v < 0 for v in values):
        raise ValueError("Shares are of amounts of £0 or more")
    total = sum(values, Decimal(0))
    unit = Decimal(1).scaleb(-places)
    if total == 0:
        return [Decimal(0).quantize(unit) for _ in values]
    exact = [v * HUNDRED / total for v in values]
    return _largest_remainder(exact, int(HUNDRED / unit), unit)


def grouped_shares(
    amounts: Sequence[Decimal | int],
    groups: Sequence[Hashable],
    *,
    order: Sequence[Hashable] = (),
    places: int = 1,
) -> tuple[dict[Hashable, Decimal], list[Decimal]]:
    """Shares of amounts and of their groups, computed once so that they agree wherever shown.

    The groups' shares are `shares_that_add_up` of their totals, in `order` (the order a page
    lists them in, which breaks ties as it would there) and then in order of first appearance;
    each group's rounded share is then split among its amounts by the same largest-remainder
    method. So the amounts' shares add up to 100, each group's amounts add up to the group's
    share, and an amount alone in its group has exactly the group's share (Thurrock Council's
    share of the year is the local authority's share, in every table, page and export). Each
    share is still within one unit of `places` of its exact value.
    """
    values = [Decimal(a) for a in amounts]
    if len(values) != len(groups):
        raise ValueError("Each amount needs its group")
    present = set(groups)
    order = [group for group in dict.fromkeys([*order, *groups]) if group in present]
    totals = [sum((v for v, g in zip(values, groups, strict=True) if g == group), Decimal(0)) for group in order]
    by_group = dict(zip(order, shares_that_add_up(totals, places=places), strict=True))
    unit = Decimal(1).scaleb(-places)
    total = sum(totals, Decimal(0))
    result: list[Decimal] = [Decimal(0).quantize(unit)] * len(values)
    if total == 0:
        return by_group, result
    for group in order:
        members = [i for i, g in enumerate(groups) if g == group]
        exact = [values[i] * HUNDRED / total for i in members]
        for i, rounded in zip(members, _largest_remainder(exact, int(by_group[group] / unit), unit), strict=True):
            result[i] = rounded
    return by_group, result


def share(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """The exact per cent `part` is of `whole` (None when the whole is 0)."""
    whole = Decimal(whole)
    if whole == 0:
        return None
    return Decimal(part) * HUNDRED / whole


def split_that_adds_up(total: Decimal, parts: Sequence[Decimal]) -> list[Decimal]:
    """Round exact `parts` (which add up to `total`) to pence so they add up to `total` in pence."""
    target = to_pence(total)
    exact = [Decimal(p) for p in parts]
    if any(p < 0 for p in exact):
        raise ValueError("Parts of a total are £0 or more")
    return _largest_remainder(exact, int(target / PENNY), PENNY)
