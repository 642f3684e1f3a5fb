from __future__ import annotations

import os

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.world import World, make_world

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the
# test body are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache (sign-in counts, API throttles): this worker's own
    Redis database under `make test` (lscp/settings/test.py)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def world_a(db) -> World:
    return make_world("thurrock", area="Thurrock", population=167025)


@pytest.fixture
def world_b(db) -> World:
    return make_world("southend", area="Southend", population=179799)


def signed_in(membership) -> Client:
    client = Client()
    client.force_login(membership.person)
    return client


def api_as(membership) -> APIClient:
    client = APIClient()
    client.force_authenticate(membership.person)
    return client


@pytest.fixture
def as_user():
    return signed_in


@pytest.fixture
def api():
    return api_as


# A real SMTP server on loopback for tests that ask for `smtp` (tests/support/smtp.py).
from tests.support.smtp import smtp  # noqa: E402, F401


@pytest.fixture(scope="module")
def shared_worlds(django_db_setup, django_db_blocker):
    """Two partnerships built once for a whole module (the route-enumerating suites), inside an
    outer transaction rolled back at the end. Each test still runs in its own savepoint (ask for
    `db` as well), so what one test writes is gone before the next."""
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield (
                make_world("thurrock", area="Thurrock", population=167025),
                make_world("southend", area="Southend", population=179799),
            )
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def shared_a(shared_worlds, db):
    return shared_worlds[0]


@pytest.fixture
def shared_b(shared_worlds, db):
    return shared_worlds[1]
