"""Server-side sorting and pagination for every list page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Expression, F
from django.db.models.fields.tuple_lookups import TupleGreaterThan, TupleLessThan
from django.utils import timezone

from lscp import activity

PAGE_SIZE = 25


@dataclass(frozen=True)
class Sorting:
    key: str
    descending: bool


def sort(request, queryset, *, columns: dict[str, str | list[str]], default: str):
    """Order `queryset` by the `?sort=` column (`-name` for descending) among `columns`.

    Unknown columns fall back to the default, so a crafted URL cannot order by any field.
    """
    wanted = request.GET.get("sort", default)
    descending = wanted.startswith("-")
    key = wanted.lstrip("-")
    if key not in columns:
        descending = default.startswith("-")
        key = default.lstrip("-")
    fields = columns[key]
    fields = [fields] if isinstance(fields, str) else list(fields)
    order = [f"-{f}" if descending else f for f in fields] + ["pk"]
    return queryset.order_by(*order), Sorting(key=key, descending=descending)


def paginate(request, items, *, per_page: int = PAGE_SIZE) -> Page:
    """The page of `items` the request asks for. Every list page calls it, so here each list read
    is written to the activity log: the model, the filters (the list's TenantFilterSet's cleaned
    values), the rows on this page and the total (the paginator's count: no extra query)."""
    paginator = Paginator(items, per_page)
    page = paginator.get_page(request.GET.get("page"))
    model = getattr(items, "model", None)
    if model is not None:
        activity.record_list(
            request,
            model,
            filters=activity.filters_of(getattr(request, "lscp_filters", None)),
            shown=page.end_index() - page.start_index() + 1 if paginator.count else 0,
            total=paginator.count,
            page=page.number,
        )
    return page


class _Compiled(Expression):
    """A condition whose SQL was written once (see `filter_compiled`). Moved into another query
    (a subquery's aliases renamed), it is the condition itself again, compiled there as usual."""

    conditional = True

    def __init__(self, condition, sql: str, params):
        super().__init__(output_field=BooleanField())
        self.condition, self.sql, self.params = condition, sql, tuple(params)

    def as_sql(self, compiler, connection):
        return self.sql, self.params

    def relabeled_clone(self, change_map):
        return self.condition.relabeled_clone(change_map)


def filter_compiled(queryset, condition):
    """`queryset.filter(condition)`, the condition written as SQL once, here, rather than again by
    each statement a list page makes of the queryset (the paginator's count, then the page). For a
    condition of correlated subqueries writing the SQL is most of its cost: the cases list's
    "overdue" filter, seven Exists(), about 1.7 ms each time (issue 15). The condition may refer to
    the queryset's own rows only (OuterRef in its subqueries), not join other tables."""
    queryset = queryset._chain()
    # Resolved against the queryset's own query, which then knows its subqueries' alias prefixes
    # (so that, moved into another query, its aliases are renamed clear of them).
    node = queryset.query.build_where(condition)
    sql, params = queryset.query.get_compiler(using=queryset.db).compile(node)
    return queryset.filter(_Compiled(node, sql, params))


@dataclass
class Latest:
    """The newest `limit` rows of a list, oldest first, and how many rows the list has: a record
    page's history (its emails, escalation steps, changes) stays the same size however long the
    record has lived; the whole list is a page of its own (the case's timeline)."""

    rows: list
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)


def latest(queryset, limit: int = 20) -> Latest:
    """The newest `limit` rows of an ordered queryset, oldest first (one query; a second counts
    the list only when it is longer than `limit`)."""
    rows = list(queryset.reverse()[:limit])
    rows.reverse()
    return Latest(rows, len(rows) if len(rows) < limit else queryset.count())


# ----------------------------------------------------------------------------------------------
# Keyset pagination: for a list too long to count or to skip through (the activity log)


@dataclass
class KeysetPage:
    """A page of a list read newest first by (`at`, `id`): its rows, and the cursors of the pages
    either side (None where there is none). No page number and no total: neither is known without
    counting every row."""

    object_list: list = field(default_factory=list)
    newer: str | None = None
    older: str | None = None

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def _cursor(row) -> str:
    """A row's place: its `at` in microseconds since the epoch and its id (URL-safe, no signing
    needed: a crafted cursor only moves where the page starts, inside the same filtered rows)."""
    delta = row.at - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return f"{micros}.{row.pk}"


def _position(value: str | None) -> tuple[dt.datetime, int] | None:
    """The (at, id) a cursor names; None for no cursor or one that is not ours."""
    micros, _, pk = (value or "").partition(".")
    try:
        at = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=int(micros))
        return timezone.localtime(at), int(pk)
    except (ValueError, OverflowError):
        return None


def _read(items, order: tuple[str, str], limit: int) -> list:
    """The first `limit` rows of `items` in `order`, chosen by their ids alone in a subquery and
    then read whole, with their joins, in one statement: the choosing reads only an index (on
    (partnership, event, at, id) for the event filter), where a query of whole rows was planned as
    a walk back along `at` through every other event, sure it would soon meet enough (the busy
    partnership's commonest event, all of it years old: 240,000 rows filtered away, 32 ms; issue 15)."""
    return list(items.filter(pk__in=items.order_by(*order).values("pk")[:limit]).order_by(*order))


def keyset_paginate(request, items, *, per_page: int = PAGE_SIZE) -> KeysetPage:
    """The page of `items` (newest first by `at`, then `id`) after `?older=` or before `?newer=`,
    read by an index range scan however deep the page (an index on (..., at DESC, id DESC) serves
    it). The list read is recorded as paginate() records it, with the rows shown and no total."""
    older, newer = _position(request.GET.get("older")), _position(request.GET.get("newer"))
    key = (F("at"), F("pk"))
    page = None
    if newer is not None:
        rows = _read(items.filter(TupleGreaterThan(key, newer)), ("at", "pk"), per_page + 1)
        if len(rows) > per_page:  # else this is the first page: read it as the first page
            rows = rows[:per_page][::-1]
            page = KeysetPage(rows, newer=_cursor(rows[0]), older=_cursor(rows[-1]))
    if page is None:
        first = older is None
        if not first:
            items = items.filter(TupleLessThan(key, older))
        rows = _read(items, ("-at", "-pk"), per_page + 1)
        page = KeysetPage(rows[:per_page])
        if len(rows) > per_page:
            page.older = _cursor(rows[per_page - 1])
        if not first and rows:
            page.newer = _cursor(rows[0])
    model = getattr(items, "model", None)
    if model is not None:
        activity.record_list(
            request,
            model,
            filters=activity.filters_of(getattr(request, "lscp_filters", None)),
            shown=len(page),
            total=None,
            page=None,
        )
    return page
