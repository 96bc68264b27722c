"""The conversation on a request between the requester and the assigned provider; staff who handle the request
read and write too. A document sent with a message becomes one of the request's attachments (checked by content,
SHA-256 kept) and downloads through the request's permission-checked attachment page."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from lawbridge.core.audit import audit_event
from lawbridge.core.services import notification_send, require_perm

from . import services
from .choices import Status
from .models import Message, ServiceRequest

NOTIFICATION_KIND = "servicedesk.request"
MAX_MESSAGE_CHARS = 10_000
# The conversation ends with the request when it did not lead anywhere; a closed matter may still need a word.
SILENT_STATUSES = (Status.MERGED, Status.WITHDRAWN, Status.REFERRED_OUT)


_require = require_perm  # one rule check for every service: actor None is the platform itself


def _recipients(request: ServiceRequest, author) -> list:
    """The other side: the requester and the provider, except the author; the service point's staff when the
    requester writes before any provider is assigned."""
    people = {request.requester_id: request.requester}
    provider = request.assigned_expert.user if request.assigned_expert_id else None
    if provider is not None:
        people[provider.pk] = provider
    people.pop(author.pk, None)
    if not people or (author.pk == request.requester_id and provider is None):
        people.update({u.pk: u for u in services._point_staff(request) if u.pk != author.pk})
    return [u for u in people.values() if u.is_active]


@transaction.atomic
def message_post(*, actor, request: ServiceRequest, body: str, attachment: tuple[str, bytes] | None = None) -> Message:
    _require(actor, "servicedesk.post_message", request)
    if request.status in SILENT_STATUSES:
        raise services.IllegalTransition(
            _("This request is %(status)s; the conversation is closed.") % {"status": request.get_status_display()}
        )
    body = (body or "").strip()
    errors = {}
    if not body:
        errors["body"] = _("Write a message.")
    elif len(body) > MAX_MESSAGE_CHARS:
        errors["body"] = _("Keep a message under %(count)d characters.") % {"count": MAX_MESSAGE_CHARS}
    if attachment is not None:
        try:
            services.check_attachment(*attachment)
        except ValidationError as exc:
            errors["attachment"] = exc.messages
    if errors:
        raise ValidationError(errors)
    stored = None
    if attachment is not None:
        try:
            stored = services.attachment_add(actor=actor, request=request, name=attachment[0], data=attachment[1])
        except ValidationError as exc:
            raise ValidationError({"attachment": exc.messages}) from None
    message = Message.objects.create(request=request, author=actor, body=body, attachment=stored)
    audit_event(
        obj=request,
        event="servicedesk.message.posted",
        actor=actor,
        payload={"name": stored.name} if stored else None,
    )
    url = reverse("servicedesk:request", args=[request.number]) + "#messages"
    for user in _recipients(request, actor):
        with translation.override(user.language):
            notification_send(
                user=user,
                kind=NOTIFICATION_KIND,
                title=_("New message on %(number)s from %(name)s") % {"number": request.number, "name": str(actor)},
                body=body[:500],
                url=url,
            )
    return message


def messages_for(user, request: ServiceRequest) -> QuerySet[Message]:
    """The conversation, oldest first, for those who take part in it (nobody else: an empty list)."""
    if not user.has_perm("servicedesk.post_message", request):
        return Message.objects.none()
    return request.messages.select_related("author", "attachment")
