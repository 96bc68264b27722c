"""Liveness and readiness probes for load balancers and orchestrators."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .http import task_backend


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


def _check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return False, type(exc).__name__
    return True, connection.vendor


def _check_task_queue() -> tuple[bool, str]:
    backend = task_backend()
    try:
        if backend == "redis":
            import django_rq

            django_rq.get_connection("default").ping()
        elif backend == "database":
            from django_tasks_db.models import DBTaskResult

            DBTaskResult.objects.exists()
    except Exception as exc:
        return False, type(exc).__name__
    return True, backend


@never_cache
@require_GET
def readyz(request):
    db_ok, db_detail = _check_database()
    queue_ok, queue_detail = _check_task_queue() if db_ok else (False, "database unavailable")
    ready = db_ok and queue_ok
    body = {
        "status": "ok" if ready else "unavailable",
        "checks": {
            "database": {"ok": db_ok, "detail": db_detail},
            "task_queue": {"ok": queue_ok, "detail": queue_detail},
        },
    }
    return JsonResponse(body, status=200 if ready else 503)
