"""Issue 15: what the case page reads of its case. The case is found in the request's partnership,
so its partnership is not read again; and the query that finds it joins only what the case's pages
show (each table joined made PostgreSQL's planning of that one query the page's slowest statement)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lscp.tenancy import get_scoped_or_404
from reviews.notifications import selectors
from reviews.notifications.models import Notification
from tests.support import queries
from tests.support.makers_reviews import child, submit

pytestmark = pytest.mark.django_db


def test_a_record_found_in_a_partnership_is_given_that_partnership(world_a):
    """Before: the first look at found.partnership read the partnership again (the case page's
    clocks, escalations and criteria each look)."""
    notification = submit(world_a)
    for source in (Notification, Notification.objects.for_partnership(world_a.partnership)):
        found = get_scoped_or_404(source, partnership=world_a.partnership, pk=notification.pk)
        with CaptureQueriesContext(connection) as read:
            assert found.partnership is world_a.partnership
            assert found.partnership_id == world_a.partnership.pk
        assert len(read) == 0


def test_the_case_page_reads_neither_its_partnership_again_nor_its_submitter(world_a, as_user):
    """Before: 'SELECT ... FROM partners_partnership' once more after the request's own, and the
    case's query joined partners_person for the submitter, whom no page shows."""
    notification = submit(world_a)
    client = as_user(world_a.people["business"])
    page = queries.get(client, f"/{world_a.slug}/notifications/{notification.pk}/")
    case = [sql for sql in page.sql if sql.startswith('SELECT "reviews_notification"."id"')]
    assert len(case) == 1, str(page)
    assert '"reviews_notification"."submitted_by_id" =' not in case[0]
    again = [sql for sql in page.sql if sql.startswith('SELECT "partners_partnership"."id"')]
    assert again == [], str(page)


def test_the_case_pages_read_everything_they_show_in_the_same_queries(world_a, as_user):
    """The case page with a decision and a case officer (the joins kept) runs no more queries
    than without them."""
    client = as_user(world_a.people["business"])
    plain = submit(world_a)
    url = f"/{world_a.slug}/notifications/{{}}/"
    before = queries.get(client, url.format(plain.pk))
    decided = submit(world_a)
    Notification.dangerously_unscoped.filter(pk=decided.pk).update(
        criteria_decision="meets",
        criteria_decided_by=world_a.person("business"),
        case_officer=world_a.people["business"],
    )
    after = queries.get(client, url.format(decided.pk))
    queries.assert_constant(before, after, ceiling=len(before), what="case page")
    assert selectors.notification_detail_queryset(world_a.ctx()).get(pk=decided.pk).criteria_decided_by_id


def test_the_case_page_reads_the_childrens_agencies_with_their_organisations(world_a, as_user):
    """Before: the agencies a child was known to, then their organisations, in a query each."""
    agencies = [world_a.members["agency"], world_a.members["council"]]
    notification = submit(world_a, children=[child(known_to=agencies), child("Child R")])
    page = queries.get(as_user(world_a.people["business"]), f"/{world_a.slug}/notifications/{notification.pk}/")
    assert not [sql for sql in page.sql if sql.startswith('SELECT "partners_organisation"')], str(page)
    html = as_user(world_a.people["business"]).get(f"/{world_a.slug}/notifications/{notification.pk}/").content.decode()
    names = sorted(str(member.organisation) for member in agencies)
    assert f"{names[0]}, {names[1]}</dd>" in html
