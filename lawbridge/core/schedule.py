"""Periodic jobs: a small registry over Django's Tasks API.

Apps declare ``periodic("name", "cron expression", task)`` in their ``tasks.py``;
``lawbridge scheduler`` (started by ``make run``) enqueues each due firing once.
Each firing is a row with a unique (job, slot), so several scheduler processes
never enqueue the same firing twice. Cron expressions are parsed by croniter.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from croniter import croniter
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    cron: str
    task: Any
    kwargs: dict[str, Any] = field(default_factory=dict)

    def latest_slot(self, now: datetime) -> datetime:
        """The most recent time at or before ``now`` when this job was due (in the server's time zone)."""
        local_now = timezone.localtime(now)
        itr = croniter(self.cron, local_now)
        if croniter.match(self.cron, local_now.replace(second=0, microsecond=0)):
            return local_now.replace(second=0, microsecond=0)
        return itr.get_prev(datetime)


_JOBS: dict[str, PeriodicJob] = {}


def periodic(name: str, cron: str, task, **kwargs) -> PeriodicJob:
    if not croniter.is_valid(cron):
        raise ValueError(f"Invalid cron expression for {name}: {cron!r}")
    job = PeriodicJob(name=name, cron=cron, task=task, kwargs=kwargs)
    _JOBS[name] = job
    return job


def jobs() -> list[PeriodicJob]:
    return sorted(_JOBS.values(), key=lambda j: j.name)


def autodiscover() -> None:
    autodiscover_modules("tasks")


def tick(now: datetime | None = None) -> list[str]:
    """Enqueue every job whose latest slot has not been enqueued yet. Returns the names enqueued.

    Only the latest missed firing is caught up: a scheduler down for a day runs a
    daily job once, not once per missed slot.
    """
    from .models import ScheduledRun

    now = now or timezone.now()
    enqueued = []
    for job in jobs():
        slot = job.latest_slot(now)
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job.name, slot=slot)
                result = job.task.enqueue(**job.kwargs)
                run.task_result_id = str(result.id)
                run.save(update_fields=["task_result_id"])
        except IntegrityError:
            continue  # another scheduler (or an earlier tick) has it
        enqueued.append(job.name)
    return enqueued
