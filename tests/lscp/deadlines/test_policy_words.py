"""Issue 14 §3: the deadline policy page's words come from each clock's own definition (anchor,
length, unit, direction), for every registered kind; the final-report clock is counted back from
planned publication and says so."""

import html as html_lib
import re

import pytest
from django.urls import reverse

from lscp import deadlines
from lscp.deadlines.engine import length_words

pytestmark = pytest.mark.django_db


def text(html: str) -> str:
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.mark.parametrize("key", list(deadlines.REGISTRY))
def test_every_clocks_words_name_the_anchor_and_direction_it_is_counted_from(key):
    kind = deadlines.REGISTRY[key]
    words = deadlines.describe(kind)
    start = kind.starts[0].label
    assert words.runs_from == start
    if kind.due_on is not None:
        assert words.due == f"on {kind.due_on_label}"
    elif kind.counts_back_from is not None:
        assert words.due == f"{length_words(kind.length, kind.unit)} before {kind.counts_back_label}"
    else:
        assert words.due == f"{length_words(kind.length, kind.unit)} after {start}"


def test_the_policy_page_shows_each_clocks_words_and_the_final_report_clock_counts_back(world_a, as_user):
    page = text(
        as_user(world_a.people["business"]).get(reverse("deadline-policy", args=[world_a.slug])).content.decode()
    )
    for kind in deadlines.REGISTRY.values():
        words = deadlines.describe(kind)
        row = f"{kind.label} {words.due[0].upper()}{words.due[1:]}"
        assert row in page, row
    assert (
        "Send the final report to the Panel and the DfE 7 working days before planned publication "
        "The date the final report was received" in page
    )
    assert "Complete the LCSPR 6 calendar months after the date of the decision to commission it" in page
    assert "Notify the National Panel 5 working days after the date the local authority became aware" in page
