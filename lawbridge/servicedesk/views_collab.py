"""Pages of the collaboration around a request: convening a case conference and its room (participants, the thread
with documents, the versioned joint opinion, the decision); giving a coordination task to a unit and the unit's
task page and list; posting to the requester–provider conversation. Thin: parse, call one service or selector,
render. The small forms these pages need are here too, next to the views that use them."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from lawbridge.core.audit import entries_for
from lawbridge.network.forms import apply_service_errors

from . import conferences, coordination, messaging, services
from .models import Conference, ConferenceParticipant, ConferencePost, CoordinationTask, ServiceRequest

# -- forms -------------------------------------------------------------------------------------------------


def _read_upload(upload) -> tuple[str, bytes] | None:
    if not upload:
        return None
    if upload.size > services.MAX_ATTACHMENT_BYTES:
        raise forms.ValidationError(_("%(name)s is larger than 10 MB.") % {"name": upload.name})
    return upload.name, upload.read()


class ConveneForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    agenda = forms.CharField(label=gettext_lazy("Questions to settle"), widget=forms.Textarea(attrs={"rows": 4}))
    scheduled_at = forms.DateTimeField(
        label=gettext_lazy("Meets at"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label=gettext_lazy("Place or video link"), max_length=300, required=False)
    participants = forms.MultipleChoiceField(
        label=gettext_lazy("Participants"),
        help_text=gettext_lazy("Experts, liaisons of government units and courts, other staff."),
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(user.pk): (user, capacity) for user, capacity in candidates}
        self.fields["participants"].choices = [
            (pk, f"{user.get_full_name() or user.email} — {capacity}")
            for pk, (user, capacity) in self.candidates.items()
        ]

    def chosen(self) -> list[tuple]:
        return [self.candidates[pk] for pk in self.cleaned_data["participants"]]


class AnswerInvitationForm(forms.Form):
    answer = forms.ChoiceField(
        choices=[
            (ConferenceParticipant.Answer.ACCEPTED, ConferenceParticipant.Answer.ACCEPTED.label),
            (ConferenceParticipant.Answer.DECLINED, ConferenceParticipant.Answer.DECLINED.label),
        ]
    )


class PostForm(forms.Form):
    body = forms.CharField(label=gettext_lazy("Remark"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    document = forms.FileField(
        label=gettext_lazy("Document"),
        required=False,
        help_text=gettext_lazy("PDF, Word (.docx), Excel (.xlsx), PNG or JPEG, up to 10 MB."),
    )

    def clean_document(self):
        return _read_upload(self.cleaned_data.get("document"))


class OpinionForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Joint opinion"), widget=forms.Textarea(attrs={"rows": 12}))


class DecisionForm(forms.Form):
    decision = forms.CharField(label=pgettext_lazy("conference", "Decision"), widget=forms.Textarea(attrs={"rows": 4}))


class CancelForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TaskForm(forms.Form):
    assignee = forms.ModelChoiceField(label=gettext_lazy("Assigned to"), queryset=coordination.assignee_choices())
    title = forms.CharField(label=gettext_lazy("Task"), max_length=200)
    details = forms.CharField(label=gettext_lazy("Details"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    due_on = forms.DateField(label=gettext_lazy("Due"), widget=forms.DateInput(attrs={"type": "date"}))
    public_note = forms.CharField(
        label=gettext_lazy("Progress in plain words"),
        required=False,
        help_text=gettext_lazy("What the requester sees about this task."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = coordination.assignee_choices()
        self.fields["assignee"].label_from_instance = lambda org: f"{org.display_name()} ({org.get_kind_display()})"


class TaskUpdateForm(forms.Form):
    state = forms.ChoiceField(label=gettext_lazy("State"))
    note = forms.CharField(
        label=gettext_lazy("Update"),
        help_text=gettext_lazy("For staff and your unit only."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    public_note = forms.CharField(
        label=gettext_lazy("Progress in plain words"),
        required=False,
        help_text=gettext_lazy("What the requester sees; leave empty to keep the current text."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, task: CoordinationTask, may_cancel: bool, **kwargs):
        super().__init__(*args, **kwargs)
        states = coordination.NEXT_STATES.get(CoordinationTask.State(task.state), ())
        self.fields["state"].choices = [
            (s.value, s.label) for s in states if may_cancel or s != CoordinationTask.State.CANCELLED
        ]
        self.fields["state"].initial = task.state


class MessageForm(forms.Form):
    body = forms.CharField(label=gettext_lazy("Message"), widget=forms.Textarea(attrs={"rows": 3}))
    attachment = forms.FileField(
        label=gettext_lazy("Attachment"),
        required=False,
        help_text=gettext_lazy("PDF, Word (.docx), Excel (.xlsx), PNG or JPEG, up to 10 MB."),
    )

    def clean_attachment(self):
        return _read_upload(self.cleaned_data.get("attachment"))


# -- helpers -----------------------------------------------------------------------------------------------


def _request_or_404(request, number: str) -> ServiceRequest:
    found = get_object_or_404(ServiceRequest.objects.select_related("service_point", "assigned_expert"), number=number)
    if not request.user.has_perm("servicedesk.view_request", found):
        raise Http404
    return found


def _errors_as_messages(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# -- conferences -------------------------------------------------------------------------------------------


@login_required
def conference_new(request, number):
    sr = _request_or_404(request, number)
    if not request.user.has_perm("servicedesk.convene_conference", sr):
        raise PermissionDenied
    form = ConveneForm(request.POST or None, candidates=conferences.candidates(exclude=request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            conference = conferences.conference_convene(
                actor=request.user,
                request=sr,
                title=data["title"],
                agenda=data["agenda"],
                scheduled_at=data["scheduled_at"],
                place=data["place"],
                participants=form.chosen(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The conference is convened; the participants are invited."))
            return redirect("servicedesk:conference", conference.pk)
    return render(
        request,
        "servicedesk/conference_new.html",
        {"sr": sr, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _render_conference(request, conference: Conference, bound: dict | None = None, status: int = 200):
    user = request.user
    bound = bound or {}
    versions = list(conferences.opinion_versions(conference))
    shown = versions[0] if versions else None
    wanted = request.GET.get("version", "")
    if wanted.isdigit():
        shown = next((v for v in versions if v.number == int(wanted)), shown)
    older, newer, diff = conferences.opinion_diff(conference)
    is_open = conference.state == Conference.State.OPEN
    may_take_part = is_open and user.has_perm("servicedesk.take_part", conference)
    may_decide = is_open and user.has_perm("servicedesk.decide_conference", conference)
    seat = conferences.seat_of(user, conference)
    context = {
        "conference": conference,
        "sr": conference.request,
        "participants": conference.participants.select_related("user"),
        "posts": conference.posts.select_related("author"),
        "versions": versions,
        "shown": shown,
        "diff": diff,
        "diff_older": older,
        "diff_newer": newer,
        "seat": seat,
        "may_view_request": user.has_perm("servicedesk.view_request", conference.request),
        "history": entries_for(conference)[:50],
    }
    if may_take_part:
        context["post_form"] = bound.get("post") or PostForm()
        context["opinion_form"] = bound.get("opinion") or OpinionForm(
            initial={"text": versions[0].text if versions else ""}
        )
    if is_open and seat is not None:
        context["answer_form"] = AnswerInvitationForm(initial={"answer": seat.answer})
    if may_decide:
        context["decision_form"] = bound.get("decide") or DecisionForm()
        context["cancel_form"] = bound.get("cancel") or CancelForm()
    return render(request, "servicedesk/conference_detail.html", context, status=status)


@login_required
def conference_detail(request, conference_id):
    return _render_conference(request, conferences.conference_get(request.user, conference_id))


@login_required
def my_conferences(request):
    return render(
        request, "servicedesk/conferences.html", {"conferences": conferences.my_conferences(request.user)[:200]}
    )


def _conference_act(request, conference_id, form_key: str, form_class, call, done: str, anchor: str = ""):
    """POST endpoints of the conference room: call the service with the valid form, back to the room with a
    message; otherwise the room again with the form's errors (400)."""
    if request.method != "POST":
        return redirect("servicedesk:conference", conference_id)
    conference = conferences.conference_get(request.user, conference_id)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            call(conference, form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(reverse("servicedesk:conference", args=[conference.pk]) + anchor)
    conference.refresh_from_db()
    return _render_conference(request, conference, bound={form_key: form}, status=400)


@login_required
def conference_answer(request, conference_id):
    def call(conference, data):
        conferences.participant_answer(actor=request.user, conference=conference, answer=data["answer"])

    return _conference_act(request, conference_id, "answer", AnswerInvitationForm, call, _("Your answer is recorded."))


@login_required
def conference_post(request, conference_id):
    def call(conference, data):
        conferences.conference_post(
            actor=request.user, conference=conference, body=data["body"], document=data["document"]
        )

    return _conference_act(request, conference_id, "post", PostForm, call, _("Posted to the thread."), "#thread")


@login_required
def conference_opinion(request, conference_id):
    def call(conference, data):
        conferences.opinion_save(actor=request.user, conference=conference, text=data["text"])

    return _conference_act(
        request, conference_id, "opinion", OpinionForm, call, _("A new version of the opinion is saved."), "#opinion"
    )


@login_required
def conference_decide(request, conference_id):
    def call(conference, data):
        conferences.conference_decide(actor=request.user, conference=conference, decision=data["decision"])

    return _conference_act(
        request, conference_id, "decide", DecisionForm, call, _("The decision is recorded; participants are told.")
    )


@login_required
def conference_cancel(request, conference_id):
    def call(conference, data):
        conferences.conference_cancel(actor=request.user, conference=conference, reason=data["reason"])

    return _conference_act(request, conference_id, "cancel", CancelForm, call, _("The conference is cancelled."))


@login_required
def conference_document(request, conference_id, post_id):
    conference = conferences.conference_get(request.user, conference_id)
    post = get_object_or_404(ConferencePost, pk=post_id, conference=conference)
    if not post.file:
        raise Http404
    return FileResponse(post.file.open("rb"), as_attachment=True, filename=post.file_name)


# -- coordination tasks ------------------------------------------------------------------------------------


@login_required
def task_new(request, number):
    sr = _request_or_404(request, number)
    if not request.user.has_perm("servicedesk.assign_task", sr):
        raise PermissionDenied
    form = TaskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            task = coordination.task_assign(actor=request.user, request=sr, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The task is given to %(unit)s.") % {"unit": task.assignee.display_name()})
            return redirect(reverse("servicedesk:request", args=[sr.number]) + "#tasks")
    return render(
        request, "servicedesk/task_new.html", {"sr": sr, "form": form}, status=400 if request.method == "POST" else 200
    )


@login_required
def task_detail(request, task_id):
    task = coordination.task_get(request.user, task_id)
    may_cancel = request.user.has_perm("servicedesk.cancel_task", task)
    form = None
    status = 200
    if task.state not in coordination.CLOSED_STATES:
        form = TaskUpdateForm(request.POST or None, task=task, may_cancel=may_cancel)
        if request.method == "POST":
            if form.is_valid():
                try:
                    coordination.task_update(actor=request.user, task=task, **form.cleaned_data)
                except ValidationError as exc:
                    apply_service_errors(form, exc)
                else:
                    messages.success(request, _("The update is recorded."))
                    return redirect("servicedesk:task", task.pk)
            status = 400
    elif request.method == "POST":
        messages.error(request, _("This task is closed."))
        status = 400
    return render(
        request,
        "servicedesk/task_detail.html",
        {
            "task": task,
            "sr": task.request,
            "updates": coordination.task_updates(task),
            "form": form,
            "plain": coordination.PLAIN_STATE[CoordinationTask.State(task.state)],
            "may_view_request": request.user.has_perm("servicedesk.view_request", task.request),
            "overdue": task.state not in coordination.CLOSED_STATES and task.due_on < timezone.localdate(),
        },
        status=status,
    )


@login_required
def my_tasks(request):
    open_only = request.GET.get("all") != "1"
    tasks = coordination.my_tasks(request.user, open_only=open_only)[:500]
    return render(
        request,
        "servicedesk/tasks.html",
        {"tasks": tasks, "open_only": open_only, "today": timezone.localdate()},
    )


# -- the conversation --------------------------------------------------------------------------------------


@login_required
def message_post(request, number):
    if request.method != "POST":
        return redirect(reverse("servicedesk:request", args=[number]) + "#messages")
    sr = _request_or_404(request, number)
    if not request.user.has_perm("servicedesk.post_message", sr):
        raise PermissionDenied
    form = MessageForm(request.POST, request.FILES)
    status = 200
    if form.is_valid():
        try:
            messaging.message_post(
                actor=request.user,
                request=sr,
                body=form.cleaned_data["body"],
                attachment=form.cleaned_data["attachment"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            status = 400
        else:
            form = MessageForm()
            if not request.htmx:
                messages.success(request, _("Your message is sent."))
    else:
        status = 400
    if request.htmx:
        return render(
            request,
            "servicedesk/_messages.html",
            {
                "messages_list": messaging.messages_for(request.user, sr),
                "request": sr,
                "can_post": True,
                "message_form": form,
            },
            status=status,
        )
    if status != 200:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(reverse("servicedesk:request", args=[sr.number]) + "#messages")


def message_form() -> MessageForm:
    """A fresh form for the request page's ``_messages.html`` (optional: the partial renders its own fields)."""
    return MessageForm()
