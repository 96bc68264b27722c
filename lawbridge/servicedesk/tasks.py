"""Background tasks of the service desk. Thin: they call services."""

from django_tasks import task

from lawbridge.core.schedule import periodic

from . import services


@task()
def offers_expire() -> dict:
    return services.offers_expire()


@task()
def sla_sweep() -> dict:
    from . import sla

    return sla.sweep()


periodic("servicedesk.offers_expire", "*/10 * * * *", offers_expire)
periodic("servicedesk.sla_sweep", "*/5 * * * *", sla_sweep)
