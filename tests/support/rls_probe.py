# ruff: noqa: S608  (table names come from the app registry, quoted)
"""A test-only URL configuration: the project's routes, plus a probe that runs raw SQL inside a
request, the way a forgotten filter or an injected query would (tests/lscp/test_row_level_security.py).

GET /rls-probe/<slug>/ resolves the partnership as every page does (`context_for`), then for each
tenant-owned table counts, as raw SQL, its rows of every partnership, those of partnership `other`,
and tries to touch them. GET /rls-probe/ does the same without resolving any partnership.
"""

from __future__ import annotations

from django.db import DatabaseError, connection, transaction
from django.http import JsonResponse
from django.urls import path

from lscp import database
from lscp.urls import urlpatterns as project_urlpatterns
from partners.selectors import context_for


def _columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, table)
    return [column.name for column in description if column.name not in ("id", "partnership_id")]


def probe(request, slug: str | None = None):
    ours = context_for(request.user, slug).partnership.pk if slug else None
    other = int(request.GET["other"])
    q = connection.ops.quote_name
    tables = {}
    for table in database.tenant_tables():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {q(table)}")
            total = cursor.fetchone()[0]
            cursor.execute(f"SELECT count(*) FROM {q(table)} WHERE partnership_id = %s", [other])
            theirs = cursor.fetchone()[0]
            cursor.execute(f"SELECT count(*) FROM {q(table)} WHERE partnership_id = %s", [ours])
            own = cursor.fetchone()[0]
        refusals = {}
        # Touch theirs: an UPDATE that changes nothing and a DELETE, in a savepoint rolled back.
        for verb, sql in [
            ("update", f"UPDATE {q(table)} SET partnership_id = partnership_id WHERE partnership_id = %s"),
            ("delete", f"DELETE FROM {q(table)} WHERE partnership_id = %s"),
        ]:
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(sql, [other])
                    refusals[verb] = cursor.rowcount
                    transaction.set_rollback(True)
            except DatabaseError as error:  # the append-only log refuses DELETE outright
                refusals[verb] = type(error.__cause__ or error).__name__
        # Write theirs: one of our rows copied as theirs, and one of ours moved to them.
        columns = ", ".join(q(c) for c in _columns(table))
        for verb, sql, params in [
            (
                "insert",
                f"INSERT INTO {q(table)} ({columns}, partnership_id) "
                f"SELECT {columns}, %s FROM {q(table)} WHERE partnership_id = %s LIMIT 1",
                [other, ours],
            ),
            ("move", f"UPDATE {q(table)} SET partnership_id = %s WHERE partnership_id = %s", [other, ours]),
        ]:
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    refusals[verb] = cursor.rowcount
                    transaction.set_rollback(True)
            except DatabaseError as error:
                refusals[verb] = str(error.__cause__ or error).splitlines()[0]
        tables[table] = {"total": total, "theirs": theirs, "own": own, **refusals}
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_setting('lscp.partnership', true)")
        role, setting = cursor.fetchone()
    return JsonResponse({"role": role, "setting": setting, "tables": tables})


urlpatterns = [
    path("rls-probe/", probe),
    path("rls-probe/<slug:slug>/", probe),
    *project_urlpatterns,
]
