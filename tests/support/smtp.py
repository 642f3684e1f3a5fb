"""A real SMTP server on loopback (aiosmtpd) for the tests: it keeps what it receives and can
play the mail server's faults — down (stopped, then started again on the same port), refusing one
recipient for a while (451) or for good (550), and stalling in DATA until released."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from collections import Counter

import pytest
from aiosmtpd.controller import Controller


class SmtpServer:
    def __init__(self):
        self.messages: list = []  # (envelope recipients, parsed message), in the order accepted
        self.refusals: dict[str, list] = {}  # address -> [code, times left (None: for ever)]
        self.rcpt_attempts: Counter = Counter()
        self.connections: Counter = Counter()  # messages accepted per client connection (its address and port)
        self._stalled = threading.Event()
        self._stall = threading.Event()  # set: DATA waits until release()
        self._after_accepting = False
        self._lock = threading.Lock()
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.controller = None

    # -- the server's behaviour ------------------------------------------------------------------

    def refuse(self, address: str, *, code: int = 451, times: int | None = 1) -> None:
        """Refuse this recipient with `code` for the next `times` attempts (None: every time)."""
        self.refusals[address.lower()] = [code, times]

    def stall(self, *, after_accepting: bool = False) -> None:
        """From now on, DATA waits until release(): before the message is taken (it is not
        delivered), or with `after_accepting` after it is taken but before the server says so
        (delivered, and the client does not know: a client killed now sends it again)."""
        self._after_accepting = after_accepting
        self._stalled.clear()
        self._stall.set()

    def release(self) -> None:
        self._stall.clear()

    def wait_until_stalled(self, timeout: float = 30) -> bool:
        return self._stalled.wait(timeout)

    def start(self) -> None:
        server = self

        class Handler:
            async def handle_RCPT(self, smtp, session, envelope, address, rcpt_options):
                address = address.lower()
                with server._lock:
                    server.rcpt_attempts[address] += 1
                    refusal = server.refusals.get(address)
                    if refusal and (refusal[1] is None or refusal[1] > 0):
                        if refusal[1] is not None:
                            refusal[1] -= 1
                        return f"{refusal[0]} {'Try again later' if refusal[0] < 500 else 'No such user here'}"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, smtp, session, envelope):
                taken = False
                if server._stall.is_set() and server._after_accepting:
                    server._take(envelope, session)
                    taken = True
                while server._stall.is_set():
                    server._stalled.set()
                    await asyncio.sleep(0.02)
                if not taken:
                    server._take(envelope, session)
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def _take(self, envelope, session) -> None:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append((list(envelope.rcpt_tos), message))
            self.connections[tuple(session.peer)] += 1

    def stop(self) -> None:
        if self.controller is not None:
            self.release()
            self.controller.stop()
            self.controller = None

    # -- what arrived ----------------------------------------------------------------------------

    def subjects(self) -> list[str]:
        return [message["Subject"] for _, message in self.messages]

    def by_subject(self) -> dict[str, list[str]]:
        """Each subject with every recipient it reached (one copy per recipient), sorted."""
        return dict(grouped(self.messages))

    def copies(self) -> Counter:
        """How many copies arrived per (outbox key, recipient): every escalation exactly once is
        every count 1."""
        counts: Counter = Counter()
        for recipients, message in self.messages:
            for recipient in recipients:
                counts[(message["X-LSCP-Email"], recipient)] += 1
        return counts


@pytest.fixture
def smtp(settings):
    """Email goes over SMTP to a real server on loopback for this test."""
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


def grouped(messages) -> list[tuple[str, list[str]]]:
    """Copies (one per recipient) grouped back into emails: (subject, sorted recipients), in the
    order each email's first copy arrived."""
    result: dict[str, list[str]] = {}
    for recipients, message in messages:
        result.setdefault(message["Subject"], []).extend(recipients)
    return [(subject, sorted(recipients)) for subject, recipients in result.items()]
