"""Shared HTTP helpers: the one JSON error format, and which task backend is configured."""

from django.conf import settings
from django.http import JsonResponse


def error_body(code: str, message, fields: dict | None = None) -> dict:
    """``{"error": {"code", "message", "fields"?}}``: the API's error format, wherever an error is produced."""
    body = {"error": {"code": code, "message": str(message)}}
    if fields:
        body["error"]["fields"] = fields
    return body


def json_error(status: int, code: str, message, fields: dict | None = None) -> JsonResponse:
    return JsonResponse(error_body(code, message, fields), status=status)


def task_backend() -> str:
    """ "database", "redis" or the configured backend's class name."""
    backend = settings.TASKS["default"]["BACKEND"]
    if "django_tasks_db" in backend:
        return "database"
    if "django_tasks_rq" in backend:
        return "redis"
    return backend.rsplit(".", 1)[-1]


class ApiError(Exception):
    """Raised by an API endpoint for a 4xx with its own error code; lawbridge/api.py turns it into the error body."""

    def __init__(self, status: int, code: str, message, fields: dict | None = None):
        super().__init__(str(message))
        self.status, self.code, self.message, self.fields = status, code, message, fields
