"""The tables escalation writes thousands of rows a second into (issue 15's bench: the outbox's
emails and copies, the escalation steps) carry no index that another already covers: each one
costs every insert, and the bench's throughput rose from about 1,950 to about 2,300 clocks a
second without the five that were redundant (two LIKE indexes Django adds for unique CharFields,
and the foreign keys' own indexes where a unique constraint starts with the same column)."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

HOT = ["lscp_outboxemail", "lscp_outboxdelivery", "lscp_escalation"]
# Read through several indexes that lead with the partnership: an index of the partnership alone
# beside them is one the planner may take instead, reading every row of the partnership to filter
# (the API's actions, status + overdue, read all the busy partnership's 20,000 through it). The
# clocks are also written by every escalation step (next_escalation_on is indexed, so each step's
# update writes every index of the row).
LISTED = ["reviews_action", "lscp_deadline"]


def indexes(table: str) -> dict[str, tuple[list[str], str]]:
    """{index name: (its columns in order, its definition)}."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname, array_agg(a.attname ORDER BY k.ord), pg_get_indexdef(x.indexrelid)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
            WHERE x.indrelid = %s::regclass
            GROUP BY i.relname, x.indexrelid
            """,
            [table],
        )
        return {name: (columns, definition) for name, columns, definition in cursor.fetchall()}


@pytest.mark.parametrize("table", HOT)
def test_no_index_on_the_escalation_hot_path_is_covered_by_another(table):
    found = indexes(table)
    assert not [name for name, (_, definition) in found.items() if "pattern_ops" in definition], found
    assert not covered_indexes(found), (
        f"{table}: indexes another covers (index, covering index): {covered_indexes(found)}"
    )


@pytest.mark.parametrize("table", LISTED)
def test_no_index_of_a_listed_table_is_covered_by_another(table):
    found = indexes(table)
    assert not covered_indexes(found), (
        f"{table}: indexes another covers (index, covering index): {covered_indexes(found)}"
    )


def covered_indexes(found: dict[str, tuple[list[str], str]]) -> list[tuple[str, str]]:
    """(index, a wider index that starts with the same columns), for plain indexes."""
    return [
        (name, other)
        for name, (columns, definition) in found.items()
        for other, (wider, other_definition) in found.items()
        if other != name
        and " WHERE " not in definition
        and " WHERE " not in other_definition
        and "UNIQUE" not in definition
        and len(wider) > len(columns)
        and wider[: len(columns)] == columns
    ]
