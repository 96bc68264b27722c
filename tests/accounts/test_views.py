"""Pages: who may open which, the profile (tokens, form errors), the organisation page (verify, invite),
and making staff accounts."""

import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from lawbridge.accounts.choices import AccountType, OrganisationKind, Role, ServicePointLevel
from lawbridge.accounts.models import ApiToken, Membership, User
from lawbridge.accounts.services import api_token_create
from lawbridge.core.audit import entries_for
from lawbridge.core.models import Notification
from tests.factories import ALL_ROLES, SEES_ALL, OrganisationFactory, make_user

pytestmark = pytest.mark.django_db

INDIVIDUAL = "individual"
SUBJECTS = [*ALL_ROLES, INDIVIDUAL]


def signed_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def template_names(response) -> list[str]:
    return [t.name for t in response.templates]


def assert_forbidden_page(response):
    assert response.status_code == 403
    assert "core/error.html" in template_names(response)
    assert "You may not see this page" in response.content.decode()


def own_slug(user) -> str:
    membership = user.memberships.first()
    return membership.organisation.slug if membership else ""


# --- page access per role ----------------------------------------------------------------------

# page -> the subjects who get it (everyone else gets the 403 error page).
EVERYONE = set(SUBJECTS)
PAGE_ACCESS = {
    "/dashboard/": EVERYONE,
    "/me/profile/": EVERYONE,
    "/me/organisations/": EVERYONE,
    "/notifications/": EVERYONE,
    "/me/organisations/{own}/": set(ALL_ROLES),
    "/me/organisations/{other}/": SEES_ALL,
    "/me/staff/new/": {Role.PLATFORM_ADMIN},
    "/ops/tasks/": {Role.PLATFORM_ADMIN},
}


@pytest.mark.parametrize(
    ("page", "subject"),
    [
        (page, subject)
        for page in PAGE_ACCESS
        for subject in SUBJECTS
        if not (subject == INDIVIDUAL and "{own}" in page)  # an individual has no organisation
    ],
)
def test_page_access(page, subject):
    user = make_user(None if subject == INDIVIDUAL else subject)
    other = OrganisationFactory()
    url = page.format(own=own_slug(user), other=other.slug)
    response = signed_in(user).get(url)
    if subject in PAGE_ACCESS[page]:
        assert response.status_code == 200
        assert "core/error.html" not in template_names(response)
    else:
        assert_forbidden_page(response)


@pytest.mark.parametrize("subject", SUBJECTS)
def test_admin_site_only_for_platform_admins(subject):
    user = make_user(None if subject == INDIVIDUAL else subject)
    response = signed_in(user).get("/admin/")
    if subject == Role.PLATFORM_ADMIN:
        assert response.status_code == 200
        assert "admin/index.html" in template_names(response)
    else:
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert response.url.startswith("/admin/login/")
            login_page = signed_in(user).get(response.url)
            assert "admin/index.html" not in template_names(login_page)


def test_admin_user_list_only_for_platform_admins():
    assert signed_in(make_user(Role.PLATFORM_ADMIN)).get("/admin/accounts/user/").status_code == 200
    response = signed_in(make_user(Role.CENTER_STAFF)).get("/admin/accounts/user/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


@pytest.mark.parametrize(
    "url",
    ["/dashboard/", "/me/profile/", "/me/organisations/", "/me/organisations/org-x/", "/me/staff/new/", "/ops/tasks/",
     "/notifications/"],
)  # fmt: skip
def test_anonymous_is_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={url}"


def test_anonymous_on_the_admin_site_ends_on_the_login_page(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert response.status_code == 200


def test_staff_without_two_factor_are_sent_to_set_it_up():
    staff = make_user(Role.CENTER_STAFF, totp=False)
    response = signed_in(staff).get("/dashboard/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/2fa/totp/activate")


def test_unknown_organisation_is_the_404_page():
    response = signed_in(make_user(Role.CENTER_STAFF)).get("/me/organisations/no-such-org/")
    assert response.status_code == 404
    assert "core/error.html" in template_names(response)


def test_organisation_list_page_shows_only_what_the_user_may_see():
    member = make_user(Role.ENTERPRISE_MEMBER)
    hidden = OrganisationFactory(name_en="Hidden Trading Co.")
    content = signed_in(member).get("/me/organisations/").content.decode()
    assert member.memberships.get().organisation.name_en in content
    assert hidden.name_en not in content
    assert hidden.name_en in signed_in(make_user(Role.SUPERVISOR)).get("/me/organisations/").content.decode()


# --- profile: API tokens -----------------------------------------------------------------------


@pytest.fixture
def member(db):
    return make_user(Role.ENTERPRISE_MEMBER, full_name="Ada Member")


def test_a_new_token_is_shown_once_and_listed(member):
    c = signed_in(member)
    response = c.post("/me/profile/", {"action": "token", "name": "ERP sync", "expires_in_days": "90"})
    assert response.status_code == 200
    raw = response.context["new_token"]
    assert raw and raw.startswith("lbt_")
    assert raw in response.content.decode()
    token = ApiToken.objects.get(user=member)
    assert token.token_hash == ApiToken.hash(raw)
    assert token.name == "ERP sync"
    assert token.expires_at is not None
    again = c.get("/me/profile/").content.decode()
    assert raw not in again
    assert "ERP sync" in again
    assert f"…{token.hint}" in again
    # and the token works on the API
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_a_token_needs_a_name(member):
    response = signed_in(member).post("/me/profile/", {"action": "token", "name": "  ", "expires_in_days": "90"})
    assert response.status_code == 200
    assert response.context["new_token"] is None
    assert "name" in response.context["token_form"].errors
    assert not ApiToken.objects.exists()


def test_a_token_lifetime_outside_the_choices_is_refused(member):
    response = signed_in(member).post("/me/profile/", {"action": "token", "name": "x", "expires_in_days": "100000"})
    assert response.status_code == 200
    assert "expires_in_days" in response.context["token_form"].errors
    assert not ApiToken.objects.exists()


def test_revoking_a_token(member):
    token, raw = api_token_create(user=member, name="ERP")
    c = signed_in(member)
    response = c.post(f"/me/profile/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert response.url == "/me/profile/"
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "revoked" in c.get("/me/profile/").content.decode()
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_revoking_needs_post(member):
    token, _raw = api_token_create(user=member, name="ERP")
    assert signed_in(member).get(f"/me/profile/tokens/{token.pk}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_someone_elses_token_is_404(member):
    token, raw = api_token_create(user=make_user(Role.ENTERPRISE_MEMBER), name="Theirs")
    response = signed_in(member).post(f"/me/profile/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    assert "core/error.html" in template_names(response)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_someone_elses_tokens_are_not_listed(member):
    api_token_create(user=make_user(Role.ENTERPRISE_MEMBER), name="Their secret integration")
    assert "Their secret integration" not in signed_in(member).get("/me/profile/").content.decode()


# --- profile: personal details -----------------------------------------------------------------


def test_profile_is_saved(member):
    response = signed_in(member).post(
        "/me/profile/",
        {"action": "profile", "full_name": "Ada Lovelace", "name_latin": "", "nationality": "GB", "language": "en"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.full_name == "Ada Lovelace"
    assert member.nationality.code == "GB"


def test_profile_with_an_empty_name_shows_a_field_error_and_saves_nothing(member):
    response = signed_in(member).post(
        "/me/profile/",
        {"action": "profile", "full_name": "", "name_latin": "Changed", "nationality": "FR", "language": "en"},
    )
    assert response.status_code == 200
    form = response.context["profile_form"]
    assert "full_name" in form.errors
    assert "This field is required." in response.content.decode()
    member.refresh_from_db()
    assert member.full_name == "Ada Member"
    assert member.name_latin == ""
    assert not member.nationality


def test_profile_with_an_unknown_language_shows_a_field_error(member):
    response = signed_in(member).post("/me/profile/", {"action": "profile", "full_name": "Ada", "language": "xx"})
    assert response.status_code == 200
    assert "language" in response.context["profile_form"].errors
    member.refresh_from_db()
    assert member.full_name == "Ada Member"


# --- organisation page: verification -----------------------------------------------------------


@pytest.fixture
def unverified(db):
    organisation = OrganisationFactory(is_verified=False, name_en="Fresh Start Ltd.", district_code="330108")
    admin = make_user(Role.ENTERPRISE_ADMIN, organisation=organisation)
    employee = make_user(Role.ENTERPRISE_MEMBER, organisation=organisation)
    return organisation, admin, employee


@pytest.mark.parametrize("role", [Role.CENTER_STAFF, Role.SUBCENTER_STAFF, Role.PLATFORM_ADMIN])
def test_verifiers_verify_an_enterprise(unverified, role):
    organisation, admin, employee = unverified
    # A sub-center verifies organisations in its own district.
    point = OrganisationFactory(kind=OrganisationKind.SERVICE_POINT, district_code=organisation.district_code)
    verifier = make_user(role, organisation=point if role == Role.SUBCENTER_STAFF else None)
    c = signed_in(verifier)
    page = c.get(f"/me/organisations/{organisation.slug}/").content.decode()
    assert "Verify this organisation" in page
    response = c.post(f"/me/organisations/{organisation.slug}/verify/")
    assert response.status_code == 302
    assert response.url == f"/me/organisations/{organisation.slug}/"
    organisation.refresh_from_db()
    assert organisation.is_verified
    entry = entries_for(organisation).first()
    assert entry.additional_data["event"] == "accounts.organisation.verified"
    assert entry.actor == verifier
    for person in (admin, employee):
        assert Notification.objects.filter(user=person, kind="accounts.organisation.verified").count() == 1


def test_the_verification_appears_in_the_history_table(unverified):
    organisation, _admin, _employee = unverified
    c = signed_in(make_user(Role.CENTER_STAFF))
    c.post(f"/me/organisations/{organisation.slug}/verify/")
    response = c.get(f"/me/organisations/{organisation.slug}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Verify this organisation" not in page
    history = page.split('id="audit-title"', 1)[1]
    assert "Organisation verified" in history  # the event's label, not its dotted name
    assert "verified</strong>: no → yes" in history  # the field change, booleans in words


def test_verifying_twice_is_harmless(unverified):
    organisation, admin, _employee = unverified
    c = signed_in(make_user(Role.CENTER_STAFF))
    c.post(f"/me/organisations/{organisation.slug}/verify/")
    response = c.post(f"/me/organisations/{organisation.slug}/verify/")
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.is_verified
    assert Notification.objects.filter(user=admin, kind="accounts.organisation.verified").count() == 1
    assert entries_for(organisation).filter(additional_data__event="accounts.organisation.verified").count() == 1


@pytest.mark.parametrize("who", ["admin", "employee"])
def test_enterprise_people_cannot_verify_their_own_enterprise(unverified, who):
    organisation, admin, employee = unverified
    c = signed_in(admin if who == "admin" else employee)
    page = c.get(f"/me/organisations/{organisation.slug}/")
    assert page.status_code == 200
    assert "Verify this organisation" not in page.content.decode()
    response = c.post(f"/me/organisations/{organisation.slug}/verify/")
    assert response.status_code == 403
    organisation.refresh_from_db()
    assert not organisation.is_verified
    assert not Notification.objects.filter(kind="accounts.organisation.verified").exists()


@pytest.mark.parametrize("role", [Role.WORKSTATION_STAFF, Role.SUPERVISOR, Role.GOVERNMENT_LIAISON])
def test_other_staff_see_but_cannot_verify(unverified, role):
    organisation, _admin, _employee = unverified
    c = signed_in(make_user(role))
    assert "Verify this organisation" not in c.get(f"/me/organisations/{organisation.slug}/").content.decode()
    assert c.post(f"/me/organisations/{organisation.slug}/verify/").status_code == 403
    organisation.refresh_from_db()
    assert not organisation.is_verified


def test_history_is_hidden_from_enterprise_members(unverified):
    organisation, admin, _employee = unverified
    page = signed_in(admin).get(f"/me/organisations/{organisation.slug}/").content.decode()
    assert 'id="audit-title"' not in page


# --- organisation page: inviting ---------------------------------------------------------------


def invite(c, organisation, **fields):
    data = {"email": "new.colleague@example.org", "full_name": "New Colleague", "language": "en"}
    data.update(fields)
    return c.post(f"/me/organisations/{organisation.slug}/invite/", data)


def test_enterprise_admin_invites_a_colleague(django_capture_on_commit_callbacks):
    organisation = OrganisationFactory(name_en="Silk Road Trading")
    admin = make_user(Role.ENTERPRISE_ADMIN, organisation=organisation, full_name="Boss Admin")
    c = signed_in(admin)
    form = c.get(f"/me/organisations/{organisation.slug}/").context["invite_form"]
    assert {value for value, _label in form.fields["role"].choices} == {"enterprise_member", "enterprise_admin"}
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(c, organisation, role="enterprise_member", email="New.Colleague@Example.org")
    assert response.status_code == 302
    new = User.objects.get(email="new.colleague@example.org")
    assert Membership.objects.filter(user=new, organisation=organisation, role=Role.ENTERPRISE_MEMBER).exists()
    assert not new.has_usable_password()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.colleague@example.org"]
    assert "Boss Admin" in message.body and "Silk Road Trading" in message.body
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", message.body)
    assert match, message.body
    # The link leads to the form for setting a password.
    link = Client().get(match.group(1), follow=True)
    assert link.status_code == 200
    assert "password1" in link.content.decode()


def test_enterprise_admin_cannot_grant_a_staff_role(django_capture_on_commit_callbacks):
    organisation = OrganisationFactory()
    admin = make_user(Role.ENTERPRISE_ADMIN, organisation=organisation)
    c = signed_in(admin)
    for role in (Role.CENTER_STAFF, Role.PLATFORM_ADMIN, Role.LAWYER):
        with django_capture_on_commit_callbacks(execute=True):
            response = invite(c, organisation, role=role)
        assert response.status_code == 200
        assert "role" in response.context["invite_form"].errors
    assert not User.objects.filter(email="new.colleague@example.org").exists()
    assert mail.outbox == []


def test_enterprise_admin_cannot_invite_into_another_enterprise():
    admin = make_user(Role.ENTERPRISE_ADMIN)
    other = OrganisationFactory()
    response = invite(signed_in(admin), other, role="enterprise_member")
    assert_forbidden_page(response)
    assert not User.objects.filter(email="new.colleague@example.org").exists()


def test_enterprise_member_cannot_invite():
    organisation = OrganisationFactory()
    employee = make_user(Role.ENTERPRISE_MEMBER, organisation=organisation)
    c = signed_in(employee)
    assert c.get(f"/me/organisations/{organisation.slug}/").context["invite_form"] is None
    assert invite(c, organisation, role="enterprise_member").status_code == 403
    assert not User.objects.filter(email="new.colleague@example.org").exists()


def test_an_invalid_invitation_shows_field_errors():
    organisation = OrganisationFactory()
    admin = make_user(Role.ENTERPRISE_ADMIN, organisation=organisation)
    response = invite(signed_in(admin), organisation, role="enterprise_member", email="not-an-email", full_name="")
    assert response.status_code == 200
    errors = response.context["invite_form"].errors
    assert "email" in errors and "full_name" in errors


# --- staff accounts ----------------------------------------------------------------------------


@pytest.fixture
def center(db):
    return OrganisationFactory(
        kind=OrganisationKind.SERVICE_POINT, service_point_level=ServicePointLevel.CENTER, name_en="Service Center"
    )


def staff_form(organisation, **fields):
    data = {
        "organisation": organisation.pk,
        "role": Role.CENTER_STAFF,
        "email": "clerk@example.org",
        "full_name": "Center Clerk",
        "language": "en",
    }
    data.update(fields)
    return data


def test_platform_admin_makes_a_center_staff_account(center, django_capture_on_commit_callbacks):
    c = signed_in(make_user(Role.PLATFORM_ADMIN))
    assert c.get("/me/staff/new/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post("/me/staff/new/", staff_form(center))
    assert response.status_code == 302
    clerk = User.objects.get(email="clerk@example.org")
    assert clerk.account_type == AccountType.STAFF
    assert clerk.roles == {Role.CENTER_STAFF}
    assert clerk.needs_two_factor
    assert not clerk.is_staff and not clerk.is_superuser
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["clerk@example.org"]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_a_role_the_organisation_cannot_give_is_refused(center, django_capture_on_commit_callbacks):
    c = signed_in(make_user(Role.PLATFORM_ADMIN))
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post("/me/staff/new/", staff_form(center, role=Role.LAWYER))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not User.objects.filter(email="clerk@example.org").exists()
    assert mail.outbox == []


def test_staff_accounts_cannot_be_made_in_an_enterprise(django_capture_on_commit_callbacks):
    enterprise = OrganisationFactory(kind=OrganisationKind.ENTERPRISE)
    c = signed_in(make_user(Role.PLATFORM_ADMIN))
    response = c.post("/me/staff/new/", staff_form(enterprise, role=Role.ENTERPRISE_ADMIN))
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not User.objects.filter(email="clerk@example.org").exists()


@pytest.mark.parametrize("role", [Role.CENTER_STAFF, Role.SUPERVISOR, Role.ENTERPRISE_ADMIN])
def test_others_cannot_make_staff_accounts(center, role):
    response = signed_in(make_user(role)).post("/me/staff/new/", staff_form(center))
    assert_forbidden_page(response)
    assert not User.objects.filter(email="clerk@example.org").exists()


def test_invited_user_answers_on_the_dashboard():
    from lawbridge.accounts.services import account_invite

    admin = make_user(Role.ENTERPRISE_ADMIN)
    org = admin.memberships.get().organisation
    invited = make_user(None)
    account_invite(
        actor=admin, email=invited.email, full_name="x", organisation=org, role=Role.ENTERPRISE_MEMBER, language="en"
    )
    c = signed_in(invited)
    page = c.get("/dashboard/").content.decode()
    assert "Invitations waiting for your answer" in page
    pk = invited.memberships.get().pk
    assert signed_in(make_user(None)).post(f"/me/invitations/{pk}/", {"answer": "accept"}).status_code == 404
    response = c.post(f"/me/invitations/{pk}/", {"answer": "accept"})
    assert response.status_code == 302
    assert c.get(f"/me/organisations/{org.slug}/").status_code == 200


def test_a_service_point_page_lists_the_points_under_it():
    call_command("demo", quiet=True, stdout=io.StringIO())
    staff = User.objects.get(email="center@lawbridge.example")  # the demo gives staff a TOTP authenticator
    page = signed_in(staff).get("/me/organisations/hz-center/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.count("/me/organisations/hz-sub-") == 13


def test_the_enterprise_admin_sees_unanswered_invitations():
    from lawbridge.accounts.services import account_invite

    admin = make_user(Role.ENTERPRISE_ADMIN)
    org = admin.memberships.get().organisation
    invited = make_user(None, full_name="Pending Person")
    account_invite(
        actor=admin, email=invited.email, full_name="x", organisation=org, role=Role.ENTERPRISE_MEMBER, language="en"
    )
    page = signed_in(admin).get(f"/me/organisations/{org.slug}/").content.decode()
    assert "Invitations not yet answered" in page and "Pending Person" in page
    member_page = (
        signed_in(make_user(Role.ENTERPRISE_MEMBER, organisation=org))
        .get(f"/me/organisations/{org.slug}/")
        .content.decode()
    )
    assert "Pending Person" not in member_page


def test_enterprise_admin_edits_details_and_the_change_is_in_the_history():
    admin = make_user(Role.ENTERPRISE_ADMIN)
    org = admin.memberships.get().organisation
    c = signed_in(admin)
    bad = c.post(f"/me/organisations/{org.slug}/edit/", {"name_en": "X", "district_code": "999999"})
    assert bad.status_code == 200 and "district_code" in bad.context["edit_form"].errors
    ok = c.post(f"/me/organisations/{org.slug}/edit/", {"name_en": "Renamed Ltd.", "district_code": "330108"})
    assert ok.status_code == 302, ok.context["edit_form"].errors
    org.refresh_from_db()
    assert (org.name_en, org.district_code) == ("Renamed Ltd.", "330108")
    entry = entries_for(org).first()
    assert entry.actor == admin and "Renamed Ltd." in str(entry.changes)
    member = make_user(Role.ENTERPRISE_MEMBER, organisation=org)
    assert signed_in(member).post(f"/me/organisations/{org.slug}/edit/", {"name_en": "Hijack"}).status_code == 403


def test_enterprise_admin_removes_a_member_but_not_the_last_admin():
    admin = make_user(Role.ENTERPRISE_ADMIN)
    org = admin.memberships.get().organisation
    member = make_user(Role.ENTERPRISE_MEMBER, organisation=org)
    membership = member.memberships.get()
    c = signed_in(admin)
    assert c.post(f"/me/organisations/{org.slug}/members/{membership.pk}/end/").status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active  # kept, no longer granting anything
    member.forget_cached_roles()
    assert not member.has_perm("accounts.view_organisation", org)
    own = admin.memberships.get()
    c.post(f"/me/organisations/{org.slug}/members/{own.pk}/end/")
    own.refresh_from_db()
    assert own.is_active  # the last administrator stays
    other_org_member = make_user(Role.ENTERPRISE_MEMBER).memberships.get()
    url = f"/me/organisations/{org.slug}/members/{other_org_member.pk}/end/"
    assert c.post(url).status_code == 404
    assert (
        signed_in(make_user(Role.ENTERPRISE_MEMBER, organisation=org))
        .post(f"/me/organisations/{org.slug}/members/{own.pk}/end/")
        .status_code
        == 403
    )
