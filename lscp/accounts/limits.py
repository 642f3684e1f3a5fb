"""Failed sign-ins: each wrong password counts against the username tried and against the
address it came from. Past the limit, signing in is refused for the rest of the window, on the
page and for API tokens alike, before any password is checked.

Counters live in Django's cache (Redis wherever `LSCP_REDIS_URL` is set, so every web process
shares them). The window runs from the first failure; a success clears the username's count.
Any username counts, existing or not, so a refusal says nothing about which accounts exist.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Limits:
    per_username: int
    per_address: int
    window_seconds: int

    @property
    def window_minutes(self) -> int:
        return max(1, self.window_seconds // 60)


def limits() -> Limits:
    return Limits(**settings.LSCP_SIGN_IN_LIMITS)


def _key(kind: str, value: str) -> str:
    return "sign-in:" + kind + ":" + hashlib.sha256(value.strip().lower().encode()).hexdigest()


def _keys(username: str, address: str | None) -> list[tuple[str, int]]:
    rules = limits()
    keys = [(_key("username", username), rules.per_username)]
    if address:
        keys.append((_key("address", address), rules.per_address))
    return keys


def refused(username: str, address: str | None) -> bool:
    """Has this username, or this address, used up its attempts for now?"""
    keys = _keys(username, address)
    counts = cache.get_many([key for key, _ in keys])
    return any(counts.get(key, 0) >= limit for key, limit in keys)


def failed(username: str, address: str | None) -> None:
    window = limits().window_seconds
    for key, _ in _keys(username, address):
        cache.add(key, 0, timeout=window)  # starts the window on the first failure only
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr: this failure starts a new window
            cache.set(key, 1, timeout=window)


def succeeded(username: str) -> None:
    cache.delete(_key("username", username))


def address_of(request) -> str | None:
    """The client's address as the web server saw it (set a trusted proxy's forwarded address
    into REMOTE_ADDR at the proxy, not from a header anyone can send)."""
    return request.META.get("REMOTE_ADDR") if request is not None else None


def refusal_message() -> str:
    return (
        f"There have been too many attempts to sign in. Wait {limits().window_minutes} minutes, then try "
        "again. If you have forgotten your password, ask your partnership's business unit to reset it."
    )
