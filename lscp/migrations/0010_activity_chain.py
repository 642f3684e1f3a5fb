"""The activity log below the app (PostgreSQL; the SQLite demo keeps only its append-only triggers,
which 0009's table rebuild dropped and this puts back).

- `at` is the database's clock: a BEFORE INSERT trigger sets it whatever the caller gave.
- Hash chains: each partnership's rows, and the installation-wide rows (no partnership), are a
  chain. The same trigger takes a per-chain advisory transaction lock, so concurrent writers
  chain one after the other in commit order, gives the row the chain's next `seq`, and sets
  `hash` = sha256(previous row's hash || the row's canonical content) in hex. The canonical
  content is a jsonb object (its text form is canonical: keys sorted, one spelling per value) of
  seq, at (UTC, microseconds), partnership, actor, kind, event, object type/id/repr, changes and
  details. `manage.py verify_activity_log` recomputes every link with its own copy of that
  expression (lscp/management/commands/verify_activity_log.py: keep the two the same).
  The lock is held to the end of the writer's transaction: writes to one partnership's log are
  serialised (at READ COMMITTED, Django's default, each waiting writer then sees the row before).
- The trigger function is SECURITY DEFINER (runs as the owner, who migrates) so that it reads the
  chain's last row whatever row-level security lets the runtime role see.
- TRUNCATE is refused by a statement trigger, unless the transaction set
  `lscp.allow_log_truncate` to 'on' (SET LOCAL): only the test suite's flush does
  (tests/support/postgresql/base.py); the application never does.
- UPDATE and DELETE stay refused (0003). A role that owns the table could still DROP or DISABLE
  these triggers: the runtime database role owns nothing and has no DDL (the database-roles
  change), so only the owner role used for migrations can, and the chains show what it changed.

Rows already in the log are chained in (at, id) order once, here.
"""

from django.db import migrations

CONTENT = """jsonb_build_object(
    'seq', r.seq,
    'at', to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    'partnership', r.partnership_id,
    'actor', r.actor_id,
    'kind', r.kind,
    'event', r.event,
    'object_type', r.object_type_id,
    'object_id', r.object_id,
    'object_repr', r.object_repr,
    'changes', r.changes,
    'details', r.details
)::text"""

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION lscp_activity_link(previous text, r lscp_activityevent) RETURNS text AS $$
    SELECT encode(sha256(convert_to(coalesce(previous, '') || {CONTENT}, 'UTF8')), 'hex');
$$ LANGUAGE sql IMMUTABLE;

CREATE OR REPLACE FUNCTION lscp_activity_chain() RETURNS trigger AS $$
DECLARE
    last_seq bigint;
    last_hash text;
BEGIN
    -- One writer per chain at a time, to the end of its transaction (0 is the installation's).
    PERFORM pg_advisory_xact_lock(741302, coalesce(NEW.partnership_id, 0)::integer);
    IF NEW.partnership_id IS NULL THEN
        SELECT seq, hash INTO last_seq, last_hash FROM lscp_activityevent
            WHERE partnership_id IS NULL ORDER BY seq DESC NULLS LAST LIMIT 1;
    ELSE
        SELECT seq, hash INTO last_seq, last_hash FROM lscp_activityevent
            WHERE partnership_id = NEW.partnership_id ORDER BY seq DESC NULLS LAST LIMIT 1;
    END IF;
    NEW.at := clock_timestamp();
    NEW.seq := coalesce(last_seq, 0) + 1;
    NEW.hash := lscp_activity_link(last_hash, NEW);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT;

CREATE OR REPLACE FUNCTION lscp_activity_no_truncate() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('lscp.allow_log_truncate', true), '') <> 'on' THEN
        RAISE EXCEPTION 'the activity log is append-only: TRUNCATE refused';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- Chain the rows already there, in the order they were written.
SET CONSTRAINTS ALL IMMEDIATE;
ALTER TABLE lscp_activityevent DISABLE TRIGGER lscp_activityevent_append_only;
DO $$
DECLARE
    r lscp_activityevent;
    previous_chain bigint := -1;
    last_seq bigint;
    last_hash text;
BEGIN
    FOR r IN SELECT * FROM lscp_activityevent
             ORDER BY coalesce(partnership_id, 0), at, id LOOP
        IF coalesce(r.partnership_id, 0) <> previous_chain THEN
            previous_chain := coalesce(r.partnership_id, 0);
            last_seq := 0;
            last_hash := NULL;
        END IF;
        r.seq := last_seq + 1;
        r.hash := lscp_activity_link(last_hash, r);
        UPDATE lscp_activityevent SET seq = r.seq, hash = r.hash WHERE id = r.id;
        last_seq := r.seq;
        last_hash := r.hash;
    END LOOP;
END;
$$;
ALTER TABLE lscp_activityevent ENABLE TRIGGER lscp_activityevent_append_only;

CREATE TRIGGER lscp_activityevent_chain
    BEFORE INSERT ON lscp_activityevent
    FOR EACH ROW EXECUTE FUNCTION lscp_activity_chain();
CREATE TRIGGER lscp_activityevent_no_truncate
    BEFORE TRUNCATE ON lscp_activityevent
    FOR EACH STATEMENT EXECUTE FUNCTION lscp_activity_no_truncate();
"""  # noqa: S608 (this module's constants only, no input)

POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS lscp_activityevent_no_truncate ON lscp_activityevent;
DROP TRIGGER IF EXISTS lscp_activityevent_chain ON lscp_activityevent;
DROP FUNCTION IF EXISTS lscp_activity_no_truncate();
DROP FUNCTION IF EXISTS lscp_activity_chain();
DROP FUNCTION IF EXISTS lscp_activity_link(text, lscp_activityevent);
"""

# 0009 altered columns, which SQLite does by rebuilding the table: its triggers went with it.
SQLITE_UP = [
    "DROP TRIGGER IF EXISTS lscp_activityevent_no_update;",
    "DROP TRIGGER IF EXISTS lscp_activityevent_no_delete;",
    """CREATE TRIGGER lscp_activityevent_no_update BEFORE UPDATE ON lscp_activityevent
       BEGIN SELECT RAISE(ABORT, 'the activity log is append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER lscp_activityevent_no_delete BEFORE DELETE ON lscp_activityevent
       BEGIN SELECT RAISE(ABORT, 'the activity log is append-only: DELETE refused'); END;""",
]


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def down(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN, params=None)


class Migration(migrations.Migration):
    dependencies = [("lscp", "0009_activity_complete")]

    operations = [migrations.RunPython(up, down)]
