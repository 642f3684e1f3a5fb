"""The activity log below the app (issue 12, finding 9), on PostgreSQL: the database sets `at`,
refuses TRUNCATE, and hash-chains each partnership's rows; `manage.py verify_activity_log` names
the first broken link, whatever a database administrator changed, removed or slipped in."""

import datetime as dt
import io
import threading

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DatabaseError, connection, connections, transaction

from lscp import activity, database
from lscp.models import ActivityEvent
from tests.support.world import make_world

pytestmark = pytest.mark.django_db

BACK_THEN = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def database_now() -> dt.datetime:
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]


def verify(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_activity_log", *args, stdout=out, stderr=err)
    except SystemExit as exit:
        return exit.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def as_dba(sql: str, params=(), *, trigger: str = "lscp_activityevent_append_only") -> None:
    """What the table's owner could do with the trigger disabled (rolled back with the test): as
    the owner (the login role), since the runtime and system roles may not alter the table."""
    with database.login_role(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's pending checks, before ALTER TABLE
        cursor.execute(f"ALTER TABLE lscp_activityevent DISABLE TRIGGER {trigger}")
        cursor.execute(sql, params)
        cursor.execute(f"ALTER TABLE lscp_activityevent ENABLE TRIGGER {trigger}")


def chain(world):
    return list(ActivityEvent.objects.for_partnership(world.partnership).order_by("seq"))


def test_the_database_sets_at_whatever_the_orm_or_sql_gives(world_a):
    before = database_now()
    event = ActivityEvent.objects.for_partnership(world_a.partnership).create(
        partnership=world_a.partnership, kind="write", event="backdated.by_orm", at=BACK_THEN
    )
    assert event.at >= before, "the instance carries the database's time"
    event.refresh_from_db()
    assert before <= event.at <= database_now()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO lscp_activityevent (partnership_id, at, kind, event, object_id, object_repr, changes, details, "
            "hash) VALUES (%s, %s, 'write', 'backdated.by_sql', '', '', '{}', '{}', '') RETURNING at",
            [world_a.partnership.pk, BACK_THEN],
        )
        (at,) = cursor.fetchone()
    assert before <= at <= database_now()


def test_truncate_is_refused_unless_the_test_flush_allows_it(world_a):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's pending checks, before TRUNCATE
    # The app's roles have no TRUNCATE at all (lscp/database.py); the owner meets the trigger.
    with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE lscp_activityevent")
    with (
        database.login_role(),
        pytest.raises(DatabaseError, match="TRUNCATE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE lscp_activityevent")
    assert ActivityEvent.objects.for_partnership(world_a.partnership).exists()
    # The test suite's flush sets the transaction-local switch first (tests/support/postgresql).
    flush = connection.ops.sql_flush(no_style(), ["lscp_activityevent"])
    assert flush[0] == "SET LOCAL lscp.allow_log_truncate = 'on';"
    with database.login_role(), transaction.atomic():
        savepoint = transaction.savepoint()
        with connection.cursor() as cursor:
            for sql in flush:
                cursor.execute(sql)
        assert not ActivityEvent.dangerously_unscoped.exists()
        transaction.savepoint_rollback(savepoint)
    assert ActivityEvent.objects.for_partnership(world_a.partnership).exists()


def test_each_partnership_has_an_intact_chain(world_a, world_b):
    ActivityEvent.dangerously_unscoped.create(kind="security", event="sign-in-failed")  # installation-wide
    rows = chain(world_a)
    assert [e.seq for e in rows] == list(range(1, len(rows) + 1))
    assert all(len(e.hash) == 64 for e in rows) and len({e.hash for e in rows}) == len(rows)
    code, out, _ = verify()
    total = ActivityEvent.dangerously_unscoped.count()
    assert code == 0 and out.startswith(f"intact: {total} rows in 3 chains")
    assert verify("--partnership", world_a.slug)[1].startswith(f"intact: {len(rows)} rows in 1 chains")


def test_a_row_changed_below_the_app_is_named(world_a, world_b):
    target = chain(world_a)[2]
    as_dba("UPDATE lscp_activityevent SET object_repr = 'someone else' WHERE id = %s", [target.pk])
    code, _, err = verify()
    assert code == 1
    assert f"partnership {world_a.slug}, sequence {target.seq}, id {target.pk}" in err
    assert "hash does not match" in err
    assert verify("--partnership", world_b.slug)[0] == 0, "the other partnership's chain is intact"


def test_a_row_deleted_from_the_middle_is_named(world_a):
    rows = chain(world_a)
    as_dba("DELETE FROM lscp_activityevent WHERE id = %s", [rows[3].pk])
    code, _, err = verify()
    assert code == 1
    assert f"sequence {rows[4].seq}, id {rows[4].pk}" in err and f"follows {rows[2].seq}" in err


def test_a_back_dated_row_slipped_in_is_named(world_a):
    last = chain(world_a)[-1]
    as_dba(
        "INSERT INTO lscp_activityevent (partnership_id, at, kind, event, object_id, object_repr, changes, details, "
        "seq, hash) VALUES (%s, %s, 'write', 'person.added', '', 'Nobody', '{}', '{}', %s, %s) RETURNING id",
        [world_a.partnership.pk, BACK_THEN, last.seq + 1, last.hash],
        trigger="lscp_activityevent_chain",
    )
    code, _, err = verify()
    assert code == 1 and f"sequence {last.seq + 1}" in err and "earlier than the row before" in err


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_the_chain():
    """Two connections writing to one partnership's log at once: each waits for the other's
    transaction (the trigger's advisory lock), so the chain has no fork and no gap."""
    world = make_world("concurrent")
    ctx = world.ctx()
    start = threading.Barrier(2)
    errors = []

    def write(name):
        try:
            start.wait()
            for i in range(15):
                with transaction.atomic():
                    activity.record(ctx, event=f"{name}.{i}.first")
                    activity.record(ctx, event=f"{name}.{i}.second")
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    rows = chain(world)
    assert [e.seq for e in rows] == list(range(1, len(rows) + 1))
    assert [e.at for e in rows] == sorted(e.at for e in rows)
    for name in ("a", "b"):  # each transaction's two rows are next to each other
        for i in range(15):
            first = next(e for e in rows if e.event == f"{name}.{i}.first")
            assert rows[first.seq].event == f"{name}.{i}.second"
    code, out, _ = verify("--partnership", "concurrent")
    assert code == 0, out


def test_the_chain_trigger_reads_the_last_row_by_index_not_by_sorting_the_log(world_a):
    """The trigger reads the chain's last row with ORDER BY seq DESC NULLS LAST LIMIT 1 on every
    insert: without an index in that order PostgreSQL sorted the partnership's whole log each time
    (a busy partnership's 200,000 rows: quadratic; 50,000 rows did not load in ten minutes)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")  # a sort only where no index gives the order
        cursor.execute(
            "EXPLAIN SELECT seq, hash FROM lscp_activityevent WHERE partnership_id = %s "
            "ORDER BY seq DESC NULLS LAST LIMIT 1",
            [world_a.partnership.pk],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Sort" not in plan and "activity_chain_last" in plan, plan
