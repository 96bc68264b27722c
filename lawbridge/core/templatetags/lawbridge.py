"""Template helpers shared by every app."""

from django import template

from ..city import district_name as _district_name

register = template.Library()


@register.filter
def district_name(code: str) -> str:
    return _district_name(code) if code else ""


@register.filter
def audit_label(entry) -> str:
    """The dotted event name of an audit entry, or what auditlog calls its action."""
    data = entry.additional_data or {}
    return data.get("event") or entry.get_action_display()


@register.filter
def audit_changes(entry) -> list[tuple[str, object, object]]:
    """(field, before, after) rows of an audit entry."""
    changes = entry.changes_dict if hasattr(entry, "changes_dict") else (entry.changes or {})
    rows = []
    for field, values in (changes or {}).items():
        if isinstance(values, list | tuple) and len(values) == 2:
            rows.append((field, values[0], values[1]))
        else:
            rows.append((field, "", values))
    return rows
