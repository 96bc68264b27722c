"""Background tasks of the service desk. Thin: they call services."""

from django_tasks import task

from lawbridge.core.schedule import periodic

from . import services


@task()
def offers_expire() -> dict:
    return services.offers_expire()


periodic("servicedesk.offers_expire", "*/10 * * * *", offers_expire)
