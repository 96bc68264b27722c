"""Sign-in edge cases: throttling, unverified email, expired links, wrong second factor — each a clear message."""

import re

import pyotp
import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.core import mail
from django.test import Client

from lawbridge.accounts.models import User
from tests.factories import PASSWORD, TOTP_SECRET, make_user, valid_uscc

pytestmark = pytest.mark.django_db


def login(client, email, password=PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password}, HTTP_ACCEPT_LANGUAGE="en")


def test_repeated_wrong_passwords_are_throttled():
    user = make_user(None)
    client = Client()
    statuses = [login(client, user.email, "wrong-password-1").status_code for _ in range(6)]
    assert statuses[0] == 200
    throttled = login(client, user.email, PASSWORD)  # even the right password is held back for a while
    assert throttled.status_code == 429 or "Too many failed login attempts" in throttled.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_password_gives_a_form_error_not_a_500():
    user = make_user(None)
    response = login(Client(), user.email, "nope-nope-nope")
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_unverified_email_cannot_sign_in_and_is_told_why():
    user = make_user(None, verified=False)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    client = Client()
    response = login(client, user.email)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/confirm-email/")
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "verification" in page.lower()
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1  # the link is sent again


def test_bad_or_expired_confirmation_link_is_explained():
    response = Client().get("/accounts/confirm-email/not-a-real-key/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "expired or is invalid" in response.content.decode()


def test_individual_signup_then_confirmation_signs_in(client):
    response = client.post(
        "/accounts/signup/",
        {
            "account_type": "individual",
            "full_name": "山田 太郎",
            "name_latin": "YAMADA Taro",
            "nationality": "JP",
            "language": "en",
            "email": "taro@example.jp",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="taro@example.jp")
    assert (user.full_name, user.name_latin, user.nationality.code, user.account_type) == (
        "山田 太郎",
        "YAMADA Taro",
        "JP",
        "individual",
    )
    key = EmailConfirmationHMAC(EmailAddress.objects.get(user=user)).key
    assert key in mail.outbox[0].body
    confirmed = client.post(f"/accounts/confirm-email/{key}/")
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(user=user).verified


def test_enterprise_signup_with_a_bad_code_keeps_the_input_and_names_the_field(client):
    data = {
        "account_type": "enterprise",
        "full_name": "林晓",
        "language": "zh-hans",
        "email": "lin@example.cn",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "company_name": "杭州示例有限公司",
        "uscc": "91330100799655058C",
        "district_code": "330108",
    }
    response = client.post("/accounts/signup/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["uscc"]
    assert "check character" in form.errors["uscc"][0]
    assert 'value="杭州示例有限公司"' in response.content.decode()
    assert not User.objects.filter(email="lin@example.cn").exists()
    data["uscc"] = valid_uscc(99)
    assert client.post("/accounts/signup/", data).status_code == 302
    user = User.objects.get(email="lin@example.cn")
    assert user.memberships.get().organisation.uscc == valid_uscc(99)


def test_staff_second_factor_wrong_code_is_refused_then_right_code_passes():
    staff = make_user("center_staff")
    client = Client()
    response = login(client, staff.email)
    assert response.status_code == 302 and "/2fa/authenticate/" in response["Location"]
    wrong = client.post(response["Location"], {"code": "000000"}, HTTP_ACCEPT_LANGUAGE="en")
    assert wrong.status_code == 200
    assert "Incorrect code" in wrong.content.decode()
    assert "_auth_user_id" not in client.session
    right = client.post(response["Location"], {"code": pyotp.TOTP(TOTP_SECRET).now()})
    assert right.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_staff_without_a_second_factor_is_sent_to_set_it_up():
    staff = make_user("center_staff", totp=False)
    client = Client()
    client.force_login(staff)
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    enterprise_user = make_user("enterprise_member", totp=False)
    client.force_login(enterprise_user)
    assert client.get("/dashboard/").status_code == 200


def test_invitation_link_lets_the_new_colleague_set_a_password(django_capture_on_commit_callbacks):
    from lawbridge.accounts.services import account_invite

    admin = make_user("platform_admin")
    point = make_user("center_staff").memberships.get().organisation
    with django_capture_on_commit_callbacks(execute=True):
        account_invite(
            actor=admin,
            email="new.staff@example.org",
            full_name="新同事",
            organisation=point,
            role="subcenter_staff",
            language="en",
        )
    url = re.search(r"http://\S+", mail.outbox[-1].body).group(0).replace("http://127.0.0.1:8000", "")
    client = Client()
    page = client.get(url, follow=True)
    assert page.status_code == 200
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else url
    done = client.post(form_url, {"password1": "a-new-Secret-2026", "password2": "a-new-Secret-2026"})
    assert done.status_code == 302
    assert User.objects.get(email="new.staff@example.org").check_password("a-new-Secret-2026")


def test_sign_ins_and_failed_attempts_show_in_the_users_account_activity():
    user = make_user(None)
    client = Client()
    login(client, user.email, "wrong-password-1")
    login(client, "nobody@example.org", "wrong-password-1")  # not about any account: not recorded
    login(client, user.email)
    page = client.get("/me/profile/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    activity = page.split('id="security-events"')[1].split("</section>")[0]
    assert activity.count("Failed sign-in attempt") == 1
    assert "Signed in" in activity
    assert "127.0.0.1" in activity
    other = make_user(None)
    assert "Failed sign-in" not in Client().get("/me/profile/").content.decode()
    c2 = Client()
    c2.force_login(other)
    assert "Failed sign-in attempt" not in c2.get("/me/profile/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
