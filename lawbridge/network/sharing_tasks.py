"""The hourly pull of other Delta cities' shared experts. Thin: the work is in ``sharing``."""

import logging

from django_tasks import task

from lawbridge.core.schedule import periodic

from . import sharing

logger = logging.getLogger(__name__)


@task()
def pull_shared_experts() -> dict:
    """Pull from every active peer. A peer that fails has its error recorded on it (and logged); the
    others are still pulled, and the task itself succeeds."""
    results = sharing.pull_all()
    for name, result in results.items():
        if result["error"]:
            logger.error("Shared experts from %s were not pulled: %s", name, result["error"])
    return results


periodic("network.pull_shared_experts", "17 * * * *", pull_shared_experts)
