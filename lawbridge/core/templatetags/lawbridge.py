"""Template helpers shared by every app."""

from django import template
from django.utils.translation import pgettext_lazy

from ..city import district_name as _district_name

register = template.Library()


@register.filter
def district_name(code: str) -> str:
    return _district_name(code) if code else ""


ACTION_LABELS = {
    0: pgettext_lazy("audit action", "created"),
    1: pgettext_lazy("audit action", "changed"),
    2: pgettext_lazy("audit action", "deleted"),
    3: pgettext_lazy("audit action", "viewed"),
}


@register.filter
def audit_label(entry) -> str:
    """The dotted event name of an audit entry, or a plain word for auditlog's own action."""
    data = entry.additional_data or {}
    return data.get("event") or ACTION_LABELS.get(entry.action, str(entry.action))


SECURITY_EVENT_LABELS = {
    "accounts.login": pgettext_lazy("security event", "Signed in"),
    "accounts.login.failed": pgettext_lazy("security event", "Failed sign-in attempt"),
    "accounts.password.changed": pgettext_lazy("security event", "Password changed"),
    "accounts.mfa.added": pgettext_lazy("security event", "Two-factor authentication added"),
    "accounts.mfa.removed": pgettext_lazy("security event", "Two-factor authentication removed"),
    "accounts.email.confirmed": pgettext_lazy("security event", "Email address confirmed"),
}


@register.filter
def security_event_label(entry) -> str:
    event = (entry.additional_data or {}).get("event", "")
    return SECURITY_EVENT_LABELS.get(event, event)


def _shown(value) -> str:
    return "" if value in (None, "None", "") else str(value)


@register.filter
def audit_changes(entry) -> list[tuple[str, str, str]]:
    """(field label, before, after) rows of an audit entry, with verbose names and choice labels."""
    rows = []
    for field, values in (entry.changes_display_dict or {}).items():
        if isinstance(values, list | tuple) and len(values) == 2:
            rows.append((field, _shown(values[0]), _shown(values[1])))
        else:
            rows.append((field, "", _shown(values)))
    return rows
