"""API endpoints of the core app: the inbox."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from lawbridge.core.pagination import Pagination

from . import selectors, services
from .models import Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None


@router.get("/notifications", response=list[NotificationOut])
@paginate(Pagination)
def notification_list(request, unread: bool = False):
    return selectors.notification_list(user=request.user, unread_only=unread)


@router.post("/notifications/{notification_id}/read", response=NotificationOut)
def notification_read(request, notification_id: int):
    get_object_or_404(Notification, pk=notification_id, user=request.user)
    return services.notification_mark_read(user=request.user, notification_id=notification_id)


class ReadAllOut(Schema):
    marked: int


@router.post("/notifications/read-all", response=ReadAllOut)
def notification_read_all(request):
    return {"marked": services.notification_mark_all_read(user=request.user)}
