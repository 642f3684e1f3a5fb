"""`make bench`: speed figures, printed (not asserted).

The deadline sweep over 1,000,000 open clocks with 1% due: the sweep (the indexed read of the due
clocks and their dispatch in chunks) beside the plain indexed select of those rows, and the
ratio; then the escalation of the due clocks (deciding each step and its email) as a throughput;
then the annual report: a year of a busy partnership built through the services (tests/busy_year.py)
and the median time to render its PDF.
Runs against the database of the settings in use (PostgreSQL under `make bench`), inside a
transaction that is rolled back, so nothing is left behind.
"""

import statistics
import time

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from lscp import deadlines
from lscp.models import Deadline


class Rollback(Exception):
    pass


def timed(function, repeat=5):
    results = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        results.append(time.perf_counter() - start)
    return statistics.median(results)


class Command(BaseCommand):
    help = "Print benchmark figures for the deadline sweep."

    def add_arguments(self, parser):
        parser.add_argument("--clocks", type=int, default=1_000_000)
        parser.add_argument("--due-percent", type=float, default=1.0)
        parser.add_argument(
            "--escalate", type=int, default=2000, help="How many due clocks to escalate for the throughput"
        )
        parser.add_argument(
            "--only", choices=["sweep", "annual-report"], help="Run one of the figures (default: all of them)"
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            self.stderr.write("The benchmark needs PostgreSQL (make bench starts one).")
        try:
            with transaction.atomic():
                if options["only"] in (None, "sweep"):
                    self.run(options)
                if options["only"] in (None, "annual-report"):
                    self.annual_report()
                raise Rollback
        except Rollback:
            pass

    def run(self, options):
        from partners.models import Partnership
        from tests.makers_reviews import submit
        from tests.world import make_world

        total, due_share = options["clocks"], options["due_percent"] / 100
        today = timezone.localdate()
        world = make_world("bench", with_objects=False)
        notification = submit(world, aware_date=today)
        partnership = Partnership.objects.get(slug="bench")
        subject_type = ContentType.objects.get_for_model(notification).pk
        due_count = int(total * due_share)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            # One clock per (subject, kind); the due ones' next step is today, the rest next month.
            cursor.execute(
                """
                INSERT INTO lscp_deadline (partnership_id, subject_type_id, subject_id, kind, starts_on, due_date, length,
                                           unit, explanation, next_escalation_on, created_at, updated_at)
                SELECT %s, %s, %s, 'bench-' || g, %s, %s, 5, 'working', '',
                       CASE WHEN g <= %s THEN %s::date ELSE %s::date + 30 END, now(), now()
                FROM generate_series(1, %s) AS g
                """,
                [partnership.pk, subject_type, notification.pk, today, today, due_count, today, today, total],
            )
            cursor.execute("ANALYZE lscp_deadline")
        self.stdout.write(f"Loaded {total:,} open clocks ({due_count:,} due) in {time.perf_counter() - started:.1f} s")

        plain = Deadline.dangerously_unscoped.filter(met_on__isnull=True, next_escalation_on__lte=today).order_by()

        def plain_select():
            return list(plain.values_list("pk", flat=True))

        chunks = []

        def sweep():
            chunks.clear()
            deadlines.sweep(today=today, dispatch=chunks.append)

        assert len(plain_select()) == due_count
        select_time = timed(plain_select)
        sweep_time = timed(sweep)
        self.stdout.write(
            f"Plain indexed select of the {due_count:,} due clocks: {select_time * 1000:.1f} ms (median of 5)"
        )
        self.stdout.write(
            f"Sweep (indexed read, chunked in memory, {len(chunks)} chunks): {sweep_time * 1000:.1f} ms (median of 5)"
        )
        self.stdout.write(f"Ratio sweep / plain select: {sweep_time / select_time:.2f}x (goal <= 2x, under 2 s)")

        from lscp.celery import app
        from lscp.tasks import escalate_deadlines

        queue = "bench-sweep"

        def sweep_to_broker():
            deadlines.sweep(today=today, dispatch=lambda batch: escalate_deadlines.apply_async((batch,), queue=queue))

        try:
            broker_time = timed(sweep_to_broker)
        except Exception as error:  # no broker reachable: say so, do not fail the figures above
            self.stdout.write(f"Sweep with dispatch to the broker: not measured ({type(error).__name__}: {error})")
        else:
            with app.connection_for_write() as conn:
                conn.default_channel.queue_purge(queue)
            self.stdout.write(
                f"Sweep with dispatch to the real broker ({app.conf.broker_url.split('://')[0]}): {broker_time * 1000:.1f} ms "
                f"(median of 5), ratio {broker_time / select_time:.2f}x"
            )

        # Escalation throughput: real clocks on real notifications (the synthetic ones above have
        # no clock kind), so that steps, emails and recipients are decided as in production.
        count = options["escalate"]
        subjects = [submit(world, aware_date=today - timezone.timedelta(days=21)) for _ in range(max(1, count // 4))]
        ids = list(
            Deadline.objects.for_partnership(partnership)
            .filter(subject_id__in=[s.pk for s in subjects], next_escalation_on__lte=today, met_on__isnull=True)
            .values_list("pk", flat=True)
        )
        started = time.perf_counter()
        emails = 0
        for start in range(0, len(ids), deadlines.SWEEP_CHUNK):
            emails += deadlines.escalate(ids[start : start + deadlines.SWEEP_CHUNK], today=today)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Escalate {len(ids):,} due clocks ({emails:,} emails decided): {elapsed:.2f} s, "
            f"{len(ids) / elapsed:,.0f} clocks/s"
        )

    def annual_report(self):
        """The annual report's PDF for a year of a busy partnership (goal: under 5 s)."""
        import io
        import logging

        logging.getLogger("weasyprint").setLevel(logging.WARNING)  # its per-page progress is noise here

        from pypdf import PdfReader

        from audits import report
        from audits.dashboard import current_year_start
        from tests.busy_year import Scale, busy_year
        from tests.world import make_world

        scale = Scale()
        started = time.perf_counter()
        world = make_world("bench-busy", with_objects=False)
        annual = busy_year(world, year_start=current_year_start() - 1, scale=scale)
        self.stdout.write(
            f"Built a year of a busy partnership ({scale.describe()}) in {time.perf_counter() - started:.1f} s"
        )
        ctx = world.ctx()
        pages = []

        def render():
            data = report.annual_report_pdf(ctx, annual)
            pages.append(len(PdfReader(io.BytesIO(data)).pages))

        render_time = timed(render)
        self.stdout.write(
            f"Annual report PDF ({pages[-1]} pages): {render_time:.2f} s to assemble and render "
            f"(median of 5; goal under 5 s)"
        )
