"""Financial years (April to March) and their labels: "2020-21" in URLs, the database and the API,
"2020/21" (`display`) wherever a person reads one, as the partnership's own documents write it."""

from __future__ import annotations

import datetime as dt
import re

FIRST_START, LAST_START = 1990, 2098
_PATTERN = re.compile(r"^(\d{4})\s*[-/\u2013\u2014]\s*(\d{2}|\d{4})$")


def label_for(start: int) -> str:
    """The label of the year that starts on 1 April `start`: 2020 -> '2020-21'."""
    return f"{start}-{(start + 1) % 100:02d}"


def start_of(label: str) -> int:
    return int(label[:4])


def previous(label: str) -> str:
    return label_for(start_of(label) - 1)


def following(label: str, years: int = 1) -> str:
    return label_for(start_of(label) + years)


def first_day(label: str) -> dt.date:
    return dt.date(start_of(label), 4, 1)


def last_day(label: str) -> dt.date:
    return dt.date(start_of(label) + 1, 3, 31)


def display(label: str) -> str:
    """'2020/21', as the partnership's own documents write it."""
    return label.replace("-", "/")


def parse(text: str) -> str:
    """'2020-21', '2020/21' or '2020-2021' -> '2020-21'. Raises ValueError with a message for a
    person: a year that is not April to the next March (like 2020-22) is refused, not guessed."""
    text = (text or "").strip()
    if not text:
        raise ValueError("Enter the financial year, like 2020/21")
    match = _PATTERN.match(text)
    if not match:
        raise ValueError(f"Enter the financial year as its two years, like 2020/21 (not '{text}')")
    start, end = int(match.group(1)), match.group(2)
    follows = int(end) == start + 1 if len(end) == 4 else int(end) == (start + 1) % 100
    if not follows:
        raise ValueError(
            f"{text} is not a financial year: a financial year runs from 1 April to 31 March of the next year, "
            f"so the one starting in April {start} is {display(label_for(start))}"
        )
    if not FIRST_START <= start <= LAST_START:
        raise ValueError(
            f"Enter a financial year from {display(label_for(FIRST_START))} to {display(label_for(LAST_START))}"
        )
    return label_for(start)
