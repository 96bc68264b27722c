"""``lawbridge scheduler``: enqueue periodic jobs when they fall due (see lawbridge.core.schedule)."""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from lawbridge.core import schedule
from lawbridge.core.process import StopFlag


class Command(BaseCommand):
    help = "Enqueue periodic jobs when due. Safe to run several at once: each firing is enqueued once."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=20.0, help="Seconds between checks.")
        parser.add_argument("--once", action="store_true", help="Check once and exit.")

    def handle(self, *args, interval=20.0, once=False, **options):
        stopping = StopFlag()
        names = ", ".join(f"{job.name} ({job.cron})" for job in schedule.jobs())
        self.stdout.write(f"Scheduler: {names}")
        while not stopping:
            close_old_connections()
            for name in schedule.tick():
                self.stdout.write(f"Enqueued {name}")
            if once:
                break
            deadline = time.monotonic() + interval
            while not stopping and time.monotonic() < deadline:
                time.sleep(0.5)
