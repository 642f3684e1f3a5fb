"""Check the activity log's hash chains (PostgreSQL): each partnership's, and the installation's.

    manage.py verify_activity_log [--partnership SLUG]

Every link is recomputed in the database, streaming (one pass in (chain, seq) order, window
functions comparing each row with the one before): its `seq` follows the previous one, its `at`
is not before the previous one's, and its `hash` is sha256(previous hash || its canonical content).
The canonical content is computed here with this command's own copy of the expression the insert
trigger uses (migration lscp 0010), so a changed trigger function is caught as well. The first
broken link is named (partnership, sequence, id, at, event) and the exit status is 1; otherwise
"intact: N rows in M chains", with each chain's last hash (kept outside the database, they show
rows later removed from a chain's end, which no chain can show by itself).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from partners.models import Partnership

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

LINKS = f"""
SELECT r.id, r.partnership_id, r.seq, r.at, r.event, r.hash,
       lag(r.seq) OVER chain AS previous_seq,
       lag(r.at) OVER chain AS previous_at,
       encode(sha256(convert_to(coalesce(lag(r.hash) OVER chain, '') || {CONTENT}, 'UTF8')), 'hex') AS expected
FROM lscp_activityevent r
WHERE %(all)s OR r.partnership_id IS NOT DISTINCT FROM %(partnership)s
WINDOW chain AS (PARTITION BY r.partnership_id ORDER BY r.seq, r.id)
"""  # noqa: S608 (this module's constants only, no input)

FIRST_BROKEN = f"""
SELECT id, partnership_id, seq, at, event,
       CASE WHEN seq IS NULL THEN 'not chained'
            WHEN seq <> coalesce(previous_seq, 0) + 1 THEN 'sequence ' || seq || ' follows ' || coalesce(previous_seq, 0)
            WHEN at < previous_at THEN 'earlier than the row before'
            ELSE 'hash does not match' END AS reason
FROM ({LINKS}) links
WHERE seq IS NULL OR seq <> coalesce(previous_seq, 0) + 1 OR at < previous_at OR hash IS DISTINCT FROM expected
ORDER BY partnership_id NULLS FIRST, seq NULLS FIRST, id
LIMIT 1
"""  # noqa: S608 (this module's constants only, no input)

SUMMARY = """
SELECT count(*), count(DISTINCT coalesce(partnership_id, 0)) FROM lscp_activityevent r
WHERE %(all)s OR r.partnership_id IS NOT DISTINCT FROM %(partnership)s
"""

HEADS = """
SELECT DISTINCT ON (r.partnership_id) r.partnership_id, r.seq, r.hash FROM lscp_activityevent r
WHERE %(all)s OR r.partnership_id IS NOT DISTINCT FROM %(partnership)s
ORDER BY r.partnership_id NULLS FIRST, r.seq DESC
"""


class Command(BaseCommand):
    help = "Check the activity log's hash chains and name the first broken link."

    def add_arguments(self, parser):
        parser.add_argument("--partnership", metavar="SLUG", help="Only this partnership's chain")
        parser.add_argument(
            "--installation", action="store_true", help="Only the installation-wide chain (no partnership)"
        )

    def handle(self, *args, partnership=None, installation=False, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The activity log is hash-chained on PostgreSQL only.")
        params = {"all": partnership is None and not installation, "partnership": None}
        if partnership is not None:
            found = Partnership.objects.filter(slug=partnership).first()
            if found is None:
                raise CommandError(f"No partnership {partnership!r}")
            params["partnership"] = found.pk
        names = dict(Partnership.objects.values_list("pk", "slug"))
        with connection.cursor() as cursor:
            cursor.execute(FIRST_BROKEN, params)
            broken = cursor.fetchone()
            if broken is not None:
                pk, partnership_id, seq, at, event, reason = broken
                chain = names.get(partnership_id, partnership_id) if partnership_id else "installation-wide"
                self.stderr.write(
                    f"broken: partnership {chain}, sequence {seq}, id {pk}, at {at.isoformat() if at else None}, "
                    f"event {event}: {reason}"
                )
                raise SystemExit(1)
            cursor.execute(SUMMARY, params)
            rows, chains = cursor.fetchone()
            cursor.execute(HEADS, params)
            heads = cursor.fetchall()
        self.stdout.write(f"intact: {rows} rows in {chains} chains")
        for partnership_id, seq, digest in heads:
            chain = names.get(partnership_id, partnership_id) if partnership_id else "installation-wide"
            self.stdout.write(f"  {chain}: {seq} rows, last hash {digest}")
