"""Case conferences (会商研判): staff convene experts and government liaisons (commerce, market supervision,
foreign affairs …) on a request. The participants share a thread of remarks and documents, draft a joint opinion
that is kept in numbered versions, and the convener records the decision.

Writes (``conference_*``, ``participant_answer``, ``opinion_save``) and reads (``conferences_for`` and the rest) of
conferences live here together; access is decided by the rules in ``rules_collab``.
"""

import difflib
import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lawbridge.accounts.choices import STAFF_ROLES
from lawbridge.core.audit import audit_event
from lawbridge.core.services import notification_send, require_perm

from .models import Conference, ConferenceParticipant, ConferencePost, OpinionVersion, ServiceRequest
from .services import IllegalTransition, check_attachment

NOTIFICATION_KIND = "servicedesk.request"
MAX_PARTICIPANTS = 30


_require = require_perm  # one rule check for every service: actor None is the platform itself


def _require_open(conference: Conference) -> None:
    if conference.state != Conference.State.OPEN:
        raise IllegalTransition(
            _("This conference is %(state)s; nothing more can be changed.") % {"state": conference.get_state_display()}
        )


def conference_url(conference: Conference) -> str:
    return reverse("servicedesk:conference", args=[conference.pk])


def _people(conference: Conference, *, but=None) -> list:
    """Everyone in the conference who has not declined, and its convener, except ``but``."""
    users = {conference.convened_by_id: conference.convened_by}
    for seat in conference.participants.exclude(answer=ConferenceParticipant.Answer.DECLINED).select_related("user"):
        users[seat.user_id] = seat.user
    return [u for pk, u in users.items() if u.is_active and pk != getattr(but, "pk", None)]


def _notify(users, title_fn, url: str, body_fn=lambda: "") -> None:
    for user in users:
        with translation.override(user.language):
            notification_send(user=user, kind=NOTIFICATION_KIND, title=str(title_fn()), body=str(body_fn()), url=url)


# -- writes ------------------------------------------------------------------------------------------------


@transaction.atomic
def conference_convene(
    *,
    actor,
    request: ServiceRequest,
    title: str,
    participants: list[tuple],
    agenda: str = "",
    scheduled_at: datetime | None = None,
    place: str = "",
) -> Conference:
    """Convene a conference on ``request`` and invite ``participants`` ([(user, capacity), …]): experts, government
    and judicial liaisons, other staff. People without a professional or official role cannot be invited."""
    _require(actor, "servicedesk.convene_conference", request)
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Give the conference a subject.")
    if not request.is_open:
        errors["__all__"] = _("The request is %(status)s; convene a conference on an open request.") % {
            "status": request.get_status_display()
        }
    if scheduled_at is not None and scheduled_at < timezone.now():
        errors["scheduled_at"] = _("The meeting time has already passed.")
    seats: dict[int, tuple] = {}
    refused = []
    for user, capacity in participants:
        if actor is not None and user.pk == actor.pk:
            continue  # the convener takes part anyway
        if not user.is_active or not (user.roles & STAFF_ROLES):
            refused.append(str(user))
            continue
        seats.setdefault(user.pk, (user, (capacity or "").strip()[:120]))
    if refused:
        errors["participants"] = _("Only experts, liaisons and staff can be invited: %(names)s") % {
            "names": ", ".join(refused)
        }
    elif not seats:
        errors["participants"] = _("Invite at least one participant.")
    elif len(seats) > MAX_PARTICIPANTS:
        errors["participants"] = _("Invite at most %(count)d participants.") % {"count": MAX_PARTICIPANTS}
    if errors:
        raise ValidationError(errors)
    conference = Conference(
        request=request,
        title=title,
        agenda=(agenda or "").strip(),
        scheduled_at=scheduled_at,
        place=(place or "").strip(),
        convened_by=actor,
    )
    conference.full_clean()
    conference.save()
    ConferenceParticipant.objects.bulk_create(
        ConferenceParticipant(conference=conference, user=user, capacity=capacity) for user, capacity in seats.values()
    )
    audit_event(
        obj=conference,
        event="servicedesk.conference.convened",
        actor=actor,
        payload={"number": request.number, "participants": ", ".join(str(u) for u, _c in seats.values())},
    )
    url = conference_url(conference)
    _notify(
        [user for user, _c in seats.values()],
        lambda: (
            _("You are invited to a case conference on %(number)s: %(title)s")
            % {"number": request.number, "title": conference.title}
        ),
        url,
        lambda: conference.agenda,
    )
    return conference


@transaction.atomic
def participant_answer(*, actor, conference: Conference, answer: str) -> ConferenceParticipant:
    """An invited person accepts or declines (and may change their mind while the conference is open)."""
    _require(actor, "servicedesk.answer_invitation", conference)
    _require_open(conference)
    if answer not in (ConferenceParticipant.Answer.ACCEPTED, ConferenceParticipant.Answer.DECLINED):
        raise ValidationError({"answer": _("Accept or decline the invitation.")})
    seat = ConferenceParticipant.objects.select_for_update().get(conference=conference, user=actor)
    before = seat.answer
    seat.answer = answer
    seat.save(update_fields=["answer"])
    audit_event(
        obj=conference, event="servicedesk.conference.answered", actor=actor, changes={"answer": [before, answer]}
    )
    convener = conference.convened_by
    if convener.pk != actor.pk and convener.is_active:
        _notify(
            [convener],
            lambda: (
                (
                    _("%(name)s accepted the invitation to %(title)s")
                    if answer == ConferenceParticipant.Answer.ACCEPTED
                    else _("%(name)s declined the invitation to %(title)s")
                )
                % {"name": str(actor), "title": conference.title}
            ),
            conference_url(conference),
        )
    return seat


@transaction.atomic
def conference_post(
    *, actor, conference: Conference, body: str = "", document: tuple[str, bytes] | None = None
) -> ConferencePost:
    """A remark and/or a document in the conference's thread. Documents are checked by content like request
    attachments, and their SHA-256 is kept so everyone can tell they read the same file."""
    _require(actor, "servicedesk.take_part", conference)
    _require_open(conference)
    body = (body or "").strip()
    if not body and document is None:
        raise ValidationError({"body": _("Write a remark or add a document.")})
    post = ConferencePost(conference=conference, author=actor, body=body)
    if document is not None:
        name, data = document
        try:
            clean, _content_type = check_attachment(name, data)
        except ValidationError as exc:
            raise ValidationError({"document": exc.messages}) from None
        post.file_name = clean
        post.sha256 = hashlib.sha256(data).hexdigest()
        post.file.save(f"{post.sha256[:16]}-{clean}", ContentFile(data), save=False)
    post.save()
    audit_event(
        obj=conference,
        event="servicedesk.conference.posted",
        actor=actor,
        payload={"name": post.file_name} if post.file_name else None,
    )
    _notify(
        _people(conference, but=actor),
        lambda: (
            _("New document in %(title)s: %(name)s") % {"title": conference.title, "name": post.file_name}
            if post.file_name
            else _("New remark in %(title)s") % {"title": conference.title}
        ),
        conference_url(conference) + "#thread",
    )
    return post


@transaction.atomic
def opinion_save(*, actor, conference: Conference, text: str) -> OpinionVersion:
    """Save the joint opinion as a new version (none is overwritten). Participants and the convener may edit it
    until the conference is decided or cancelled."""
    _require(actor, "servicedesk.take_part", conference)
    conference = Conference.objects.select_for_update().get(pk=conference.pk)  # one version number at a time
    _require_open(conference)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the opinion.")})
    latest = conference.opinions.order_by("-number").first()
    if latest is not None and latest.text == text:
        raise ValidationError({"text": _("Nothing changed since version %(number)d.") % {"number": latest.number}})
    version = OpinionVersion.objects.create(
        conference=conference, number=(latest.number if latest else 0) + 1, text=text, author=actor
    )
    audit_event(
        obj=conference, event="servicedesk.conference.opinion_saved", actor=actor, payload={"version": version.number}
    )
    return version


@transaction.atomic
def conference_decide(*, actor, conference: Conference, decision: str) -> Conference:
    """Record the decision (the convener or staff who handle the request); the conference is then closed to edits."""
    _require(actor, "servicedesk.decide_conference", conference)
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    _require_open(conference)
    decision = (decision or "").strip()
    if not decision:
        raise ValidationError({"decision": _("Write down what was decided.")})
    conference.state = Conference.State.DECIDED
    conference.decision = decision
    conference.decided_by = actor
    conference.decided_at = timezone.now()
    conference.save(update_fields=["state", "decision", "decided_by", "decided_at"])
    audit_event(
        obj=conference,
        event="servicedesk.conference.decided",
        actor=actor,
        changes={"state": [Conference.State.OPEN, Conference.State.DECIDED]},
    )
    _notify(
        _people(conference, but=actor),
        lambda: _("Decision recorded: %(title)s") % {"title": conference.title},
        conference_url(conference),
        lambda: decision,
    )
    return conference


@transaction.atomic
def conference_cancel(*, actor, conference: Conference, reason: str = "") -> Conference:
    _require(actor, "servicedesk.decide_conference", conference)
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    _require_open(conference)
    reason = (reason or "").strip()
    conference.state = Conference.State.CANCELLED
    conference.save(update_fields=["state"])
    audit_event(
        obj=conference,
        event="servicedesk.conference.cancelled",
        actor=actor,
        payload={"reason": reason} if reason else None,
        changes={"state": [Conference.State.OPEN, Conference.State.CANCELLED]},
    )
    _notify(
        _people(conference, but=actor),
        lambda: _("Conference cancelled: %(title)s") % {"title": conference.title},
        conference_url(conference),
        lambda: reason,
    )
    return conference


# -- reads -------------------------------------------------------------------------------------------------


def _conferences() -> QuerySet[Conference]:
    return Conference.objects.select_related("request", "convened_by", "decided_by")


def conferences_for(user, request: ServiceRequest) -> QuerySet[Conference]:
    """The conferences on ``request`` that ``user`` may see: all of them for staff who handle the request, else
    only those the user convened or is invited to."""
    conferences = _conferences().filter(request=request)
    if not (user.is_authenticated and user.is_active):
        return conferences.none()
    if user.has_perm("servicedesk.convene_conference", request):
        return conferences
    return conferences.filter(Q(convened_by=user) | Q(participants__user=user)).distinct()


def my_conferences(user) -> QuerySet[Conference]:
    """Every conference ``user`` convened or is invited to, open ones first."""
    if not (user.is_authenticated and user.is_active):
        return Conference.objects.none()
    return (
        _conferences()
        .filter(Q(convened_by=user) | Q(participants__user=user))
        .distinct()
        .order_by(
            "-state", "-created_at", "-id"
        )  # "open" sorts after "decided" and "cancelled": descending puts it first
    )


def conference_get(user, conference_id: int) -> Conference:
    """The conference, or Http404 for anyone who may not see it (not 403: its existence is not revealed)."""
    conference = _conferences().filter(pk=conference_id).first()
    if conference is None or not user.has_perm("servicedesk.view_conference", conference):
        raise Http404
    return conference


def seat_of(user, conference: Conference) -> ConferenceParticipant | None:
    return conference.participants.filter(user=user).first() if user.is_authenticated else None


def opinion_versions(conference: Conference) -> QuerySet[OpinionVersion]:
    """Newest first."""
    return conference.opinions.select_related("author").order_by("-number")


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "add", "remove", "hunk" or "same"
    text: str


def opinion_diff(conference: Conference) -> tuple[OpinionVersion | None, OpinionVersion | None, list[DiffLine]]:
    """(older, newer, lines): a unified diff between the latest two versions of the opinion ([] with fewer)."""
    latest_two = list(opinion_versions(conference)[:2])
    if len(latest_two) < 2:
        return None, (latest_two[0] if latest_two else None), []
    newer, older = latest_two
    lines = []
    for line in difflib.unified_diff(
        older.text.splitlines(),
        newer.text.splitlines(),
        fromfile=f"v{older.number}",
        tofile=f"v{newer.number}",
        lineterm="",
    ):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            kind = "hunk"
        elif line.startswith("+"):
            kind = "add"
        elif line.startswith("-"):
            kind = "remove"
        else:
            kind = "same"
        lines.append(DiffLine(kind=kind, text=line))
    return older, newer, lines


def latest_opinion_number(conference: Conference) -> int:
    return conference.opinions.aggregate(last=Max("number"))["last"] or 0


def candidates(*, exclude=None) -> list[tuple]:
    """Who may be invited: [(user, capacity), …], capacity from their role and organisation (e.g. "Government
    liaison · 杭州市商务局"). Experts, liaisons and staff; never enterprise people or individuals."""
    from lawbridge.accounts.models import Membership

    memberships = (
        Membership.objects.filter(is_active=True, user__is_active=True, role__in=list(STAFF_ROLES))
        .exclude(invitation_pending=True)
        .select_related("user", "organisation")
        .order_by("role", "organisation__name", "user__full_name", "id")
    )
    if exclude is not None:
        memberships = memberships.exclude(user=exclude)
    seen, result = set(), []
    for membership in memberships:
        if membership.user_id in seen:
            continue
        seen.add(membership.user_id)
        capacity = f"{membership.get_role_display()} · {membership.organisation.display_name()}"
        result.append((membership.user, capacity))
    return result
