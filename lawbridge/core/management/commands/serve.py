"""``lawbridge serve``: the web server (gunicorn, static files by WhiteNoise), the task worker and the
scheduler, as child processes of one command; Ctrl-C stops them all."""

import os
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from lawbridge.core.process import StopFlag


class Command(BaseCommand):
    help = "Run the web server, the background worker and the scheduler together."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))

    def handle(self, *args, host, port, workers, **options):
        python = sys.executable
        commands = {
            "web": [
                python,
                "-m",
                "gunicorn",
                "lawbridge.wsgi:application",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(workers),
                "--access-logfile",
                "-",
                "--graceful-timeout",
                "10",
            ],
            "worker": [python, "-m", "lawbridge", "worker"],
            "scheduler": [python, "-m", "lawbridge", "scheduler"],
        }
        stopping = StopFlag()
        children = {name: subprocess.Popen(cmd, start_new_session=True) for name, cmd in commands.items()}
        shown_host = f"[{host}]" if ":" in host else host
        self.stdout.write(self.style.SUCCESS(f"Lawbridge is running at http://{shown_host}:{port}/  (Ctrl-C stops it)"))
        self.stdout.write(
            f"Task backend: {settings.TASKS['default']['BACKEND']}; database: {settings.DATABASES['default']['ENGINE']}"
        )

        exit_code = 0
        while not stopping:
            for name, proc in children.items():
                if proc.poll() is not None:
                    self.stderr.write(f"{name} exited with {proc.returncode}; stopping the others.")
                    exit_code = proc.returncode or 1
                    break
            if exit_code:
                break
            time.sleep(0.5)
        for proc in children.values():
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + 15
        for proc in children.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
        self.stdout.write("Stopped.")
        if exit_code:
            sys.exit(exit_code)
