"""`make bench`: speed figures, printed (not asserted).

1. The deadline sweep over 1,000,000 open clocks with 1% due: the sweep (the indexed read of the
   due clocks and their dispatch in chunks) beside the plain indexed select of those rows, and the
   ratio; then the same sweep dispatching to the real broker.
2. Escalation throughput on real clocks overdue from 1 day to 10 years (deciding each step, its
   recipients and its email), in clocks per second, against the goal of 2,000/s.
3. The annual report: a year of a busy partnership built through the services (tests/busy_year.py)
   and the median time to render its PDF.
4. Issue 15's national design point (lscp/bench/national.py): the busy partnership in full and
   `--scale` of the other 149, loaded and committed (too big to load per figure; make bench's
   PostgreSQL is thrown away after the run), then each page and API list of the issue's table for
   the busy partnership, through the test client in a process of its own (`--only pages`), the
   floor `GET /api/v1/me/` timed before each of the page's requests, and that process's memory.
5. Delivery scaled out: 10,000 clocks falling due at once, their emails delivered by 1, 2 and 4
   real worker processes to a loopback SMTP server, in emails/s, each copy checked to arrive once
   (lscp/bench/delivery.py; outside the rolled-back transaction, see there).

Runs against the database of the settings in use (PostgreSQL under `make bench`); figures 1 to 3
inside a transaction that is rolled back, so nothing is left behind. `--tiny` runs every figure at
a size that takes seconds (the national load in the test's transaction): the test suite runs it so
that the bench cannot rot unseen. Each figure is one line starting with `bench `, so a reader (or
the test) finds them all.
"""

from __future__ import annotations

import datetime as dt
import statistics
import subprocess
import sys
import time
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from lscp import database, deadlines
from lscp.models import Deadline

GOAL_CLOCKS_PER_SECOND = 2000

# The pages and API lists of issue 15's table, timed on the national design point (lscp/bench/national.py).
PAGES = [
    "scrutineer dashboard",
    "API dashboard",
    "plan of 1,000 actions",
    "activity log, page 2000",
    "activity log, event filter",
    "API notifications",
    "API actions, status + overdue",
    "cases, overdue only",
    "action plans list",
    "home",
    "case page with most escalations",
    "cases list, page 1",
]
DEFAULT_SCALE = 0.2
GOAL_RATIO = 3

# The figures every run prints, in order (the tiny-size test checks each one is there).
FIGURES = [
    "bench sweep: loaded",
    "bench sweep: plain indexed select",
    "bench sweep: sweep",
    "bench sweep: ratio",
    "bench sweep: with the broker",
    "bench escalation: loaded",
    "bench escalation: throughput",
    "bench annual report: built",
    "bench annual report: pdf",
    "bench load: national",
    "bench load: activity log",
    "bench load: extrapolated",
    "bench load: refresh sample",
    *(f"bench page {name}:" for name in PAGES),
    "bench memory:",
    # Delivery scaled out (lscp/bench/delivery.py): real worker processes, a loopback SMTP server.
    "bench delivery: loaded",
    "bench delivery: 1 worker,",
    "bench delivery: 2 workers,",
    "bench delivery: 4 workers,",
]
TINY_DELIVERY_WORKERS = (1, 2)  # --tiny: the 4-worker line says it was not run


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
    help = "Print benchmark figures: the deadline sweep, escalation throughput, the annual report's PDF."

    def add_arguments(self, parser):
        parser.add_argument("--clocks", type=int, default=1_000_000, help="Open clocks for the sweep")
        parser.add_argument("--due-percent", type=float, default=1.0)
        parser.add_argument(
            "--escalate", type=int, default=5000, help="Clocks overdue from 1 day to 10 years to escalate"
        )
        parser.add_argument(
            "--deliver", type=int, default=10_000, help="Clocks falling due at once for the delivery figure"
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=DEFAULT_SCALE,
            help="The national load: the busy partnership at full size plus this fraction of the other 149",
        )
        parser.add_argument("--runs", type=int, default=20, help="Timed requests per page (after 2 to warm up)")
        parser.add_argument("--tiny", action="store_true", help="Every figure at a size that takes seconds")
        parser.add_argument(
            "--only",
            choices=["sweep", "escalation", "annual-report", "national", "pages", "delivery"],
            help="Run one of the figures (default: all of them)",
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            self.stderr.write("The benchmark needs PostgreSQL (make bench starts one).")
        if options["tiny"]:
            options.update(clocks=2000, escalate=60, runs=2, deliver=100)
        only = options["only"]
        try:
            with transaction.atomic():
                if only in (None, "sweep"):
                    self.sweep(options)
                if only in (None, "escalation"):
                    self.escalation(options)
                if only in (None, "annual-report"):
                    self.annual_report(tiny=options["tiny"])
                raise Rollback
        except Rollback:
            pass
        if only in (None, "delivery"):  # outside the transaction: the workers read committed rows
            # (before the national load: its due clocks must not join the delivery's sweep)
            self.delivery(options)
        if only in (None, "national"):
            # Committed, not rolled back (outside a test's transaction): too big to load per figure,
            # and VACUUM (the visibility map index-only scans need) cannot run in a transaction.
            # make bench's PostgreSQL is thrown away after the run.
            self.national(options)
        if only == "pages":  # the page runs on a national load already there (a fresh process: see national)
            from lscp.server import ready_to_serve

            ready_to_serve()  # as lscp/wsgi.py readies a web server's process
            self.pages_and_memory(national_loaded(), options)

    def figure(self, name: str, text: str) -> None:
        assert name in FIGURES, name
        self.stdout.write(f"{name} {text}")
        self.stdout.flush()

    # ------------------------------------------------------------------------------------------

    def sweep(self, options):
        from tests.support.makers_reviews import submit
        from tests.support.world import make_world

        total, due_share = options["clocks"], options["due_percent"] / 100
        today = timezone.localdate()
        world = make_world("bench", with_objects=False)
        notification = submit(world, aware_date=today)
        due_count = max(1, int(total * due_share))
        started = time.perf_counter()
        _insert_clocks(
            Deadline(
                partnership=world.partnership,
                subject_type=ContentType.objects.get_for_model(notification),
                subject_id=notification.pk,
                kind="bench",
                starts_on=today,
                due_date=today,
                length=5,
                explanation="",
            ),
            total=total,
            due_count=due_count,
            today=today,
        )
        self.figure(
            "bench sweep: loaded", f"{total:,} open clocks ({due_count:,} due) in {time.perf_counter() - started:.1f} s"
        )

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
        self.figure(
            "bench sweep: plain indexed select",
            f"of the {due_count:,} due clocks: {select_time * 1000:.1f} ms (median of 5)",
        )
        self.figure(
            "bench sweep: sweep",
            f"(indexed read, chunked in memory, {len(chunks)} chunks): {sweep_time * 1000:.1f} ms (median of 5)",
        )
        self.figure(
            "bench sweep: ratio", f"sweep / plain select: {sweep_time / select_time:.2f}x (goal <= 2x, under 2 s)"
        )

        from lscp.celery import app
        from lscp.deadlines.tasks import escalate_deadlines

        queue = "bench-sweep"

        def sweep_to_broker():
            deadlines.sweep(today=today, dispatch=lambda batch: escalate_deadlines.apply_async((batch,), queue=queue))

        try:
            broker_time = timed(sweep_to_broker)
        except Exception as error:  # no broker reachable: say so, do not fail the figures above
            self.figure("bench sweep: with the broker", f"not measured ({type(error).__name__}: {error})")
        else:
            with app.connection_for_write() as conn:
                conn.default_channel.queue_purge(queue)
            self.figure(
                "bench sweep: with the broker",
                f"({app.conf.broker_url.split('://')[0]}): {broker_time * 1000:.1f} ms (median of 5), "
                f"ratio {broker_time / select_time:.2f}x",
            )

    # ------------------------------------------------------------------------------------------

    def escalation(self, options):
        """Real notifications whose Panel clocks fell due between 1 day and 10 years ago, their
        clocks computed by the engine (deadlines.refresh), then escalated in sweep-sized chunks."""
        from lscp.deadlines.workdays import calendar_for
        from reviews.models import Notification
        from tests.support.makers_reviews import submit
        from tests.support.world import make_world

        count = max(2, options["escalate"])
        today = timezone.localdate()
        world = make_world("bench-escalation", with_objects=False)
        calendar = calendar_for(world.partnership)
        started = time.perf_counter()
        template = submit(world, aware_date=today)
        # Due dates spread evenly from 1 working day to 10 years before today (5 working days after awareness).
        span = calendar.working_days_between(today - dt.timedelta(days=3653), today)
        copies = []
        for i in range(count):
            overdue = 1 + (span - 1) * i // (count - 1)
            aware = calendar.subtract(today, overdue + 5).date
            copy = Notification(
                **{
                    field.attname: getattr(template, field.attname)
                    for field in Notification._meta.concrete_fields
                    if not field.primary_key
                }
            )
            copy.reference = f"BEN-{i:06d}"
            copy.submission_key = f"bench-{i}"
            copy.incident_date = copy.aware_date = copy.received_on = aware
            copies.append(copy)
        created = Notification.dangerously_unscoped.bulk_create(copies, batch_size=2000)
        rules = deadlines.rules_of(world.partnership)
        for subject in created:
            subject.partnership = world.partnership
            deadlines.refresh(subject, calendar=calendar, rules=rules)
        ids = list(
            Deadline.objects.for_partnership(world.partnership)
            .filter(subject_id__in=[s.pk for s in created], kind="panel_notification", next_escalation_on__lte=today)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        oldest = Deadline.objects.for_partnership(world.partnership).filter(pk__in=ids).order_by("due_date").first()
        self.figure(
            "bench escalation: loaded",
            f"{len(ids):,} due clocks through the engine, overdue from 1 day to "
            f"{(today - oldest.due_date).days:,} days, in {time.perf_counter() - started:.1f} s",
        )
        started = time.perf_counter()
        emails = 0
        for start in range(0, len(ids), deadlines.SWEEP_CHUNK):
            emails += deadlines.escalate(ids[start : start + deadlines.SWEEP_CHUNK], today=today)
        elapsed = time.perf_counter() - started
        rate = len(ids) / elapsed
        verdict = "meets" if rate >= GOAL_CLOCKS_PER_SECOND else "MISSES"
        self.figure(
            "bench escalation: throughput",
            f"{len(ids):,} clocks ({emails:,} emails decided) in {elapsed:.2f} s: {rate:,.0f} clocks/s "
            f"({verdict} the goal of {GOAL_CLOCKS_PER_SECOND:,}/s)",
        )
        if deadlines.escalate(ids, today=today):
            raise AssertionError("A second escalation decided emails again")

    # ------------------------------------------------------------------------------------------

    def annual_report(self, *, tiny: bool):
        """The annual report's PDF for a year of a busy partnership (goal: under 5 s)."""
        import io
        import logging

        logging.getLogger("weasyprint").setLevel(logging.WARNING)  # its per-page progress is noise here
        logging.getLogger("fontTools").setLevel(logging.WARNING)

        from pypdf import PdfReader

        from audits.annual_report.selectors import annual_report_pdf
        from audits.quarters import current_year_start
        from tests.support.busy_year import Scale, busy_year
        from tests.support.world import make_world

        scale = (
            Scale(notifications=3, audits=3, organisations=5, indicators=2, challenges=3, action_plans=1)
            if tiny
            else Scale()
        )
        started = time.perf_counter()
        world = make_world("bench-busy", with_objects=False)
        annual = busy_year(world, year_start=current_year_start() - 1, scale=scale)
        self.figure(
            "bench annual report: built",
            f"a year of a busy partnership ({scale.describe()}) in {time.perf_counter() - started:.1f} s",
        )
        ctx = world.ctx()
        pages = []

        def render():
            data = annual_report_pdf(ctx, annual)
            pages.append(len(PdfReader(io.BytesIO(data)).pages))

        render_time = timed(render, repeat=1 if tiny else 5)
        self.figure(
            "bench annual report: pdf",
            f"({pages[-1]} pages): {render_time:.2f} s to assemble and render (median of "
            f"{1 if tiny else 5}; goal under 5 s)",
        )

    # ------------------------------------------------------------------------------------------

    def national(self, options):
        """Issue 15: the national design point (lscp/bench/national.py), then every page and API
        list of the issue's table for the busy partnership, with the floor interleaved."""
        from lscp.bench import national

        tiny, scale = options["tiny"], options["scale"]
        started = time.perf_counter()
        loaded = national.load(scale=scale, tiny=tiny, say=self.stdout.write)
        elapsed = time.perf_counter() - started
        share = "tiny" if tiny else f"the busy partnership in full + {scale:g} of the rest"
        if not tiny and scale < 0.2:
            share += " (under the issue's 1/5 of the rest: a quick run)"
        self.figure(
            "bench load: national",
            f"{share}: {1 + loaded.others} partnerships, {loaded.notifications:,} notifications, "
            f"{loaded.actions:,} actions, {loaded.clocks:,} clocks by the engine, {loaded.escalations:,} "
            f"escalations by the engine, {loaded.activity:,} activity rows in {elapsed:.0f} s "
            f"({national._elapsed(loaded.timings)})",
        )
        activity_time = loaded.timings.get("activity", 0.0)
        self.figure(
            "bench load: activity log",
            f"{loaded.activity:,} rows through the chain triggers in {activity_time:.0f} s "
            f"({loaded.activity / max(activity_time, 1e-6):,.0f} rows/s; each row's `at` is the load's time, "
            "set by the trigger)",
        )
        # The busy partnership is loaded whatever the scale: the rest costs in proportion.
        partnerships = max(1, loaded.others)
        rest = (elapsed - loaded.busy_seconds) / partnerships
        full = elapsed - rest * loaded.others + rest * (national.DESIGN["partnerships"] - 1)
        self.figure(
            "bench load: extrapolated",
            f"the whole design point: about {full / 60:.0f} min at this run's {rest:.1f} s per other partnership "
            f"(the busy partnership {loaded.busy_seconds:.0f} s)",
        )
        records, changed = national.refresh_sample(loaded.busy, size=10 if tiny else 50)
        self.figure("bench load: refresh sample", f"{records} records, {changed} changed")
        if tiny:
            self.pages_and_memory(loaded, options)
            return
        # The pages in a process of their own, as a web server's: its memory is the pages', not the load's.
        del loaded
        manage = Path(__file__).resolve().parents[3] / "manage.py"
        result = subprocess.run(  # noqa: S603 (this interpreter and manage.py, no input)
            [sys.executable, str(manage), "bench", "--only", "pages", "--runs", str(options["runs"])],
            check=True,
            capture_output=True,
            text=True,
        )
        self.stdout.write(result.stdout, ending="")

    def pages_and_memory(self, loaded, options):
        from django.conf import settings
        from django.test.utils import override_settings

        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):  # the test client's
            self.pages(loaded, runs=options["runs"], warm_up=1 if options["tiny"] else 2)
        self.figure("bench memory:", f"web process RSS {_rss_mib():.0f} MiB after the page runs (goal under 150 MiB)")

    def pages(self, loaded, *, runs: int, warm_up: int) -> None:
        from django.db.models import Count
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        from lscp.models import ActivityEvent, Escalation
        from reviews.notifications.models import Notification
        from tests.support.clients import signed_in

        world = loaded.busy
        slug = world.slug
        business, scrutineer = signed_in(world.people["business"]), signed_in(world.people["scrutineer"])
        notification_type = ContentType.objects.get_for_model(Notification)
        escalated = (
            Escalation.objects.for_partnership(world.partnership)
            .filter(deadline__subject_type=notification_type)
            .values("deadline__subject_id")
            .annotate(n=Count("id"))
            .order_by("-n", "deadline__subject_id")
            .first()
        )
        case = (
            escalated["deadline__subject_id"]
            if escalated
            else Notification.objects.for_partnership(world.partnership).first().pk
        )
        event = (
            ActivityEvent.objects.for_partnership(world.partnership)
            .values("event")
            .annotate(n=Count("id"))
            .order_by("-n", "event")
            .first()["event"]
        )
        api = f"/api/v1/{slug}"
        activity = reverse("activity-list", args=[slug])
        urls = {
            "scrutineer dashboard": (scrutineer, reverse("dashboard", args=[slug])),
            "API dashboard": (business, f"{api}/dashboard/"),
            "plan of 1,000 actions": (business, reverse("action-plan-detail", args=[slug, loaded.big_plan_id])),
            "activity log, page 2000": (business, None),
            "activity log, event filter": (business, f"{activity}?event={event}"),
            "API notifications": (business, f"{api}/notifications/"),
            "API actions, status + overdue": (business, f"{api}/action-plans/actions/?status=not_started&overdue=true"),
            "cases, overdue only": (business, f"{reverse('notification-list', args=[slug])}?overdue=true"),
            "action plans list": (business, reverse("action-plan-list", args=[slug])),
            "home": (business, reverse("partnership-home", args=[slug])),
            "case page with most escalations": (business, reverse("notification-detail", args=[slug, case])),
            "cases list, page 1": (business, reverse("notification-list", args=[slug])),
        }
        urls["activity log, page 2000"] = (business, _deep_page(business, activity, depth=99_950))
        floor = "/api/v1/me/"
        for name in PAGES:
            client, url = urls[name]
            for _ in range(warm_up):  # (and check each answers)
                client.get(floor)
                response = client.get(url)
            if response.status_code != 200:
                self.figure(f"bench page {name}:", f"not measured: {url} answered {response.status_code}")
                continue
            page_times, floor_times = [], []
            for _ in range(runs):
                start = time.perf_counter()
                client.get(floor)
                floor_times.append(time.perf_counter() - start)
                start = time.perf_counter()
                response = client.get(url)
                page_times.append(time.perf_counter() - start)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            p50, p95, floor95 = _p(page_times, 50), _p(page_times, 95), _p(floor_times, 95)
            ratio = p95 / floor95
            over = f" (over {GOAL_RATIO}x)" if ratio > GOAL_RATIO else ""
            self.figure(
                f"bench page {name}:",
                f"p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, floor p95 {floor95 * 1000:.1f} ms, "
                f"ratio {ratio:.1f}, queries {len(queries)}, bytes {len(response.content):,}{over}",
            )

    def delivery(self, options):
        """Emails of clocks falling due at once, delivered by 1, 2 and 4 worker processes."""
        from lscp.bench.delivery import DeliveryBench

        counts = TINY_DELIVERY_WORKERS if options["tiny"] else (1, 2, 4)
        DeliveryBench(
            clocks=options["deliver"],
            worker_counts=counts,
            timeout=60 if options["tiny"] else 900,
            write=self.figure,
        ).run()
        for count in (1, 2, 4):
            if count not in counts:
                self.figure(f"bench delivery: {count} workers,", "not run at this size")


def _insert_clocks(prototype: Deadline, *, total: int, due_count: int, today: dt.date) -> None:
    """`total` copies of the prototype clock in one INSERT ... SELECT, each with its own kind (one
    clock per subject and kind), the first `due_count` due today and the rest next month. Every
    other column takes the prototype's value, read from the model: a field added later cannot make
    the insert fail (as ladder_base once did)."""
    columns, values, params = [], [], []
    for field in Deadline._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.attname == "kind":
            values.append("'bench-' || g")
        elif field.attname == "next_escalation_on":
            values.append("CASE WHEN g <= %s THEN %s::date ELSE %s::date + 30 END")
            params += [due_count, today, today]
        else:
            value = getattr(prototype, field.attname)
            if callable(value):
                value = value()
            if field.attname in ("created_at", "updated_at") and value is None:
                value = timezone.now()
            values.append("%s")
            params.append(field.get_db_prep_save(value, connection))
    # Names from the model's own metadata, values as parameters.
    table = connection.ops.quote_name(Deadline._meta.db_table)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM generate_series(1, %s) AS g"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, total])
    with database.login_role(), connection.cursor() as cursor:  # ANALYZE is the table owner's
        cursor.execute(f"ANALYZE {connection.ops.quote_name(Deadline._meta.db_table)}")


def national_loaded():
    """What the page runs need of a national load made by an earlier process."""
    from types import SimpleNamespace

    from partners.models import Membership, Partnership
    from reviews.action_plans.models import ActionPlan

    partnership = Partnership.objects.get(slug="national-busy")
    people = {
        who: Membership.objects.for_partnership(partnership).get(person__username=f"national-busy-{who}")
        for who in ("business", "scrutineer")
    }
    plan = ActionPlan.objects.for_partnership(partnership).get(title="The thousand-action plan")
    return SimpleNamespace(
        busy=SimpleNamespace(partnership=partnership, slug=partnership.slug, people=people), big_plan_id=plan.pk
    )


def _p(values: list[float], percent: int) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, -(-percent * len(ordered) // 100) - 1))]


def _rss_mib() -> float:
    """This process's resident set now (VmRSS), else its peak (getrusage), in MiB."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _deep_page(client, url: str, *, depth: int, per_page: int = 50, budget: float = 30.0) -> str:
    """The URL of the log page `depth` rows deep, found by the page's own "next" link: a page
    number (?page=N) is set directly; any other parameter (a keyset cursor) is followed link by
    link, for `budget` seconds at most (the line's URL then says how deep it got)."""
    import html
    import re
    from urllib.parse import parse_qs, urlencode, urlsplit

    target, current, started = depth // per_page + 1, url, time.perf_counter()
    for _ in range(target - 1):
        page = client.get(current).content.decode()
        link = re.search(r'<a [^>]*href="([^"]+)"[^>]*rel="next"', page) or re.search(
            r'<a [^>]*rel="next"[^>]*href="([^"]+)"', page
        )
        if link is None:  # the last page there is (or the unfiltered page lists nothing: ask by number)
            return current if current != url else f"{url}?page={target}"
        href = html.unescape(link.group(1))
        query = parse_qs(urlsplit(href).query)
        if "page" in query and query["page"][0].isdigit():
            pages = parse_qs(urlsplit(href).query)
            pages["page"] = [str(target)]
            return f"{url}?{urlencode(pages, doseq=True)}"
        current = f"{url}{href}" if href.startswith("?") else href
        if time.perf_counter() - started > budget:
            break
    return current
