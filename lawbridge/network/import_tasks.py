"""Background tasks of imports uploaded on the staff pages. Thin: they take the job's id and call ``imports``."""

from django_tasks import task

from . import imports


@task()
def import_check(job_id: int) -> str:
    """Check every row of an uploaded file; the job page shows the report."""
    return imports.job_run(job_id=job_id, write=False)


@task()
def import_commit(job_id: int) -> str:
    """Import a checked file, all or nothing."""
    return imports.job_run(job_id=job_id, write=True)
