# ruff: noqa: S608  (table names come from the app registry, quoted)
"""The database as a second tenant wall (issue 12, findings 9 and 10; lscp/database.py).

Raw SQL run inside a request for one partnership cannot read or write another's rows, in every
tenant-owned table (enumerated from the app registry); a request that resolves no partnership
reads no tenant rows at all; and the role the app logs in as owns nothing, cannot bypass the
policies, change the schema or rewrite the activity log.
"""

from __future__ import annotations

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

from lscp import database
from lscp.models import ActivityEvent
from lscp.tenancy import tenant_models

pytestmark = pytest.mark.django_db

# The tenant-owned tables today. A new one changes this number, on purpose: it is covered by the
# tests below the day it is added (its policies come from lscp/database.py after migrate).
# Issue 13: + retention's rules, holds and disposal records (3), the designated agencies (1), the
# seats, offices, signing policy and the LCSPR's and budget's sign-offs (5), the documents
# register's documents, versions and signatures (3).
TENANT_TABLES = 57
# Tables with a partnership_id column that are not a partnership's data (see below).
NOT_TENANT_OWNED = {"lscp_apitoken"}


@pytest.fixture
def world_a(shared_a):
    return shared_a


@pytest.fixture
def world_b(shared_b):
    return shared_b


def probe(client, slug: str | None, other) -> dict:
    url = f"/rls-probe/{slug}/" if slug else "/rls-probe/"
    response = client.get(url, {"other": other.partnership.pk})
    assert response.status_code == 200, response.content[:2000]
    return response.json()


def rows_by_table(world) -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in database.tenant_tables():
            cursor.execute(
                f"SELECT count(*) FROM {connection.ops.quote_name(table)} WHERE partnership_id = %s",
                [world.partnership.pk],
            )
            counts[table] = cursor.fetchone()[0]
    return counts


def test_every_tenant_table_has_row_level_security_and_its_policies():
    tables = database.tenant_tables()
    assert len(tables) == len(tenant_models()) == TENANT_TABLES
    with connection.cursor() as cursor:
        # Every table with a partnership_id column is a tenant-owned model's: none slips by.
        cursor.execute(
            "SELECT table_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND column_name = 'partnership_id'"
        )
        # Less API tokens: a token is a person's credential, read before any partnership is
        # known; its partnership_id only marks an agency system's (lscp/tokens.py).
        assert sorted(row[0] for row in cursor.fetchall() if row[0] not in NOT_TENANT_OWNED) == tables
        cursor.execute(
            "SELECT c.relname, c.relrowsecurity, array_agg(p.polname ORDER BY p.polname) "
            "FROM pg_class c LEFT JOIN pg_policy p ON p.polrelid = c.oid "
            "WHERE c.relname = ANY(%s) GROUP BY c.relname, c.relrowsecurity",
            [tables],
        )
        found = {name: (enabled, policies) for name, enabled, policies in cursor.fetchall()}
    assert sorted(found) == tables
    for table, (enabled, policies) in found.items():
        assert enabled, f"{table}: row-level security is off"
        assert {"lscp_system", "lscp_tenant"} <= set(policies), f"{table}: policies {policies}"


@pytest.mark.urls("tests.support.rls_probe")
def test_raw_sql_in_a_request_cannot_read_or_write_another_partnerships_rows(world_a, world_b, as_user):
    # Signed in first: the sign-in is itself a row in the person's partnerships' logs.
    client = as_user(world_a.people["business"])
    theirs_before = rows_by_table(world_b)
    ours_before = rows_by_table(world_a)
    # The other partnership has rows to find in (nearly) every table, so zeros below mean something.
    assert sum(1 for n in theirs_before.values() if n) >= TENANT_TABLES - 2, theirs_before

    result = probe(client, world_a.slug, world_b)

    assert result["role"] == settings.LSCP_DB_ROLES["runtime"]
    assert result["setting"] == str(world_a.partnership.pk)
    assert sorted(result["tables"]) == database.tenant_tables()
    for table, seen in result["tables"].items():
        assert seen["theirs"] == 0, f"{table}: read {seen['theirs']} of the other partnership's rows"
        assert seen["total"] == seen["own"] == ours_before[table], f"{table}: {seen}"
        # 0 rows touched (the activity log refuses UPDATE and DELETE to the role outright).
        assert seen["update"] in (0, "InsufficientPrivilege"), f"{table}: updated the other's rows"
        assert seen["delete"] in (0, "InsufficientPrivilege"), f"{table}: deleted the other's rows"
        if ours_before[table]:
            assert "row-level security" in str(seen["insert"]), f"{table}: insert for the other gave {seen['insert']}"
            refusal = "permission denied" if table in database.append_only_tables() else "row-level security"
            assert refusal in str(seen["move"]), f"{table}: moving a row to the other gave {seen['move']}"
    # Whatever was tried, the other partnership's rows are all there.
    assert rows_by_table(world_b) == theirs_before


@pytest.mark.urls("tests.support.rls_probe")
def test_a_request_that_resolves_no_partnership_reads_no_tenant_rows(world_a, world_b, as_user):
    assert sum(rows_by_table(world_a).values()) > 0
    result = probe(as_user(world_a.people["business"]), None, world_b)
    assert result["role"] == settings.LSCP_DB_ROLES["runtime"]
    assert result["setting"] == ""
    for table, seen in result["tables"].items():
        assert seen["total"] == 0, f"{table}: {seen['total']} rows with no partnership set"
        assert seen["update"] in (0, "InsufficientPrivilege")


@pytest.mark.urls("tests.support.rls_probe")
def test_another_partnerships_slug_sets_nothing(world_a, world_b, as_user):
    """A person who is not a member: the same 404, and no partnership left in scope."""
    response = as_user(world_a.people["business"]).get(f"/rls-probe/{world_b.slug}/", {"other": 0})
    assert response.status_code == 404
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_setting('lscp.partnership', true)")
        assert cursor.fetchone() == (settings.LSCP_DB_ROLES["system"], "")


def test_the_request_puts_the_connection_back_as_it_found_it(world_a, as_user):
    """Connections outlive requests: after one, the scope and partnership are as before it."""
    as_user(world_a.people["business"]).get(f"/{world_a.slug}/")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_setting('lscp.partnership', true)")
        assert cursor.fetchone() == (settings.LSCP_DB_ROLES["system"], "")


def test_tenant_scope_with_nothing_set_reads_nothing_and_system_scope_reads_all(world_a, world_b):
    counts = {t: rows_by_table(world_a)[t] + rows_by_table(world_b)[t] for t in database.tenant_tables()}
    previous = database.enter_tenant_scope()
    try:
        with connection.cursor() as cursor:
            for table in database.tenant_tables():
                cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
                assert cursor.fetchone()[0] == 0, table
        with database.system_scope(), connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(ActivityEvent._meta.db_table)}")
            assert cursor.fetchone()[0] >= counts[ActivityEvent._meta.db_table]
    finally:
        database.leave(previous)


# ----------------------------------------------------------------------------------------------
# The runtime role itself, connected to directly (as the app logs in, in production)


@pytest.fixture
def runtime():
    """A connection of the runtime role's own to this test database (outside the test's transaction)."""
    db = connection.settings_dict
    conn = psycopg2.connect(dbname=db["NAME"], user=settings.LSCP_DB_ROLES["runtime"], host=db["HOST"], port=db["PORT"])
    conn.autocommit = True
    yield conn.cursor()
    conn.close()


def refused(cursor, sql: str) -> str:
    try:
        cursor.execute(sql)
    except psycopg2.Error as error:
        return type(error).__name__
    return "allowed"


def one(cursor, sql: str, params=None):
    cursor.execute(sql, params)
    return cursor.fetchall()


def test_the_runtime_role_owns_nothing_and_cannot_bypass_the_policies(runtime):
    [(superuser, bypass, inherit)] = one(
        runtime, "SELECT rolsuper, rolbypassrls, rolinherit FROM pg_roles WHERE rolname = current_user"
    )
    assert (superuser, bypass, inherit) == (False, False, False)
    [(owned,)] = one(
        runtime,
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = current_user",
    )
    assert owned == 0
    # Tables are owned by another role (the owner that migrates).
    owners = one(
        runtime,
        "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class WHERE relname = ANY(%s)",
        [database.tenant_tables()],
    )
    assert settings.LSCP_DB_ROLES["runtime"] not in {o for (o,) in owners}


def test_the_runtime_role_cannot_change_the_schema_or_the_activity_log(runtime):
    log = connection.ops.quote_name(ActivityEvent._meta.db_table)
    triggers = one(
        runtime,
        "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
        [ActivityEvent._meta.db_table],
    )
    assert triggers, "the activity log has its append-only triggers"
    assert refused(runtime, "CREATE TABLE sneaky (id int)") == "InsufficientPrivilege"
    assert refused(runtime, f"DROP TRIGGER {triggers[0][0]} ON {log}") == "InsufficientPrivilege"
    assert refused(runtime, f"ALTER TABLE {log} DISABLE TRIGGER ALL") == "InsufficientPrivilege"
    assert refused(runtime, f"ALTER TABLE {log} DISABLE ROW LEVEL SECURITY") == "InsufficientPrivilege"
    assert refused(runtime, f"UPDATE {log} SET event = 'x'") == "InsufficientPrivilege"
    assert refused(runtime, f"DELETE FROM {log}") == "InsufficientPrivilege"
    assert refused(runtime, f"TRUNCATE {log}") == "InsufficientPrivilege"
    # The system role it may become has the same privileges, less the policies.
    refused(runtime, f"SET ROLE {settings.LSCP_DB_ROLES['system']}")
    assert refused(runtime, f"UPDATE {log} SET event = 'x'") == "InsufficientPrivilege"
    assert refused(runtime, f"TRUNCATE {log}") == "InsufficientPrivilege"
    assert refused(runtime, "CREATE TABLE sneaky (id int)") == "InsufficientPrivilege"


# ----------------------------------------------------------------------------------------------
# What it costs: the scope statements a request runs (tests/support/queries.py counts them apart
# from each page's own queries, and they are pinned here, once)


def test_the_scope_statements_a_request_runs(world_a, as_user, api):
    from tests.support import queries

    page = queries.get(as_user(world_a.people["business"]), f"/{world_a.slug}/partners/")
    # Tenant scope at the start, the partnership at context_for, the header's "Change
    # partnership" count in system scope and back, the scope put back at the end.
    assert len(page.scope) == 5, "\n".join(page.scope)
    call = queries.get(api(world_a.people["business"]), f"/api/v1/{world_a.slug}/members/")
    assert len(call.scope) == 3, "\n".join(call.scope)
    listing = queries.get(as_user(world_a.people["business"]), "/")
    # "Your partnerships" and the header's count each read the person's memberships in system scope.
    assert len(listing.scope) == 6, "\n".join(listing.scope)


def test_security_events_are_recorded_in_system_scope(world_a):
    """Sent from inside a request (tenant scope), their receivers (the activity log) run in system
    scope, so an installation-wide event, or one of a partnership not resolved, can be recorded."""
    from lscp.activity.signals import security_event

    seen = []

    def receiver(**kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            seen.append(cursor.fetchone()[0])

    security_event.connect(receiver, dispatch_uid="test-rls-receiver")
    previous = database.enter_tenant_scope()
    try:
        security_event.send(sender=None, request=None, event="sign-in", person=None, partnership=None, details={})
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            after = cursor.fetchone()[0]
    finally:
        database.leave(previous)
        security_event.disconnect(dispatch_uid="test-rls-receiver")
    assert seen == [settings.LSCP_DB_ROLES["system"]]
    assert after == settings.LSCP_DB_ROLES["runtime"]


def test_admin_lists_every_partnerships_rows_for_an_administrator_only(world_a, world_b, as_user):
    """Admin is the one page set across partnerships: in system scope, for superusers alone."""
    from django.test import Client
    from django.urls import reverse

    url = reverse("admin:partners_membership_changelist")
    client = Client()
    client.force_login(world_a.admin)
    listed = client.get(url).context["cl"].result_count
    assert listed == sum(rows_by_table(w)["partners_membership"] for w in (world_a, world_b)) > 0
    # Anyone else gets no further than admin's own refusal, and no scope is left behind.
    assert as_user(world_a.people["business"]).get(url).status_code in (302, 403, 404)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_setting('lscp.partnership', true)")
        assert cursor.fetchone() == (settings.LSCP_DB_ROLES["system"], "")


def test_celery_tasks_run_in_system_scope_wherever_they_run():
    """The sweep and the outbox cross partnerships: every task runs in system scope, even one run
    in a process (or a request) that was in tenant scope (lscp/celery.py)."""
    from celery import shared_task

    @shared_task(name="tests.rls.whoami")
    def whoami() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            return cursor.fetchone()[0]

    previous = database.enter_tenant_scope()
    try:
        assert whoami.apply().get() == settings.LSCP_DB_ROLES["system"]
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == settings.LSCP_DB_ROLES["runtime"]
    finally:
        database.leave(previous)
