"""Querysets whose SQL is compiled once per process: built by the ORM from stand-in values the first
time, then run with each call's own values.

Why: a page that reads the same shape of query on every request can spend more in the ORM than in
the database. A plan's page reads its actions with four subqueries each and a RAG CASE of five
WHENs; building and compiling those queries cost about 20 ms a request on the national bench
(issue 15), running them about 5 ms. The SQL does not change from one request to the next; only its
parameters do.

How: `Compiled(builder)` wraps a function that builds a queryset from keyword values (ints, dates,
or tuples of ints for `__in`). The first call for a shape (the names, each tuple's length and the
caller's `shape`) builds the queryset from stand-ins (values no record has:
ints below -10**15, dates in the second millennium's first years), compiles it, and checks that
every stand-in reached the parameters and none reached the SQL text. Each call then runs that SQL
with the stand-ins replaced by its values, through the ORM's own iterables (model instances,
select_related, annotations and values() rows as usual), and returns a list, so that nothing can be
chained onto a query the SQL would not show.

What it keeps: the SQL is the ORM's own, with the partnership's id among its parameters exactly as
before (and row-level security as ever); no data is cached, only the text of a query. A builder
must take as arguments every value that varies, and use them only as values of the query (never
in Python); anything else the SQL depends on (a ContentType id from ContentType's cache) goes in
`shape`, so that it names another compiled query when it changes."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections
from django.db.models import QuerySet

_INT_BASE = -(10**15)
_FIRST_YEAR = 1001

Value = int | dt.date | tuple[int, ...]


@dataclass(frozen=True)
class _Compiled:
    queryset: QuerySet
    compiler: object
    sql: str
    params: tuple
    fill: tuple[tuple[int, str, int | None], ...]  # (position in params, value's name, index in a tuple)


class Compiled:
    def __init__(self, builder: Callable[..., QuerySet]):
        self.builder = builder
        self._compiled: dict[tuple, _Compiled] = {}
        self._lock = threading.Lock()

    def __call__(self, *, shape: tuple = (), **values: Value) -> list:
        """The builder's queryset for these values, evaluated (a list)."""
        if any(isinstance(v, tuple) and not v for v in values.values()):
            return list(self.builder(**values))  # `__in` nothing: the ORM answers without a query
        key = (shape, tuple((name, _kind(value)) for name, value in sorted(values.items())))
        compiled = self._compiled.get(key)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(key) or self._compiled.setdefault(key, self._compile(values))
        params = list(compiled.params)
        for position, name, index in compiled.fill:
            params[position] = values[name] if index is None else values[name][index]
        return _run(compiled, tuple(params))

    def _compile(self, values: dict[str, Value]) -> _Compiled:
        stand_ins, where = _stand_ins(values)
        queryset = self.builder(**stand_ins)
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        fill = []
        for position, param in enumerate(params):
            if _is_value(param) and param in where:
                fill.append((position, *where[param]))
        reached = {(name, index) for _, name, index in fill}
        missing = [where[s] for s in where if where[s] not in reached]
        in_text = [s for s in where if _text(s) in sql]
        if missing or in_text:
            raise ValueError(
                f"{self.builder.__name__}: every value must reach the query's parameters, and only them "
                f"(not in its parameters: {missing}; written into its SQL: {in_text})"
            )
        return _Compiled(queryset, compiler, sql, tuple(params), tuple(fill))


def _run(compiled: _Compiled, params: tuple) -> list:
    """The compiled query run through the ORM's own iterable: a fresh compiler on this thread's
    connection, with the state compiling left (which columns are which: read, never changed, by
    running) and this call's parameters."""
    queryset = compiled.queryset._chain()
    built = compiled.compiler
    compiler = built.__class__(built.query, connections[queryset.db], built.using, built.elide_empty)
    for name in ("select", "klass_info", "annotation_col_map", "col_count", "has_extra_select"):
        setattr(compiler, name, getattr(built, name))
    compiler.as_sql = lambda *args, **kwargs: (compiled.sql, params)
    queryset.query.get_compiler = lambda *args, **kwargs: compiler
    return list(queryset)


def _kind(value: Value):
    return len(value) if isinstance(value, tuple) else type(value)


def _is_value(param) -> bool:
    return (isinstance(param, int) and not isinstance(param, bool)) or (
        isinstance(param, dt.date) and not isinstance(param, dt.datetime)
    )


def _text(stand_in) -> str:
    return str(abs(stand_in)) if isinstance(stand_in, int) else stand_in.isoformat()


def _stand_ins(values: dict[str, Value]) -> tuple[dict[str, Value], dict]:
    """A stand-in for each value (each int of a tuple its own), and where each stands."""
    stand_ins: dict[str, Value] = {}
    where: dict = {}
    counter = 0

    def next_for(value, name, index):
        nonlocal counter
        counter += 1
        if isinstance(value, dt.datetime) or not _is_value(value):
            raise TypeError(f"{name}: a compiled query takes ints, dates and tuples of ints, not {value!r}")
        stand_in = _INT_BASE - counter if isinstance(value, int) else dt.date(_FIRST_YEAR + counter, 1, 1)
        where[stand_in] = (name, index)
        return stand_in

    for name, value in sorted(values.items()):
        if isinstance(value, tuple):
            stand_ins[name] = tuple(next_for(v, name, i) for i, v in enumerate(value))
        else:
            stand_ins[name] = next_for(value, name, None)
    return stand_ins, where
