"""Template helpers shared by every app."""

from django import template
from django.utils.translation import pgettext_lazy

from ..audit import EVENT_LABELS, PAYLOAD_FORMATTERS, PAYLOAD_LABELS
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
    """What happened, in words: the registered label of the event (else its dotted name), or auditlog's action."""
    event = (entry.additional_data or {}).get("event")
    if event:
        return EVENT_LABELS.get(event, event)
    return ACTION_LABELS.get(entry.action, str(entry.action))


@register.filter
def audit_payload(entry) -> list[tuple[str, str]]:
    """(key, value) rows of an event's payload, values formatted for people where an app said how."""
    rows = []
    for key, value in (entry.additional_data or {}).items():
        if key == "event":
            continue
        formatter = PAYLOAD_FORMATTERS.get(key)
        try:
            shown = formatter(value) if formatter else value
        except (ValueError, KeyError):
            shown = value
        rows.append((PAYLOAD_LABELS.get(key, key), _shown(shown)))
    return rows


YES_NO = {"True": pgettext_lazy("boolean", "yes"), "False": pgettext_lazy("boolean", "no")}


def _shown(value) -> str:
    if value in (None, "None", ""):
        return ""
    return str(YES_NO.get(str(value), value))


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
