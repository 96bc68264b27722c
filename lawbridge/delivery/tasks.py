"""Background tasks of service of process. Thin: they call the log."""

from django_tasks import task

from lawbridge.core.schedule import periodic

from . import log


@task()
def log_checkpoint() -> dict:
    """Sign a checkpoint if the transparency log grew since the last one."""
    cp = log.checkpoint_if_grown()
    return {"tree_size": cp.tree_size if cp else None}


periodic("delivery.log_checkpoint", "*/5 * * * *", log_checkpoint)
