"""Links to a partnership's pages and records, as reverse() writes them, without resolving the
route again for each: the menu reverses about eighteen routes on every page, and the home page's
clocks one route per clock (about 0.1 ms each, 50 clocks; issue 15).

Each route is reversed once per process for a partnership (and URL prefix and URLconf), then
reused: an address depends on nothing else, so the cache can never show another partnership's,
nor stale data. A record's address is that route with its id put in place of a marker."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

_MARKER = 987654321987  # a whole number no record has: where the id goes in a record's address


def _where() -> tuple[str, str]:
    return get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF


@lru_cache(maxsize=4096)
def _page(prefix: str, urlconf: str, name: str, slug: str) -> str:
    return reverse(name, urlconf=urlconf, args=[slug])


@lru_cache(maxsize=4096)
def _around_id(prefix: str, urlconf: str, name: str, slug: str) -> tuple[str, str]:
    head, _, tail = reverse(name, urlconf=urlconf, args=[slug, _MARKER]).rpartition(str(_MARKER))
    return head, tail


def partnership_url(name: str, slug: str) -> str:
    """reverse(name, args=[slug]): a page of the partnership `slug`."""
    return _page(*_where(), name, slug)


def record_page_url(name: str, slug: str, pk: int) -> str:
    """reverse(name, args=[slug, pk]): the page of a record of the partnership `slug`, named by its
    whole-number id."""
    head, tail = _around_id(*_where(), name, slug)
    return f"{head}{int(pk)}{tail}"
