"""Pages about the signed-in user and organisations. Thin: parse, ask a rule, call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lawbridge.core import selectors as core_selectors
from lawbridge.core import services as core_services
from lawbridge.core.audit import entries_for

from . import selectors, services
from .forms import ApiTokenForm, InviteForm, NotificationSettingsForm, OrganisationForm, ProfileForm, StaffAccountForm
from .models import ApiToken, Membership, Organisation
from .rules import roles_inviter_may_grant


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
def profile(request):
    user = request.user
    email_settings = core_selectors.notification_email_settings(user=user)
    kinds = [kind for kind, _wanted in email_settings]
    profile_form = ProfileForm(
        initial={
            "full_name": user.full_name,
            "name_latin": user.name_latin,
            "nationality": user.nationality.code or "",
            "language": user.language,
        }
    )
    settings_form = NotificationSettingsForm(
        kinds=kinds, initial={"email_kinds": [kind.code for kind, wanted in email_settings if wanted]}
    )
    token_form = ApiTokenForm()
    new_token = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "profile":
            profile_form = ProfileForm(request.POST)
            if profile_form.is_valid():
                try:
                    services.user_profile_update(user=user, **profile_form.cleaned_data)
                except ValidationError as exc:
                    _apply_errors(profile_form, exc)
                else:
                    messages.success(request, _("Your profile is saved."))
                    return redirect("accounts:profile")
        elif action == "notifications":
            settings_form = NotificationSettingsForm(request.POST, kinds=kinds)
            if settings_form.is_valid():
                core_services.notification_preferences_set(
                    user=user, email_kinds=set(settings_form.cleaned_data["email_kinds"])
                )
                messages.success(request, _("Your notification settings are saved."))
                return redirect("accounts:profile")
        elif action == "token":
            if not user.has_perm("accounts.manage_api_tokens"):
                raise PermissionDenied
            token_form = ApiTokenForm(request.POST)
            if token_form.is_valid():
                try:
                    _token, new_token = services.api_token_create(user=user, **token_form.cleaned_data)
                except ValidationError as exc:
                    _apply_errors(token_form, exc)
                else:
                    token_form = ApiTokenForm()
    return render(
        request,
        "accounts/profile.html",
        {
            "profile_form": profile_form,
            "settings_form": settings_form,
            "token_form": token_form,
            "new_token": new_token,
            "tokens": selectors.api_tokens_of(user=user),
            "security_events": selectors.security_events_of(user=user),
            "memberships": selectors.memberships_of(user=user),
        },
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    try:
        token = services.api_token_revoke(user=request.user, token_id=pk)
    except ApiToken.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("Token “{name}” is revoked.").format(name=token.name))
    return redirect("accounts:profile")


@login_required
@require_POST
def invitation_answer(request, pk: int):
    accept = request.POST.get("answer") == "accept"
    try:
        membership = services.membership_invitation_answer(user=request.user, membership_id=pk, accept=accept)
    except Membership.DoesNotExist:
        raise Http404 from None
    if accept:
        messages.success(
            request,
            _("You are now “{role}” at {organisation}.").format(
                role=membership.get_role_display(), organisation=membership.organisation.display_name()
            ),
        )
    else:
        messages.info(request, _("You declined the invitation."))
    return redirect("core:dashboard")


@login_required
def organisation_list(request):
    kind = request.GET.get("kind", "")
    query = request.GET.get("q", "").strip()[:100]
    organisations = selectors.organisation_list(user=request.user, kind=kind, query=query)
    from .choices import OrganisationKind

    return render(
        request,
        "accounts/organisation_list.html",
        {"organisations": organisations[:500], "kind": kind, "q": query, "kinds": OrganisationKind.choices},
    )


def _organisation_for(request, slug: str, perm: str = "accounts.view_organisation") -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm(perm, organisation):
        raise PermissionDenied
    return organisation


def _render_organisation(request, organisation, *, invite_form=None, edit_form=None):
    user = request.user
    grantable = roles_inviter_may_grant(user, organisation)
    can_change = user.has_perm("accounts.change_organisation", organisation)
    members = None
    if user.has_perm("accounts.view_members", organisation):
        members = selectors.organisation_members(organisation=organisation)
    audit = entries_for(organisation)[:50] if user.has_perm("accounts.view_audit_log", organisation) else None
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "members": members,
            "audit": audit,
            "invite_form": invite_form or (InviteForm(roles=grantable) if grantable else None),
            "invitations": selectors.invitations_of(organisation=organisation) if grantable else None,
            "edit_form": edit_form or (OrganisationForm.for_organisation(organisation) if can_change else None),
            "can_manage_members": user.has_perm("accounts.invite_member", organisation),
            "children": selectors.organisation_children(user=user, organisation=organisation),
            "can_verify": user.has_perm("accounts.verify_organisation", organisation),
        },
    )


@login_required
def organisation_detail(request, slug: str):
    return _render_organisation(request, _organisation_for(request, slug))


@login_required
@require_POST
def organisation_verify(request, slug: str):
    organisation = _organisation_for(request, slug, "accounts.verify_organisation")
    try:
        services.organisation_verify(actor=request.user, organisation=organisation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The organisation is verified."))
    return redirect("accounts:organisation", slug=slug)


@login_required
@require_POST
def organisation_edit(request, slug: str):
    organisation = _organisation_for(request, slug, "accounts.change_organisation")
    form = OrganisationForm(request.POST)
    if form.is_valid():
        try:
            services.organisation_update(actor=request.user, organisation=organisation, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The organisation's details are saved."))
            return redirect("accounts:organisation", slug=slug)
    return _render_organisation(request, organisation, edit_form=form)


@login_required
@require_POST
def organisation_invite(request, slug: str):
    organisation = _organisation_for(request, slug, "accounts.invite_member")
    form = InviteForm(request.POST, roles=roles_inviter_may_grant(request.user, organisation))
    if form.is_valid():
        try:
            invitee = services.account_invite(actor=request.user, organisation=organisation, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if invitee.memberships.filter(organisation=organisation, invitation_pending=True).exists():
                text = _("{email} already has an account and has been invited; the role takes effect when they accept.")
            else:
                text = _("{email} now has the role and has been sent a link to set a password.")
            messages.success(request, text.format(email=invitee.email))
            return redirect("accounts:organisation", slug=slug)
    return _render_organisation(request, organisation, invite_form=form)


@login_required
@require_POST
def membership_end(request, slug: str, pk: int):
    organisation = _organisation_for(request, slug, "accounts.invite_member")
    membership = get_object_or_404(Membership, pk=pk, organisation=organisation, is_active=True)
    try:
        services.membership_end(actor=request.user, membership=membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("{name} no longer has the role “{role}” here.").format(
                name=membership.user.full_name, role=membership.get_role_display()
            ),
        )
    return redirect("accounts:organisation", slug=slug)


@login_required
def staff_create(request):
    if not request.user.has_perm("accounts.create_staff_account"):
        raise PermissionDenied
    form = StaffAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new_user = services.account_invite(
                actor=request.user,
                email=data["email"],
                full_name=data["full_name"],
                organisation=data["organisation"],
                role=data["role"],
                language=data["language"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        except (PermissionDenied, ProtectedError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Staff account {email} is made; a link to set a password was emailed.").format(email=new_user.email),
            )
            return redirect("accounts:staff_create")
    return render(request, "accounts/staff_create.html", {"form": form})
