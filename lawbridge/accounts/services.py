"""Writes about people and organisations. Keyword-only, validated, audited."""

import secrets
from datetime import timedelta

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lawbridge.core.audit import audit_event
from lawbridge.core.city import district_choices
from lawbridge.core.services import notification_send

from .choices import ENTERPRISE_ROLES, ROLES_BY_KIND, STAFF_ROLES, AccountType, OrganisationKind, Role
from .models import ApiToken, Membership, Organisation, User
from .rules import roles_inviter_may_grant
from .validators import normalise_uscc


def _unique_slug(base: str) -> str:
    root = slugify(base)[:60] or "org"
    slug, n = root, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{root}-{n}"
    return slug


def user_profile_update(*, user: User, **fields) -> User:
    """Change what a user says about themselves; the audit log records who changed what."""
    allowed = {"full_name", "name_latin", "nationality", "language"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Not profile fields: {sorted(unknown)}")
    if "language" in fields and fields["language"] not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("This language is not offered.")})
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def individual_register(*, user: User, full_name: str, name_latin: str, nationality: str, language: str) -> User:
    user.account_type = AccountType.INDIVIDUAL
    return user_profile_update(
        user=user, full_name=full_name, name_latin=name_latin, nationality=nationality, language=language
    )


def organisation_create(
    *,
    actor: User | None,
    kind: str,
    name: str,
    name_en: str = "",
    uscc: str = "",
    district_code: str = "",
    service_point_level: str = "",
    parent: Organisation | None = None,
    is_verified: bool = False,
    slug: str = "",
) -> Organisation:
    organisation = Organisation(
        kind=kind,
        name=name.strip(),
        name_en=name_en.strip(),
        uscc=normalise_uscc(uscc),
        district_code=district_code,
        service_point_level=service_point_level if kind == OrganisationKind.SERVICE_POINT else "",
        parent=parent,
        is_verified=is_verified,
        slug=slug or _unique_slug(name_en or name),
    )
    if kind == OrganisationKind.ENTERPRISE and not organisation.uscc:
        raise ValidationError({"uscc": _("An enterprise needs its unified social credit code.")})
    organisation.full_clean()
    organisation.save()
    audit_event(obj=organisation, event="accounts.organisation.created", actor=actor, payload={"kind": kind})
    return organisation


def organisation_update(*, actor: User, organisation: Organisation, name_en: str, district_code: str) -> Organisation:
    """An organisation's administrator corrects its English name or district (recorded by the audit log)."""
    if not actor.has_perm("accounts.change_organisation", organisation):
        raise PermissionDenied(_("You may not change this organisation."))
    valid_districts = {code for code, _label in district_choices()}
    if district_code and district_code not in valid_districts:
        raise ValidationError({"district_code": _("Choose a district of this city.")})
    organisation.name_en = name_en.strip()
    organisation.district_code = district_code
    organisation.full_clean()
    organisation.save()
    return organisation


def membership_grant(
    *, actor: User | None, user: User, organisation: Organisation, role: str, notify: bool = True
) -> Membership:
    if role not in ROLES_BY_KIND.get(organisation.kind, ()):
        raise ValidationError(
            {"role": _("An organisation of this kind cannot give the role “{role}”.").format(role=Role(role).label)}
        )
    membership, created = Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    if not created and (not membership.is_active or membership.invitation_pending):
        membership.is_active = True
        membership.invitation_pending = False
        membership.save(update_fields=["is_active", "invitation_pending"])
    if role in STAFF_ROLES and user.account_type != AccountType.STAFF:
        user.account_type = AccountType.STAFF
        user.save(update_fields=["account_type"])
    elif role in ENTERPRISE_ROLES and user.account_type == AccountType.INDIVIDUAL:
        user.account_type = AccountType.ENTERPRISE
        user.save(update_fields=["account_type"])
    if role == Role.PLATFORM_ADMIN and not (user.is_staff and user.is_superuser):
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    user.forget_cached_roles()
    if created:
        audit_event(
            obj=organisation,
            event="accounts.membership.granted",
            actor=actor,
            payload={"user": user.email, "role": role},
        )
    if created and notify:
        with translation.override(user.language):
            notification_send(
                user=user,
                kind="accounts.membership.granted",
                title=_("You are now “{role}” at {organisation}").format(
                    role=Role(role).label, organisation=organisation.display_name()
                ),
                url=reverse("accounts:organisation", args=[organisation.slug]),
            )
    return membership


def enterprise_register(
    *, user: User, company_name: str, company_name_en: str, uscc: str, district_code: str
) -> Organisation:
    """A new enterprise signs up: its organisation is made and the signer becomes its administrator."""
    with transaction.atomic():
        organisation = organisation_create(
            actor=user,
            kind=OrganisationKind.ENTERPRISE,
            name=company_name,
            name_en=company_name_en,
            uscc=uscc,
            district_code=district_code,
        )
        user.account_type = AccountType.ENTERPRISE
        user.save(update_fields=["account_type"])
        membership_grant(actor=user, user=user, organisation=organisation, role=Role.ENTERPRISE_ADMIN)
    return organisation


def organisation_verify(*, actor: User, organisation: Organisation) -> Organisation:
    if not actor.has_perm("accounts.verify_organisation", organisation):
        raise PermissionDenied(_("You may not verify organisations."))
    if organisation.is_verified:
        raise ValidationError(_("This organisation is already verified."))
    organisation.is_verified = True
    organisation.save(update_fields=["is_verified", "updated_at"])
    audit_event(
        obj=organisation, event="accounts.organisation.verified", actor=actor, changes={"is_verified": [False, True]}
    )
    for membership in organisation.memberships.filter(is_active=True).select_related("user"):
        with translation.override(membership.user.language):
            notification_send(
                user=membership.user,
                kind="accounts.organisation.verified",
                title=_("{organisation} is verified").format(organisation=organisation.display_name()),
                url=reverse("accounts:organisation", args=[organisation.slug]),
            )
    return organisation


def _send_set_password_mail(*, user: User, inviter: User, organisation: Organisation, role: str) -> None:
    uid = user_pk_to_url_str(user)
    key = default_token_generator.make_token(user)
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": uid, "key": key})
    with translation.override(user.language):
        context = {
            "user": user,
            "inviter": inviter,
            "organisation": organisation.display_name(),
            "role": Role(role).label,
            "url": settings.LAWBRIDGE_SITE_URL + path,
        }
        subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _("You have a Lawbridge account")
        body = render_to_string("accounts/email/invitation.txt", context)
    from django.core.mail import send_mail

    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def account_invite(
    *, actor: User, email: str, full_name: str, organisation: Organisation, role: str, language: str
) -> User:
    """Give someone a role: a new account (with a set-password link by email) when they have none.

    Platform admins make staff accounts; an enterprise admin adds colleagues to the enterprise. Someone
    who already has an account is only invited by an enterprise admin: the role takes effect when they
    accept, so nobody is attached to an organisation without their consent.
    """
    if role not in roles_inviter_may_grant(actor, organisation):
        raise PermissionDenied(_("You may not give this role in this organisation."))
    email = email.strip().lower()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        new = user is None
        if new:
            user = User(email=email, full_name=full_name.strip(), language=language)
            user.set_unusable_password()
            user.full_clean(exclude=["password"])
            user.save()
            # The invitation link proves the address, so it counts as verified.
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
            audit_event(obj=user, event="accounts.user.invited", actor=actor, payload={"role": role})
        if new or Role.PLATFORM_ADMIN in actor.roles:
            membership_grant(actor=actor, user=user, organisation=organisation, role=role)
        else:
            _membership_invite_existing(actor=actor, user=user, organisation=organisation, role=role)
    if new:
        transaction.on_commit(
            lambda: _send_set_password_mail(user=user, inviter=actor, organisation=organisation, role=role)
        )
    return user


def _membership_invite_existing(*, actor: User, user: User, organisation: Organisation, role: str) -> Membership:
    membership = Membership.objects.filter(user=user, organisation=organisation, role=role).first()
    if membership is not None and membership.is_active:
        raise ValidationError({"email": _("This person already has this role here.")})
    if membership is None:
        membership = Membership(user=user, organisation=organisation, role=role)
    membership.is_active = False
    membership.invitation_pending = True
    membership.invited_by = actor
    membership.full_clean()
    membership.save()
    audit_event(
        obj=organisation, event="accounts.membership.invited", actor=actor, payload={"user": user.email, "role": role}
    )
    with translation.override(user.language):
        notification_send(
            user=user,
            kind="accounts.membership.invited",
            title=_("{organisation} invites you to join as “{role}”").format(
                organisation=organisation.display_name(), role=Role(role).label
            ),
            body=_("Accept or decline on your dashboard."),
            url=reverse("core:dashboard"),
        )
    return membership


def membership_end(*, actor: User, membership: Membership) -> Membership:
    """End someone's role in an organisation. The row stays (cases may refer to it); it stops granting anything."""
    organisation = membership.organisation
    if not actor.has_perm("accounts.invite_member", organisation):
        raise PermissionDenied(_("You may not change this organisation's members."))
    if membership.role == Role.ENTERPRISE_ADMIN:
        admins = organisation.memberships.filter(role=Role.ENTERPRISE_ADMIN, is_active=True).exclude(pk=membership.pk)
        if not admins.exists():
            raise ValidationError(_("An enterprise needs at least one administrator; appoint another one first."))
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    membership.user.forget_cached_roles()
    audit_event(
        obj=organisation,
        event="accounts.membership.ended",
        actor=actor,
        payload={"user": membership.user.email, "role": membership.role},
    )
    return membership


def membership_invitation_answer(*, user: User, membership_id: int, accept: bool) -> Membership:
    """The invited user accepts (the role takes effect) or declines (the invitation is withdrawn)."""
    membership = Membership.objects.select_related("organisation").get(
        pk=membership_id, user=user, invitation_pending=True
    )
    membership.invitation_pending = False
    membership.is_active = accept
    membership.save(update_fields=["invitation_pending", "is_active"])
    user.forget_cached_roles()
    audit_event(
        obj=membership.organisation,
        event="accounts.membership.accepted" if accept else "accounts.membership.declined",
        actor=user,
        payload={"user": user.email, "role": membership.role},
    )
    return membership


def api_token_create(*, user: User, name: str, expires_in_days: int | None = None) -> tuple[ApiToken, str]:
    """Make a personal API token. Returns the token row and the raw token, which is never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name so you can recognise it later.")})
    if expires_in_days is not None and not 1 <= expires_in_days <= 3650:
        raise ValidationError({"expires_in_days": _("A token lasts between 1 and 3650 days.")})
    raw = ApiToken.PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name[:100],
        token_hash=ApiToken.hash(raw),
        hint=raw[-4:],
        expires_at=timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    token.full_clean()
    token.save()
    audit_event(obj=token, event="accounts.token.created", actor=user, payload={"name": token.name})
    with translation.override(user.language):
        notification_send(
            user=user,
            kind="accounts.token.created",
            title=_("API token “{name}” was made for your account").format(name=token.name),
            body=_("If you did not make it, revoke it on your profile page."),
            url=reverse("accounts:profile"),
        )
    return token, raw


def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.get(pk=token_id, user=user)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_event(obj=token, event="accounts.token.revoked", actor=user)
    return token


def api_token_authenticate(*, raw: str) -> User | None:
    """The active user a raw token belongs to, or None. Records when the token was last used."""
    if not raw.startswith(ApiToken.PREFIX) or len(raw) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(token_hash=ApiToken.hash(raw)).first()
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
