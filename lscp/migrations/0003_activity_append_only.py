"""The activity log is append-only underneath the ORM too: the database refuses UPDATE and
DELETE on it (PostgreSQL in production and tests, SQLite in the demo)."""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION lscp_activity_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the activity log is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER lscp_activityevent_append_only
    BEFORE UPDATE OR DELETE ON lscp_activityevent
    FOR EACH ROW EXECUTE FUNCTION lscp_activity_append_only();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS lscp_activityevent_append_only ON lscp_activityevent;
DROP FUNCTION IF EXISTS lscp_activity_append_only();
"""
SQLITE_UP = [
    """CREATE TRIGGER lscp_activityevent_no_update BEFORE UPDATE ON lscp_activityevent
       BEGIN SELECT RAISE(ABORT, 'the activity log is append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER lscp_activityevent_no_delete BEFORE DELETE ON lscp_activityevent
       BEGIN SELECT RAISE(ABORT, 'the activity log is append-only: DELETE refused'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS lscp_activityevent_no_update;",
    "DROP TRIGGER IF EXISTS lscp_activityevent_no_delete;",
]


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("lscp", "0002_initial")]

    operations = [migrations.RunPython(up, down)]
