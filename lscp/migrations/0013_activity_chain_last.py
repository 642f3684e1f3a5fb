"""The chain trigger's read of the chain's last row (0010: ORDER BY seq DESC NULLS LAST LIMIT 1) by
an index in that order: an index scan stops at the first row, where without it each insert sorted
the partnership's whole log (quadratic: 50,000 rows did not load in 10 minutes).

Written as SQL per database, not as a model index: SQLite (the demo's database, `make demo`)
cannot declare NULLS LAST in an index; there a descending index gives the same order (SQLite
sorts NULL first ascending, so last descending)."""

from django.db import migrations

INDEX = {
    "postgresql": "CREATE INDEX activity_chain_last ON lscp_activityevent (partnership_id, seq DESC NULLS LAST)",
    "sqlite": "CREATE INDEX activity_chain_last ON lscp_activityevent (partnership_id, seq DESC)",
}


def up(apps, schema_editor):
    sql = INDEX.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


def down(apps, schema_editor):
    if schema_editor.connection.vendor in INDEX:
        schema_editor.execute("DROP INDEX IF EXISTS activity_chain_last")


class Migration(migrations.Migration):
    dependencies = [
        ("lscp", "0012_drop_knox_authtoken"),
    ]

    operations = [migrations.RunPython(up, down)]
