"""Who may do what with core objects."""

import rules

from lawbridge.accounts.rules import is_active_user, is_platform_admin


@rules.predicate
def owns_notification(user, notification) -> bool:
    return notification is not None and user.is_authenticated and notification.user_id == user.pk


rules.add_perm("core.view_notification", is_active_user & owns_notification)
rules.add_perm("core.view_task_status", is_platform_admin)
rules.add_perm("core.use_admin_site", is_platform_admin)
