"""Real Celery workers, each a process of its own (as in production: `celery worker`), against
this test run's PostgreSQL database, Redis broker and a loopback SMTP server; they can be killed
with SIGKILL mid-task, as a machine losing power would."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import time_machine
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent.parent


class Workers:
    def __init__(self, *, smtp_port: int, logs: Path):
        self.smtp_port, self.logs = smtp_port, logs
        self.running: list[subprocess.Popen] = []
        self.count = 0

    def start(self) -> subprocess.Popen:
        self.count += 1
        env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="tests.support.worker_settings",
            LSCP_WORKER_DATABASE=connection.settings_dict["NAME"],
            LSCP_WORKER_BROKER=settings.CELERY_BROKER_URL,
            LSCP_WORKER_SMTP_PORT=str(self.smtp_port),
            # The worker's clock moved by as much as this process's (0 when not moved): both
            # then tick with the real clock, never apart.
            LSCP_WORKER_CLOCK_OFFSET=str(
                time.time() - time_machine.escape_hatch.time.time() if time_machine.escape_hatch.is_travelling() else 0
            ),
        )
        log = open(self.logs / f"worker-{self.count}.log", "wb")  # noqa: SIM115  (the worker writes to it)
        process = subprocess.Popen(  # noqa: S603  (our own interpreter and arguments)
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "lscp",
                "worker",
                "--pool=solo",
                "--without-heartbeat",
                "--without-mingle",
                "--without-gossip",
                "--loglevel=INFO",
                "-n",
                f"fault-{self.count}-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.running.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL: no shutdown, no acknowledgement, whatever it was doing."""
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        self.running.remove(process)

    def stop(self) -> None:
        for process in self.running:
            process.send_signal(signal.SIGTERM)
        for process in self.running:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
        self.running.clear()

    def log_text(self) -> str:
        return "\n".join(path.read_text(errors="replace") for path in sorted(self.logs.glob("worker-*.log")))


def wait_for(condition, *, timeout: float = 120, every: float = 0.1, what: str = "the condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise AssertionError(f"Timed out after {timeout} s waiting for {what}")
