"""The registry of notification kinds. Each app registers the kinds it sends in its apps.ready()."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NotificationKind:
    code: str
    label: str | Promise
    email_default: bool = True


_KINDS: dict[str, NotificationKind] = {}


def register(code: str, label, *, email_default: bool = True) -> NotificationKind:
    kind = NotificationKind(code=code, label=label, email_default=email_default)
    _KINDS[code] = kind
    return kind


def get(code: str) -> NotificationKind:
    try:
        return _KINDS[code]
    except KeyError:
        raise LookupError(f"Unknown notification kind {code!r}; register it first.") from None


def all_kinds() -> list[NotificationKind]:
    return sorted(_KINDS.values(), key=lambda k: k.code)


register("accounts.membership.granted", _("You were given a role in an organisation"))
register("accounts.membership.invited", _("An organisation invites you to join"))
register("accounts.organisation.verified", _("Your organisation was verified"))
register("accounts.token.created", _("A new API token was made for your account"))
register("core.announcement", _("Platform announcements"), email_default=False)
