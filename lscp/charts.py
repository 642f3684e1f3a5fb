"""Server-rendered charts: inline SVG whose geometry is computed here from the data.

No JavaScript, and no style attributes (the pages' Content-Security-Policy forbids them): bars
are SVG rectangles whose x, y and width are attributes, coloured with SVG `fill` attributes, so
the same markup renders in the browser and in WeasyPrint PDFs. Every chart is an image with an
accessible name, and is always shown beside the table of its figures: nothing depends on seeing it.

Public entry points, each returning a dataclass that its template in `templates/includes/`
(`chart_bars.html`, `chart_stacked.html`, `chart_progress.html`, `chart_columns.html`) renders:
- `bar_chart(items, title=...)`: one horizontal bar per (label, value);
- `stacked_chart(rows, series=..., title=...)`: one 100% bar per row, split into its series' shares;
- `progress_chart(items, title=...)`: per (label, planned, done), an outlined bar for the planned
  amount with the amount done drawn over it (budget against actual; red when done exceeds planned);
- `column_chart(items, title=...)`: vertical columns left to right (`chart_columns.html`), for a
  trend over time such as an indicator's quarters; a missing value is a marked gap.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from lscp.money import format_money

# GOV.UK colours: blue, green, purple, orange, then grey.
SERIES_COLOURS = ["#1d70b8", "#00703c", "#4c2c92", "#f47738", "#505a5f", "#912b88"]
BAR_COLOUR = "#1d70b8"
HIGHLIGHT_COLOUR = "#f47738"
AVERAGE_COLOUR = "#505a5f"
TEXT_COLOUR = "#0b0c0c"

WIDTH = 480  # the default, for a chart in half a page's width; pass width= for a wider one
LABEL_WIDTH = 176
VALUE_WIDTH = 100
ROW_HEIGHT = 26
BAR_HEIGHT = 18
FONT_SIZE = 15  # drawn at its own size (1 px a unit) on a phone: at least 14 px (WCAG 1.4.4 aside, legible)
WIDE = 600  # a chart at least this wide has room for longer labels


def _label_width(width: int) -> int:
    return LABEL_WIDTH if width < WIDE else 280


def _short(label: str, label_width: int, *, bold: bool = False) -> str:
    most = int(label_width // (FONT_SIZE * (0.7 if bold else 0.62)))
    return label if len(label) <= most else label[: most - 1].rstrip() + "…"


@dataclass(frozen=True)
class Bar:
    label: str
    short_label: str
    value: Decimal
    text: str
    y: int
    text_y: int
    width: Decimal
    value_x: Decimal
    fill: str
    bold: bool


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    width: int = WIDTH
    height: int = 0
    label_x: int = LABEL_WIDTH - 8
    plot_x: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT
    font_size: int = FONT_SIZE
    text_fill: str = TEXT_COLOUR


def bar_chart(
    items: Sequence[tuple[str, Decimal]],
    *,
    title: str,
    format_value: Callable[[Decimal], str] = format_money,
    highlight: Collection[str] = (),
    averages: Collection[str] = (),
    width: int = WIDTH,
) -> BarChart:
    """Horizontal bars, longest = the largest value. `highlight` and `averages` name the labels
    drawn in the highlight and average colours (and in bold)."""
    label_width = _label_width(width)
    plot_width = Decimal(width - label_width - VALUE_WIDTH)
    values = [Decimal(value) for _, value in items]
    largest = max([v for v in values if v > 0], default=Decimal(0))
    bars = []
    for index, ((label, _), value) in enumerate(zip(items, values, strict=True)):
        bar_width = (plot_width * value / largest).quantize(Decimal("0.1")) if largest and value > 0 else Decimal(0)
        y = 4 + index * ROW_HEIGHT
        if label in highlight:
            fill = HIGHLIGHT_COLOUR
        elif label in averages:
            fill = AVERAGE_COLOUR
        else:
            fill = BAR_COLOUR
        bars.append(
            Bar(
                label=label,
                short_label=_short(label, label_width, bold=label in highlight or label in averages),
                value=value,
                text=format_value(value),
                y=y,
                text_y=y + BAR_HEIGHT - 4,
                width=bar_width,
                value_x=label_width + bar_width + 6,
                fill=fill,
                bold=label in highlight or label in averages,
            )
        )
    return BarChart(
        title=title,
        bars=bars,
        width=width,
        height=8 + len(bars) * ROW_HEIGHT,
        label_x=label_width - 8,
        plot_x=label_width,
    )


@dataclass(frozen=True)
class Segment:
    series: str
    x: Decimal
    width: Decimal
    fill: str


@dataclass(frozen=True)
class StackedRow:
    label: str
    short_label: str
    y: int
    text_y: int
    segments: list[Segment]
    bold: bool


@dataclass(frozen=True)
class LegendItem:
    series: str
    x: int
    y: int
    text_x: int
    text_y: int
    fill: str


@dataclass(frozen=True)
class StackedChart:
    title: str
    rows: list[StackedRow]
    legend: list[LegendItem] = field(default_factory=list)
    width: int = WIDTH
    height: int = 0
    label_x: int = LABEL_WIDTH - 8
    plot_x: int = LABEL_WIDTH
    plot_width: int = WIDTH - LABEL_WIDTH - 8
    bar_height: int = BAR_HEIGHT
    font_size: int = FONT_SIZE
    text_fill: str = TEXT_COLOUR


def stacked_chart(
    rows: Sequence[tuple[str, Sequence[Decimal]]],
    *,
    series: Sequence[str],
    title: str,
    highlight: Collection[str] = (),
    width: int = WIDTH,
    colours: Sequence[str] | None = None,
) -> StackedChart:
    """One bar per row, the full width of the plot, split into each series' share of the row.
    `colours` gives each series its own colour (e.g. red, amber, green) instead of the palette."""
    palette = list(colours) if colours else SERIES_COLOURS
    label_width = _label_width(width)
    plot_width = Decimal(width - label_width - 8)
    legend = []
    x, y = 0, 4
    for index, name in enumerate(series):
        item_width = 24 + int(len(name) * FONT_SIZE * 0.6)
        if x and x + item_width > width:  # wrap the legend onto another line
            x, y = 0, y + 20
        legend.append(
            LegendItem(series=name, x=x, y=y, text_x=x + 16, text_y=y + 11, fill=palette[index % len(palette)])
        )
        x += item_width
    top = y + 26
    chart_rows = []
    for index, (label, values) in enumerate(rows):
        values = [Decimal(v) for v in values]
        total = sum(values, Decimal(0))
        segments, position = [], Decimal(0)
        for series_index, value in enumerate(values):
            segment_width = (
                (plot_width * value / total).quantize(Decimal("0.1")) if total > 0 and value > 0 else Decimal(0)
            )
            segments.append(
                Segment(
                    series=series[series_index],
                    x=label_width + position,
                    width=segment_width,
                    fill=palette[series_index % len(palette)],
                )
            )
            position += segment_width
        y = top + index * ROW_HEIGHT
        chart_rows.append(
            StackedRow(
                label=label,
                short_label=_short(label, label_width, bold=label in highlight),
                y=y,
                text_y=y + BAR_HEIGHT - 4,
                segments=segments,
                bold=label in highlight,
            )
        )
    return StackedChart(
        title=title,
        rows=chart_rows,
        legend=legend,
        width=width,
        plot_width=width - label_width - 8,
        label_x=label_width - 8,
        plot_x=label_width,
        height=top + 4 + len(chart_rows) * ROW_HEIGHT,
    )


@dataclass(frozen=True)
class ProgressBar:
    label: str
    short_label: str
    planned: Decimal
    done: Decimal
    text: str
    y: int
    text_y: int
    planned_width: Decimal
    done_width: Decimal
    done_y: int
    value_x: Decimal
    over: bool
    done_fill: str


@dataclass(frozen=True)
class ProgressChart:
    title: str
    bars: list[ProgressBar]
    planned_name: str
    done_name: str
    legend_done_x: int = 90
    legend_over_x: int = 170
    width: int = WIDTH
    height: int = 0
    label_x: int = LABEL_WIDTH - 8
    plot_x: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT
    done_height: int = BAR_HEIGHT - 8
    font_size: int = FONT_SIZE
    text_fill: str = TEXT_COLOUR
    planned_fill: str = "#d2e2f1"
    planned_stroke: str = BAR_COLOUR
    done_fill: str = "#003078"
    over_fill: str = "#d4351c"
    can_exceed: bool = True  # whether the legend explains a done bar longer than its planned one


def progress_chart(
    items: Sequence[tuple[str, Decimal, Decimal]],
    *,
    title: str,
    planned_name: str = "Budget",
    done_name: str = "Actual",
    format_value: Callable[[Decimal], str] = lambda v: format_money(v, pence=False),
    width: int = WIDTH,
    done_colour: str = "#003078",
    can_exceed: bool = True,
) -> ProgressChart:
    """Per item an outlined bar for the planned amount and a thinner bar over it for the amount
    done, on one scale (the largest of either). The value reads "£done of £planned". When done
    can never exceed planned (overdue actions of the open ones), `can_exceed=False` drops the
    legend's "over" entry; `done_colour` colours the done bars."""
    label_width = _label_width(width)
    plot_width = Decimal(width - label_width - 2 * VALUE_WIDTH)
    largest = max([max(Decimal(p), Decimal(d)) for _, p, d in items], default=Decimal(0))
    top = 26
    bars = []
    for index, (label, planned, done) in enumerate(items):
        planned, done = Decimal(planned), Decimal(done)

        def scaled(value: Decimal) -> Decimal:
            return (plot_width * value / largest).quantize(Decimal("0.1")) if largest and value > 0 else Decimal(0)

        y = top + index * ROW_HEIGHT
        over = done > planned
        bars.append(
            ProgressBar(
                label=label,
                short_label=_short(label, label_width),
                planned=planned,
                done=done,
                text=f"{format_value(done)} of {format_value(planned)}",
                y=y,
                text_y=y + BAR_HEIGHT - 4,
                planned_width=scaled(planned),
                done_width=scaled(done),
                done_y=y + 4,
                value_x=label_width + max(scaled(planned), scaled(done)) + 6,
                over=over,
                done_fill="#d4351c" if over else done_colour,
            )
        )
    done_x = 24 + int(len(planned_name) * FONT_SIZE * 0.6)
    return ProgressChart(
        title=title,
        bars=bars,
        planned_name=planned_name,
        done_name=done_name,
        legend_done_x=done_x,
        legend_over_x=done_x + 24 + int(len(done_name) * FONT_SIZE * 0.6),
        done_fill=done_colour,
        can_exceed=can_exceed,
        width=width,
        label_x=label_width - 8,
        plot_x=label_width,
        height=top + 4 + len(bars) * ROW_HEIGHT,
    )


@dataclass(frozen=True)
class Column:
    label: str
    lines: tuple[str, ...]  # the label drawn under the column, one line each
    value: Decimal | None
    text: str
    x: Decimal
    centre: Decimal
    y: Decimal
    height: Decimal
    text_y: Decimal
    fill: str
    bold: bool

    @property
    def missing(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class ColumnChart:
    title: str
    columns: list[Column]
    missing_text: str
    width: int = WIDTH
    height: int = 0
    baseline_y: int = 0
    label_y: int = 0
    column_width: Decimal = Decimal(0)
    font_size: int = FONT_SIZE
    small_font_size: int = FONT_SIZE - 1
    text_fill: str = TEXT_COLOUR
    axis_stroke: str = "#505a5f"
    missing_fill: str = "#505a5f"


def column_chart(
    items: Sequence[tuple[str, Decimal | None]],
    *,
    title: str,
    format_value: Callable[[Decimal], str] = str,
    highlight: Collection[str] = (),
    missing_text: str = "none",
    width: int = WIDTH,
    plot_height: int = 150,
) -> ColumnChart:
    """Vertical columns in order, left to right (a trend over time): each labelled underneath (a
    "\\n" in a label breaks it onto a second line) and with its value above it; a value of None is
    a gap marked `missing_text`. Columns start at zero; the tallest is the largest value."""
    top, label_space = 22, 8 + 2 * (FONT_SIZE + 2)
    slot = Decimal(width) / max(len(items), 1)
    column_width = (slot * Decimal("0.6")).quantize(Decimal("0.1"))
    values = [None if value is None else Decimal(value) for _, value in items]
    largest = max([v for v in values if v is not None and v > 0], default=Decimal(0))
    baseline = top + plot_height
    columns = []
    for index, ((label, _), value) in enumerate(zip(items, values, strict=True)):
        height = (
            (Decimal(plot_height) * value / largest).quantize(Decimal("0.1"))
            if value is not None and value > 0 and largest
            else Decimal(0)
        )
        left = (slot * index + (slot - column_width) / 2).quantize(Decimal("0.1"))
        columns.append(
            Column(
                label=label.replace("\n", " "),
                lines=tuple(label.split("\n")),
                value=value,
                text=missing_text if value is None else format_value(value),
                x=left,
                centre=(left + column_width / 2).quantize(Decimal("0.1")),
                y=baseline - height,
                height=height,
                text_y=baseline - height - 6,
                fill=HIGHLIGHT_COLOUR if label in highlight else BAR_COLOUR,
                bold=label in highlight,
            )
        )
    return ColumnChart(
        title=title,
        columns=columns,
        missing_text=missing_text,
        width=width,
        height=baseline + label_space,
        baseline_y=baseline,
        label_y=baseline + FONT_SIZE + 4,
        column_width=column_width,
    )
