"""Account services: registration, memberships, verification, invitations, API tokens — each audited."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lawbridge.accounts import services
from lawbridge.accounts.choices import AccountType, OrganisationKind, Role
from lawbridge.accounts.models import ApiToken, Membership, Organisation, User
from lawbridge.core.audit import entries_for
from lawbridge.core.models import Notification
from tests.factories import OrganisationFactory, make_user, valid_uscc

pytestmark = pytest.mark.django_db


def events(obj) -> list[str]:
    return [(e.additional_data or {}).get("event", e.get_action_display()) for e in entries_for(obj)]


def test_enterprise_registration_makes_the_organisation_and_an_admin():
    user = make_user(None)
    org = services.enterprise_register(
        user=user,
        company_name="杭州测试科技有限公司",
        company_name_en="Hangzhou Test Tech",
        uscc=valid_uscc(7),
        district_code="330108",
    )
    assert org.kind == OrganisationKind.ENTERPRISE and not org.is_verified
    assert Membership.objects.get(user=user, organisation=org).role == Role.ENTERPRISE_ADMIN
    user.refresh_from_db()
    assert user.account_type == AccountType.ENTERPRISE
    assert "accounts.organisation.created" in events(org)
    assert "accounts.membership.granted" in events(org)


def test_enterprise_needs_a_valid_unique_code():
    user = make_user(None)
    with pytest.raises(ValidationError) as exc:
        services.enterprise_register(
            user=user, company_name="X", company_name_en="", uscc="91330100799655058C", district_code=""
        )
    assert "uscc" in exc.value.message_dict
    existing = OrganisationFactory()
    with pytest.raises(ValidationError):
        services.enterprise_register(
            user=user, company_name="Y", company_name_en="", uscc=existing.uscc, district_code=""
        )
    assert Organisation.objects.count() == 1


def test_role_must_fit_the_organisation_kind():
    user = make_user(None)
    enterprise = OrganisationFactory()
    with pytest.raises(ValidationError):
        services.membership_grant(actor=None, user=user, organisation=enterprise, role=Role.CENTER_STAFF)
    assert not Membership.objects.exists()


def test_staff_role_makes_a_staff_account_that_needs_two_factor():
    user = make_user(None)
    point = OrganisationFactory(kind=OrganisationKind.SERVICE_POINT)
    services.membership_grant(actor=None, user=user, organisation=point, role=Role.WORKSTATION_STAFF)
    user.refresh_from_db()
    assert user.account_type == AccountType.STAFF
    assert user.needs_two_factor
    assert Notification.objects.filter(user=user, kind="accounts.membership.granted").exists()


def test_verification_is_for_center_staff_and_notifies_members():
    admin = make_user(Role.ENTERPRISE_ADMIN)
    org = admin.memberships.get().organisation
    org.is_verified = False
    org.save()
    with pytest.raises(PermissionDenied):
        services.organisation_verify(actor=admin, organisation=org)
    staff = make_user(Role.CENTER_STAFF)
    services.organisation_verify(actor=staff, organisation=org)
    org.refresh_from_db()
    assert org.is_verified
    entry = entries_for(org).first()
    assert entry.additional_data["event"] == "accounts.organisation.verified"
    assert entry.actor == staff
    assert entry.changes == {"is_verified": ["False", "True"]}
    assert Notification.objects.filter(user=admin, kind="accounts.organisation.verified").exists()
    with pytest.raises(ValidationError):
        services.organisation_verify(actor=staff, organisation=org)


def test_invitation_creates_a_verified_account_and_mails_a_set_password_link(django_capture_on_commit_callbacks):
    admin = make_user(Role.ENTERPRISE_ADMIN)
    org = admin.memberships.get().organisation
    with django_capture_on_commit_callbacks(execute=True):
        colleague = services.account_invite(
            actor=admin,
            email="New.Colleague@Example.org",
            full_name="新同事",
            organisation=org,
            role=Role.ENTERPRISE_MEMBER,
            language="zh-hans",
        )
    assert colleague.email == "new.colleague@example.org"
    assert not colleague.has_usable_password()
    assert colleague.emailaddress_set.get().verified
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    with pytest.raises(PermissionDenied):
        services.account_invite(
            actor=admin, email="x@example.org", full_name="X", organisation=org, role=Role.CENTER_STAFF, language="en"
        )
    assert not User.objects.filter(email="x@example.org").exists()


def test_an_existing_user_invited_by_an_enterprise_must_accept_first(django_capture_on_commit_callbacks):
    admin = make_user(Role.ENTERPRISE_ADMIN)
    org = admin.memberships.get().organisation
    existing = make_user(None)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.account_invite(
            actor=admin,
            email=existing.email.upper(),
            full_name="ignored",
            organisation=org,
            role=Role.ENTERPRISE_MEMBER,
            language="en",
        )
    assert again == existing
    assert mail.outbox == []  # no new account, no password mail
    membership = existing.memberships.get()
    assert membership.invitation_pending and not membership.is_active
    assert not existing.has_perm("accounts.view_organisation", org)
    assert Notification.objects.filter(user=existing, kind="accounts.membership.invited").exists()
    services.membership_invitation_answer(user=existing, membership_id=membership.pk, accept=True)
    with pytest.raises(ValidationError):  # inviting someone who already holds the role
        services.account_invite(
            actor=admin,
            email=existing.email,
            full_name="x",
            organisation=org,
            role=Role.ENTERPRISE_MEMBER,
            language="en",
        )
    existing.forget_cached_roles()
    assert existing.has_perm("accounts.view_organisation", org)
    assert "accounts.membership.accepted" in events(org)


def test_a_declined_invitation_grants_nothing():
    admin = make_user(Role.ENTERPRISE_ADMIN)
    org = admin.memberships.get().organisation
    existing = make_user(None)
    services.account_invite(
        actor=admin, email=existing.email, full_name="x", organisation=org, role=Role.ENTERPRISE_MEMBER, language="en"
    )
    membership = existing.memberships.get()
    services.membership_invitation_answer(user=existing, membership_id=membership.pk, accept=False)
    membership.refresh_from_db()
    assert not membership.is_active and not membership.invitation_pending
    assert not existing.has_perm("accounts.view_organisation", org)
    with pytest.raises(Membership.DoesNotExist):  # answered once; and nobody else can answer it
        services.membership_invitation_answer(user=existing, membership_id=membership.pk, accept=True)


def test_platform_admin_grants_staff_roles_to_existing_users_directly():
    admin = make_user(Role.PLATFORM_ADMIN)
    point = OrganisationFactory(kind=OrganisationKind.SERVICE_POINT)
    existing = make_user(None)
    services.account_invite(
        actor=admin, email=existing.email, full_name="x", organisation=point, role=Role.WORKSTATION_STAFF, language="en"
    )
    assert existing.memberships.get().is_active


def test_api_tokens_are_hashed_expire_and_revoke():
    user = make_user(None)
    token, raw = services.api_token_create(user=user, name="ERP sync", expires_in_days=30)
    assert raw.startswith("lbt_") and raw not in token.token_hash
    assert ApiToken.objects.get().token_hash == ApiToken.hash(raw)
    assert services.api_token_authenticate(raw=raw) == user
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert services.api_token_authenticate(raw=raw + "x") is None
    assert services.api_token_authenticate(raw="not-a-token") is None
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert services.api_token_authenticate(raw=raw) is None
    token2, raw2 = services.api_token_create(user=user, name="CI")
    services.api_token_revoke(user=user, token_id=token2.pk)
    assert services.api_token_authenticate(raw=raw2) is None
    user.is_active = False
    user.save()
    token3, raw3 = services.api_token_create(user=user, name="inactive")
    assert services.api_token_authenticate(raw=raw3) is None
    assert "accounts.token.revoked" in events(token2)


@pytest.mark.parametrize("name, days", [("", 30), ("ok", 0), ("ok", 5000)])
def test_bad_token_input_is_refused(name, days):
    user = make_user(None)
    with pytest.raises(ValidationError):
        services.api_token_create(user=user, name=name, expires_in_days=days)
    assert not ApiToken.objects.exists()


def test_profile_update_refuses_unknown_language():
    user = make_user(None)
    with pytest.raises(ValidationError):
        services.user_profile_update(user=user, language="xx")
    services.user_profile_update(user=user, language="zh-hans", nationality="DE")
    user.refresh_from_db()
    assert user.language == "zh-hans" and user.nationality.code == "DE"


def test_every_change_to_an_organisation_is_in_the_audit_log():
    org = OrganisationFactory(name="旧名")
    org.name = "新名"
    org.save()
    entry = LogEntry.objects.get_for_object(org).filter(action=LogEntry.Action.UPDATE).first()
    assert entry.changes_dict["name"] == ["旧名", "新名"]
