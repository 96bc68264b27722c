"""``lawbridge worker``: run the background task worker for whichever backend is configured."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from lawbridge.core.http import task_backend


class Command(BaseCommand):
    help = "Run the background task worker (database queue by default, RQ when REDIS_URL is set)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Process what is queued, then exit.")

    def handle(self, *args, batch=False, **options):
        if task_backend() == "redis":
            call_command("rqworker", "default", job_class="django_tasks_rq.Job", with_scheduler=True, burst=batch)
        else:
            call_command("db_worker", batch=batch, interval=1.0, no_startup_delay=True, verbosity=options["verbosity"])
