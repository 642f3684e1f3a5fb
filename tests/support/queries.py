"""Counting the SQL a page, an API call or a service runs: the one helper every query-count test
uses (Zulip's `assert_database_query_count` is the model). When a count is over its ceiling, or
grows with the data, the failure lists the SQL, so the N+1 is on the screen, not a number.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext

# The statements lscp/database.py runs to move a connection between the database's scopes (a
# `set_config` of the role and the partnership): a fixed few per request, whatever the page, so
# they are counted apart (`Queries.scope`) and pinned once, in tests/lscp/test_row_level_security.py,
# rather than added to every page's ceiling.
SCOPE_STATEMENT = re.compile(r"^SELECT set_config\('(role|lscp\.partnership)'")


class Queries:
    """The statements one block of code ran, in order (less the scope statements: `scope`)."""

    def __init__(self, sql: list[str] | None = None):
        self.sql = sql or []
        self.scope: list[str] = []

    def __len__(self) -> int:
        return len(self.sql)

    def __str__(self) -> str:
        return "\n".join(f"{n:3}. {_short(sql)}" for n, sql in enumerate(self.sql, 1))


def _short(sql: str, limit: int = 400) -> str:
    return sql if len(sql) <= limit else f"{sql[:limit]} …"


@contextmanager
def counted() -> Iterator[Queries]:
    """`with counted() as queries:` ... then `len(queries)` and `queries.sql`."""
    queries = Queries()
    with CaptureQueriesContext(connection) as captured:
        yield queries
    statements = [query["sql"] for query in captured.captured_queries]
    queries.sql = [sql for sql in statements if not SCOPE_STATEMENT.match(sql)]
    queries.scope = [sql for sql in statements if SCOPE_STATEMENT.match(sql)]


def get(client, url: str, *, status: int = 200) -> Queries:
    """The queries one GET of `url` ran (the response must be `status`)."""
    with counted() as queries:
        response = client.get(url)
    assert response.status_code == status, f"GET {url} gave {response.status_code}, not {status}"
    return queries


def assert_at_most(queries: Queries, ceiling: int, what: str = "") -> None:
    """No more than `ceiling` queries; over it, the failure lists them."""
    assert len(queries) <= ceiling, f"{what}: {len(queries)} queries, pinned at {ceiling}:\n{queries}"


def assert_constant(few: Queries, many: Queries, *, ceiling: int, what: str = "") -> None:
    """The same number of queries with little data as with much, and no more than `ceiling`.
    When they differ, the failure shows the statements one run has and the other lacks (numbers
    in the SQL made alike, so a query repeated per row stands out)."""
    if len(few) != len(many):
        diff = "\n".join(
            difflib.unified_diff(_shape(few), _shape(many), "with few rows", "with many rows", lineterm="", n=1)
        )
        raise AssertionError(f"{what}: {len(few)} queries with few rows, {len(many)} with many:\n{diff}")
    assert_at_most(many, ceiling, what)


def _shape(queries: Queries) -> list[str]:
    return [_short(re.sub(r"\b\d+\b", "N", sql)) for sql in queries.sql]
