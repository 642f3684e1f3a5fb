"""knox's own migrations create knox_authtoken even when KNOX_TOKEN_MODEL swaps its model for
lscp.ApiToken (they predate swappable token models). Nothing uses that table, and its foreign
key to partners_person stopped Django's flush (TransactionTestCase) from emptying the people:
it goes, once knox's migrations have run."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("lscp", "0011_api_tokens"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [migrations.RunSQL("DROP TABLE IF EXISTS knox_authtoken", reverse_sql=migrations.RunSQL.noop)]
