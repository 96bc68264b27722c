"""The audit log: field changes are recorded by django-auditlog for every registered model;
named domain events (``servicedesk.request.assigned``) are recorded here, in the same table."""

from collections.abc import Callable
from typing import Any

from auditlog.models import LogEntry
from django.db import models


def audit_event(
    *,
    obj: models.Model,
    event: str,
    actor=None,
    payload: dict[str, Any] | None = None,
    changes: dict[str, list[Any]] | None = None,
) -> LogEntry:
    """Record a named event about ``obj``: who did it, and a JSON payload of what changed.

    ``changes`` uses auditlog's shape, ``{"field": [before, after]}``, so the event reads the
    same as an automatic field change on the object's history.
    """
    if "." not in event:
        raise ValueError("Audit event names are dotted: app.object.verb")
    # auditlog keeps values as text ("None" for nothing); store ours the same way so histories read alike.
    as_text = {field: ["None" if v is None else str(v) for v in values] for field, values in (changes or {}).items()}
    return LogEntry.objects.log_create(
        obj,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes=as_text,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        additional_data={"event": event, **(payload or {})},
    )


# How histories read to people: a label per dotted event name, and formatters for payload values
# (an app registers its own, e.g. role codes shown as role names).
EVENT_LABELS: dict[str, object] = {}
PAYLOAD_FORMATTERS: dict[str, Callable[[Any], str]] = {}
PAYLOAD_LABELS: dict[str, object] = {}


def describe_event(name: str, label) -> None:
    EVENT_LABELS[name] = label


def describe_payload(key: str, label, formatter: Callable[[Any], str] | None = None) -> None:
    PAYLOAD_LABELS[key] = label
    if formatter is not None:
        PAYLOAD_FORMATTERS[key] = formatter


def register(model, *, exclude: tuple[str, ...] = ()) -> None:
    """Record every create/update/delete of ``model`` with before/after values of its own columns.

    Only concrete fields are tracked: reverse relations and bookkeeping timestamps are noise in a history.
    """
    from auditlog.registry import auditlog

    skip = {"id", "created_at", "updated_at", *exclude}
    auditlog.register(model, include_fields=[f.name for f in model._meta.concrete_fields if f.name not in skip])


def entries_for(obj: models.Model):
    """Every audit entry for one object, newest first, with the actor loaded."""
    return LogEntry.objects.get_for_object(obj).select_related("actor").order_by("-timestamp", "-id")
