"""The periodic scheduler: each due firing is enqueued once, however many schedulers run."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from lawbridge.core import schedule
from lawbridge.core.models import ScheduledRun

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_registered_jobs_include_the_core_ones():
    names = {job.name for job in schedule.jobs()}
    assert {"core.sweep_unsent_notification_emails", "core.prune_finished_task_results"} <= names


def test_latest_slot_follows_the_cron_expression():
    job = schedule.PeriodicJob(name="x", cron="30 3 * * *", task=None)
    assert job.latest_slot(datetime(2026, 11, 26, 3, 29, tzinfo=SHANGHAI)) == datetime(
        2026, 11, 25, 3, 30, tzinfo=SHANGHAI
    )
    assert job.latest_slot(datetime(2026, 11, 26, 3, 30, 12, tzinfo=SHANGHAI)) == datetime(
        2026, 11, 26, 3, 30, tzinfo=SHANGHAI
    )


def test_invalid_cron_is_refused():
    with pytest.raises(ValueError):
        schedule.periodic("bad", "every tuesday", task=None)


def test_tick_enqueues_each_firing_once():
    now = datetime(2026, 11, 26, 10, 0, 5, tzinfo=SHANGHAI)
    first = schedule.tick(now)
    assert set(first) == {job.name for job in schedule.jobs()}
    assert schedule.tick(now) == []  # a second scheduler at the same moment gets nothing
    assert DBTaskResult.objects.count() == len(first)
    later = datetime(2026, 11, 26, 10, 15, 1, tzinfo=SHANGHAI)
    # Due between 10:00:05 and 10:15:01: the quarter-hourly mail sweep, the five-minutely log checkpoint, the
    # ten-minutely offer expiry and the five-minutely service-level sweep (each once, however many firings fell
    # in the gap).
    assert sorted(schedule.tick(later)) == [
        "core.sweep_unsent_notification_emails",
        "delivery.log_checkpoint",
        "servicedesk.offers_expire",
        "servicedesk.sla_sweep",
    ]
    assert ScheduledRun.objects.filter(job="core.sweep_unsent_notification_emails").count() == 2


@pytest.mark.django_db(transaction=True)
def test_scheduler_command_once_then_worker_runs_the_jobs():
    call_command("scheduler", once=True, verbosity=0)
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    statuses = set(DBTaskResult.objects.values_list("status", flat=True))
    assert statuses == {"SUCCESSFUL"}
