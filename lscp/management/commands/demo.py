"""Serve the demo: web on http://127.0.0.1:8000, and a Celery worker with beat embedded, over
the embedded broker. Ctrl-C stops all of them."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web server, the Celery worker and beat together (the demo)."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, **options):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "lscp.settings.local")}
        manage = str(settings.BASE_DIR / "manage.py")
        commands = {
            "web": [sys.executable, manage, "runserver", options["addr"], "--noreload", "--insecure"],
            # One worker process with beat embedded is plenty for a demo; production runs them
            # apart (docker-compose.yml).
            "worker+beat": [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "lscp",
                "worker",
                "--beat",
                "--pool=solo",
                "--loglevel=INFO",
                "--scheduler",
                "django_celery_beat.schedulers:DatabaseScheduler",
            ],
        }
        stopping = []

        def stop(signum, frame):
            stopping.append(signum)

        # Ctrl-C (SIGINT) or a plain kill (SIGTERM) stops everything, even when started from a
        # shell that ignores SIGINT for background jobs.
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        processes = {name: subprocess.Popen(cmd, env=env, cwd=settings.BASE_DIR) for name, cmd in commands.items()}  # noqa: S603 (our own fixed commands)
        self.stdout.write(
            self.style.SUCCESS(
                f"Serving http://{options['addr']}/ with a worker and beat. Mail goes to {settings.EMAIL_FILE_PATH}. Ctrl-C stops everything."
            )
        )
        try:
            while not stopping and all(p.poll() is None for p in processes.values()):
                time.sleep(0.5)
            if stopping:
                self.stdout.write("Stopping...")
            else:
                stopped = [name for name, p in processes.items() if p.poll() is not None]
                self.stderr.write(f"{', '.join(stopped)} stopped; stopping the rest.")
        finally:
            for process in processes.values():
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            deadline = time.time() + 10
            for process in processes.values():
                try:
                    process.wait(timeout=max(0.1, deadline - time.time()))
                except subprocess.TimeoutExpired:
                    process.kill()
