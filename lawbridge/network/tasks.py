"""Background tasks of the network. Thin: they call services."""

from django_tasks import task

from lawbridge.core.schedule import periodic

from . import services


@task()
def credential_expiry_sweep() -> dict:
    return services.credential_expiry_sweep()


periodic("network.credential_expiry_sweep", "15 7 * * *", credential_expiry_sweep)
