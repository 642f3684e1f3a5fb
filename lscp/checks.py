"""The checks services make of what a person sent, each written once, so that the same mistake
gets the same message on every page and in the API.

`Errors` collects messages by field, so one submission hears about every problem at once; its
methods are the checks: a required text, a date not in the future, a date not before another, a
whole number in a range, a decimal number. Each adds its message and returns the cleaned value
(or None). `raise_if_any()` ends the checking with one ValidationError by field, which a page shows
by each field and the API answers as a 400.

    errors = Errors()
    title = errors.text("title", title, name="The title", max_length=200)
    on = errors.date_not_in_future("completed_on", completed_on, name="The date it was completed")
    errors.raise_if_any()
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from lscp.money import format_money


def _lower_first(name: str) -> str:
    """'The title' -> 'the title' (for 'Enter the title'), leaving names like 'Ofsted' alone."""
    first = name.split(" ", 1)[0]
    return name[0].lower() + name[1:] if first in ("The", "A", "An", "Your", "Their", "Its", "Other") else name


# Words that keep their capital inside a sentence (GOV.UK style: proper nouns and acronyms).
PROPER_NOUNS = {"Panel", "National", "Secretary", "Ofsted", "Section", "Department", "England"}


def in_sentence(label: str) -> str:
    """A label as it reads inside a sentence: its first letter lowered unless the first word is a
    proper noun or an acronym ('Outcome sent to the Panel' -> 'outcome sent to the Panel',
    'Secretary of State and Ofsted notified' and 'LCSPR decision' unchanged). Never `.lower()`
    a label: it lowers the proper nouns in it too."""
    label = str(label)
    first = label.split(" ", 1)[0]
    if not first or first in PROPER_NOUNS or (len(first) > 1 and first.isupper()):
        return label
    return label[0].lower() + label[1:]


def possessive(name) -> str:
    """'Essex Police's', 'Thurrock Schools'' (never 'Schools's')."""
    name = str(name)
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def format_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


class Errors:
    """Messages by field, collected over one submission."""

    def __init__(self):
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.by_field.setdefault(field, []).append(message)

    def __contains__(self, field: str) -> bool:
        return field in self.by_field

    def __bool__(self) -> bool:
        return bool(self.by_field)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)

    # -- the checks ---------------------------------------------------------------------------

    def required(self, field: str, value: Any, *, name: str) -> Any:
        """Anything that must be given (a choice, a date, a record): 'Enter the date'."""
        if value is None or value == "" or value == []:
            self.add(field, f"Enter {_lower_first(name)}")
            return None
        return value

    def text(self, field: str, value: str | None, *, name: str, max_length: int, required: bool = True) -> str:
        """Text, trimmed; required unless said otherwise; no longer than max_length."""
        text = (value or "").strip()
        if not text and required:
            self.add(field, f"Enter {_lower_first(name)}")
        elif len(text) > max_length:
            self.add(field, f"{name} must be {max_length:,} characters or fewer")
        return text

    def date_not_in_future(self, field: str, value: dt.date | None, *, name: str, required: bool = True):
        """A date that has happened: today or in the past."""
        if value is None:
            if required:
                self.add(field, f"Enter {_lower_first(name)}")
            return None
        if value > timezone.localdate():
            self.add(field, future_message(name))
        return value

    def date_not_in_past(self, field: str, value: dt.date | None, *, name: str, required: bool = True):
        """A date still to come: today or in the future."""
        if value is None:
            if required:
                self.add(field, f"Enter {_lower_first(name)}")
            return None
        if value < timezone.localdate():
            self.add(field, f"{name} must be today or in the future")
        return value

    def date_not_before(
        self, field: str, value: dt.date | None, earliest: dt.date | None, *, name: str, earliest_name: str
    ):
        """A date on or after another one the record already has (skipped when either is missing)."""
        if value is not None and earliest is not None and value < earliest:
            self.add(field, f"{name} must be on or after {earliest_name} ({format_date(earliest)})")
        return value

    def whole_number(
        self, field: str, value: Any, *, name: str, minimum: int | None = None, maximum: int | None = None
    ) -> int | None:
        if value is None or value == "":
            self.add(field, f"Enter {_lower_first(name)}")
            return None
        try:
            number = int(value)
        except (TypeError, ValueError):
            self.add(field, f"{name} must be a whole number")
            return None
        if minimum is not None and maximum is not None and not minimum <= number <= maximum:
            self.add(field, f"{name} must be between {minimum:,} and {maximum:,}")
            return None
        if minimum is not None and number < minimum:
            self.add(field, f"{name} must be {minimum:,} or more")
            return None
        if maximum is not None and number > maximum:
            self.add(field, f"{name} must be {maximum:,} or less")
            return None
        return number

    def decimal(
        self,
        field: str,
        value: Any,
        *,
        name: str,
        places: int = 2,
        minimum: Decimal | None = None,
        maximum: Decimal | None = None,
        required: bool = True,
    ) -> Decimal | None:
        """A decimal number (never a float) with at most `places` decimal places."""
        number = parse_decimal(value)
        if number is None:
            if value is None or str(value).strip() == "":
                if required:
                    self.add(field, f"Enter {_lower_first(name)}")
            else:
                self.add(field, f"{name} must be a number, like {Decimal(1234).quantize(_step(places))}")
            return None
        step = _step(places)
        if number != number.quantize(step):
            self.add(field, f"{name} must have no more than {places} decimal place{'s' if places != 1 else ''}")
            return None
        if minimum is not None and number < minimum:
            self.add(field, f"{name} must be {minimum} or more")
            return None
        if maximum is not None and number > maximum:
            self.add(field, f"{name} must be {maximum} or less")
            return None
        return number.quantize(step)

    def money(self, field: str, value: Any, *, name: str, required: bool = True) -> Decimal | None:
        """An amount in pounds and pence (a Decimal, never a float): £0 or more, whole pence, and
        below the largest amount a money column holds."""
        if value is None or value == "":
            if required:
                self.add(field, f"Enter {_lower_first(name)}")
            return None
        if isinstance(value, float):
            raise TypeError(f"{field}: money is never a float, pass a Decimal")
        amount = parse_decimal(value)
        if amount is None:
            self.add(field, f"{name} must be an amount in pounds and pence, like 1234.56")
        elif amount < 0:
            self.add(field, f"{name} must be £0 or more, not {format_money(amount)}")
        elif amount != amount.quantize(PENNY):
            self.add(field, f"{name} must be in pounds and whole pence, like 1234.56")
        elif amount > LARGEST_MONEY:
            self.add(field, f"{name} must be less than {format_money(LARGEST_MONEY + PENNY, pence=False)}")
        else:
            return amount.quantize(PENNY)
        return None


PENNY = Decimal("0.01")
LARGEST_MONEY = Decimal("9999999999.99")  # a DecimalField(max_digits=12, decimal_places=2)


def _step(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


MAX_DIGITS = 15  # digits before the decimal point
_NUMBER = re.compile(r"^-?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")


def parse_decimal(value: Any) -> Decimal | None:
    """The one reading of a decimal number a person typed or a spreadsheet held: a Decimal, or
    None when it is empty or not a plain number. Thousands separators, spaces and a leading £ are
    allowed in text, not exponents ("1e5"); a float (from a spreadsheet cell) is read by its
    shortest repr, never its binary value."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        try:
            number = Decimal(repr(value))
        except InvalidOperation:  # pragma: no cover - repr of a float is always a number
            return None
        return number if number.is_finite() and (number.is_zero() or number.adjusted() < MAX_DIGITS) else None
    text = str(value).strip().replace(",", "").replace(" ", "").replace("£", "", 1)
    if not _NUMBER.match(text):
        return None
    number = Decimal(text)
    # Nothing a person types here reaches a thousand million million; past it, rounding to pence
    # would overflow Decimal's precision (a 500), so it is not a number the product reads.
    return number if number.is_zero() or number.adjusted() < MAX_DIGITS else None


def parse_whole_number(value: Any) -> int | None:
    """A whole number a person typed ("167,025", "2"), or None when it is not one. Only the
    digits 0-9 count: '²' is a digit to str.isdigit() but not a number to int()."""
    number = parse_decimal(value)
    if number is None or number != number.to_integral_value():
        return None
    return int(number)


def future_message(name: str) -> str:
    """A date that must have happened but is in the future: the one message pages and API give."""
    return f"{name} must be today or in the past"
