"""Money (Decimal pounds and pence, shares that add up), the money form field, and the
server-rendered charts."""

import random
import re
from decimal import Decimal

import pytest
from django.template import Context, Template

from lscp import charts
from lscp.money import format_money, grouped_shares, share, shares_that_add_up, split_that_adds_up, to_pence
from lscp.web.forms import GovukForm, MoneyField, PercentField

D = Decimal


def test_format_money():
    assert format_money(D("1234.56")) == "£1,234.56"
    assert format_money(D("234504.21")) == "£234,504.21"
    assert format_money(D("0")) == "£0.00"
    assert format_money(D("-500")) == "-£500.00"
    assert format_money(D("0.005")) == "£0.01"  # half up, as money is rounded
    assert format_money(D("118469.0909"), pence=False) == "£118,469"
    assert format_money(None) == ""
    with pytest.raises(TypeError):
        format_money(0.1)


def test_money_template_filter():
    html = Template("{{ a|money }} {{ b|money_pounds }} {{ c|percent }} [{{ d|money }}]").render(
        Context({"a": D("1234.5"), "b": D("219160.45"), "c": D("68.3"), "d": None})
    )
    assert html == "£1,234.50 £219,160 68.3% []"


def test_shares_add_up_to_100_where_rounding_each_would_not():
    # Thurrock's row of the seed's comparison table.
    assert shares_that_add_up([D(108000), D(25000), D(15000), D(10050)]) == [D("68.3"), D("15.8"), D("9.5"), D("6.4")]
    # The seed's average amounts: rounded one by one they print 54.1 / 26.5 / 13.8 / 5.7 = 100.1%.
    exact = [D("118469.0909"), D("58127.8182"), D("30154.0909"), D("12409.4545")]
    assert [share(a, sum(exact)).quantize(D("0.1")) for a in exact] == [D("54.1"), D("26.5"), D("13.8"), D("5.7")]
    shown = shares_that_add_up(exact)
    assert shown == [D("54.0"), D("26.5"), D("13.8"), D("5.7")] and sum(shown) == 100
    assert shares_that_add_up([1, 1, 1]) == [D("33.4"), D("33.3"), D("33.3")]
    assert shares_that_add_up([0, 0]) == [D("0.0"), D("0.0")]
    assert shares_that_add_up([D("5")], places=2) == [D("100.00")]
    with pytest.raises(ValueError):
        shares_that_add_up([D(-1), D(2)])


def test_shares_always_add_up_and_stay_within_a_tenth_of_the_exact_share():
    rng = random.Random(20200821)
    for _ in range(2000):
        amounts = [D(rng.randint(0, 10_000_000)) / 100 for _ in range(rng.randint(1, 12))]
        if not sum(amounts):
            continue
        shown = shares_that_add_up(amounts)
        assert sum(shown) == D("100.0"), amounts
        for amount, value in zip(amounts, shown, strict=True):
            assert abs(value - share(amount, sum(amounts))) < D("0.1")


def test_grouped_shares_agree_with_their_groups_and_add_up():
    """Thurrock 2020/21 by organisation and by sector: the council, alone in its sector, reads
    the sector's figure (it was 75.7% by organisation and 75.6% by sector, on one page)."""
    amounts = [D("177444"), D("17777"), D("550"), D("1206.21"), D("4750"), D("17777"), D("5000"), D("5000")]
    amounts.append(D("5000"))
    groups = ["council", "police", "other", "other", "other", "health", "health", "health", "health"]
    by_group, each = grouped_shares(amounts, groups)
    assert by_group == {"council": D("75.6"), "police": D("7.6"), "other": D("2.8"), "health": D("14.0")}
    assert each[0] == by_group["council"] and each[1] == by_group["police"]
    assert shares_that_add_up(amounts)[0] == D("75.7")  # computed apart, the organisations' table disagreed
    assert sum(each) == D("100.0")
    for group, total in by_group.items():
        assert sum(s for s, g in zip(each, groups, strict=True) if g == group) == total
    rng = random.Random(14)
    for _ in range(300):
        amounts = [D(rng.randint(0, 10**6)) / 100 for _ in range(rng.randint(1, 12))]
        groups = [rng.choice("abcd") for _ in amounts]
        by_group, each = grouped_shares(amounts, groups)
        total = sum(amounts)
        assert sum(each) == (D("100.0") if total else 0)
        for value, rounded in zip(amounts, each, strict=True):
            assert abs(rounded - (value * 100 / total if total else 0)) < D("0.1")
    assert grouped_shares([D(0), D(0)], ["a", "b"]) == ({"a": D("0.0"), "b": D("0.0")}, [D("0.0"), D("0.0")])


def test_split_in_pence_adds_up_to_the_total():
    assert split_that_adds_up(D(100), [D(100) / 3] * 3) == [D("33.34"), D("33.33"), D("33.33")]
    rng = random.Random(7)
    for _ in range(500):
        weights = [D(rng.randint(1, 1000)) for _ in range(rng.randint(1, 6))]
        total = D(rng.randint(0, 10_000_000)) / 100
        parts = [total * w / sum(weights) for w in weights]
        assert sum(split_that_adds_up(total, parts)) == to_pence(total)


def test_many_small_amounts_sum_exactly_in_decimal_but_not_in_float():
    pennies = [D("0.01")] * 10_000 + [D("0.10")] * 1_000 + [D("1206.21")]
    assert sum(pennies, D(0)) == D("1406.21")
    # The control: the same sum in floating point is not exact, so the assertion above can fail.
    assert sum([0.01] * 10_000 + [0.10] * 1_000 + [1206.21]) != 1406.21


class AmountForm(GovukForm):
    amount = MoneyField(label="Agreed amount")
    optional = MoneyField(label="Amount invoiced", required=False)
    share = PercentField(label="Health", required=False)


@pytest.mark.parametrize(
    ("typed", "value"),
    [("1234.56", D("1234.56")), ("£1,234.5", D("1234.5")), (" 17777 ", D("17777")), ("-500", D("-500"))],
)
def test_money_field_reads_decimals(typed, value):
    form = AmountForm({"amount": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == value and isinstance(form.cleaned_data["amount"], Decimal)
    assert form.cleaned_data["optional"] is None


@pytest.mark.parametrize("typed", ["12,3x", "ten pounds", "1.2.3", "1e5", "NaN"])
def test_money_field_refuses_what_is_not_an_amount(typed):
    form = AmountForm({"amount": typed})
    assert not form.is_valid()
    assert form.errors["amount"] == ["The agreed amount must be an amount in pounds and pence, like 1234.56"]
    assert f'value="{typed}"' in str(form["amount"].as_field_group())  # input kept


def test_money_field_messages_and_prefix():
    form = AmountForm({"amount": "", "share": "54.15"})
    assert not form.is_valid()
    assert form.errors["amount"] == ["Enter agreed amount"]
    assert form.errors["share"] == ["Enter the share for health to one decimal place, like 54.1"]
    html = str(form["optional"].as_field_group())
    assert '<div class="govuk-input__prefix" aria-hidden="true">£</div>' in html
    assert 'inputmode="decimal"' in html and "data-prefix" not in html


def _render(template: str, chart) -> str:
    return Template('{% include "' + template + '" %}').render(Context({"chart": chart}))


def test_bar_chart_geometry_comes_from_the_data():
    chart = charts.bar_chart(
        [("Local authority", D("177444.00")), ("Health", D("32777.00")), ("Nothing", D(0))],
        title="Contributions",
        highlight=["Health"],
    )
    widest = chart.width - chart.plot_x - charts.VALUE_WIDTH
    assert chart.bars[0].width == widest
    assert chart.bars[1].width == (D(widest) * D("32777") / D("177444")).quantize(D("0.1"))
    assert chart.bars[2].width == 0
    assert chart.bars[1].fill == charts.HIGHLIGHT_COLOUR and chart.bars[0].fill == charts.BAR_COLOUR
    html = _render("includes/chart_bars.html", chart)
    assert 'role="img"' in html and 'aria-label="Contributions. The figures are in the table beside the chart."' in html
    assert "style=" not in html  # the pages' Content-Security-Policy forbids style attributes
    assert "£177,444.00" in html


def test_stacked_chart_fills_the_plot_in_proportion():
    chart = charts.stacked_chart(
        [("Thurrock", [D(108000), D(25000), D(15000), D(10050)]), ("Empty", [D(0)] * 4)],
        series=["Local authority", "Health", "Police", "Other agencies"],
        title="Shares",
    )
    segments = chart.rows[0].segments
    assert abs(sum(s.width for s in segments) - chart.plot_width) <= D("0.2")
    assert segments[1].x == segments[0].x + segments[0].width
    assert all(s.width == 0 for s in chart.rows[1].segments)
    html = _render("includes/chart_stacked.html", chart)
    assert "style=" not in html and html.count("<rect") == 4 + 4  # legend + Thurrock's segments


def test_progress_chart_marks_overspending():
    chart = charts.progress_chart(
        [("Staffing", D("120835"), D("60417.50")), ("Training", D("15000"), D("15500"))], title="Spending", width=720
    )
    assert not chart.bars[0].over and chart.bars[1].over
    assert chart.bars[0].planned_width == 720 - chart.plot_x - 2 * charts.VALUE_WIDTH
    assert chart.bars[1].done_fill != chart.bars[0].done_fill
    html = _render("includes/chart_progress.html", chart)
    assert "£60,418 of £120,835" in html and "style=" not in html
    assert re.search(r'<svg[^>]+viewBox="0 0 720 ', html)
