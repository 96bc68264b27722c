"""Registering through the browser: a foreign individual in English, an enterprise with its credit code."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from playwright.sync_api import expect

from lawbridge.accounts.choices import AccountType, OrganisationKind, Role
from lawbridge.accounts.models import Organisation, User
from lawbridge.accounts.validators import USCC_ALPHABET
from tests.factories import PASSWORD, valid_uscc

pytestmark = pytest.mark.browser

CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+")


def submit_signup(page):
    with page.expect_navigation():
        page.locator("main form").get_by_role("button", name="Register").click()


def test_foreign_individual_registers_in_english_and_verifies_email(live_server, page, set_language_cookie, screenshot):
    set_language_cookie("en")
    page.goto(live_server.url + "/accounts/signup/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Register", exact=True)).to_be_visible()

    page.get_by_label("an individual (including foreigners)").check()
    expect(page.locator("#enterprise-fields")).to_be_hidden()  # only asked of enterprises
    page.locator("#id_full_name").fill("Maria Rossi")
    page.locator("#id_nationality").select_option(label="Italy")
    page.locator("#id_language").select_option("en")
    page.locator("#id_email").fill("maria.rossi@example.it")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    submit_signup(page)

    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    expect(page.locator("main")).to_contain_text("We have sent an email to you for verification")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["maria.rossi@example.it"]
    assert "Confirm" in message.subject  # in English: Maria chose English
    link = CONFIRM_LINK.search(message.body)
    assert link, message.body
    assert link.group(0).startswith(live_server.url)

    page.goto(link.group(0))
    expect(page.locator("main")).to_contain_text("maria.rossi@example.it")
    with page.expect_navigation():
        page.locator("main form").get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(live_server.url + "/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maria Rossi")
    expect(page.locator(".account-nav .who")).to_have_text("Maria Rossi")
    screenshot(page)

    user = User.objects.get(email="maria.rossi@example.it")
    assert user.full_name == "Maria Rossi"
    assert user.nationality.code == "IT"
    assert user.language == "en"
    assert user.account_type == AccountType.INDIVIDUAL
    assert EmailAddress.objects.get(user=user, email="maria.rossi@example.it").verified


def test_enterprise_registration_checks_the_credit_code_and_keeps_what_was_typed(
    live_server, page, set_language_cookie, screenshot
):
    good = valid_uscc(12345)
    # A one-character typo in the check character: right length and alphabet, wrong checksum.
    typo = good[:17] + next(ch for ch in USCC_ALPHABET if ch != good[17])

    # Start in Chinese (the cookie wins over the browser's en-US) and switch with the header's select.
    set_language_cookie("zh-hans")
    page.goto(live_server.url + "/accounts/signup/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    with page.expect_navigation():
        page.locator("#language-select").select_option("en")  # lawbridge.js submits on change
    expect(page).to_have_url(live_server.url + "/accounts/signup/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    expect(page.locator("#enterprise-fields")).to_be_hidden()
    page.get_by_label("an enterprise").check()
    expect(page.locator("#enterprise-fields")).to_be_visible()
    page.locator("#id_full_name").fill("张伟")
    page.locator("#id_name_latin").fill("ZHANG Wei")
    page.locator("#id_nationality").select_option("CN")
    page.locator("#id_email").fill("zhang.wei@example.cn")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("#id_company_name").fill("杭州示例科技有限公司")
    page.locator("#id_company_name_en").fill("Hangzhou Example Technology Co., Ltd.")
    page.locator("#id_uscc").fill(typo)
    submit_signup(page)

    # Refused, with the error next to the code field and announced to assistive technology.
    expect(page).to_have_url(live_server.url + "/accounts/signup/")
    uscc_field = page.locator(".field").filter(has=page.locator("#id_uscc"))
    expect(uscc_field.locator(".errorlist")).to_contain_text("check character")
    expect(page.locator("#id_uscc")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".errorlist")).to_have_count(1)  # no other field is blamed
    # What was typed is still there (passwords excepted, by design).
    expect(page.locator("#id_uscc")).to_have_value(typo)
    expect(page.locator("#id_company_name")).to_have_value("杭州示例科技有限公司")
    expect(page.locator("#id_company_name_en")).to_have_value("Hangzhou Example Technology Co., Ltd.")
    expect(page.locator("#id_full_name")).to_have_value("张伟")
    expect(page.locator("#id_name_latin")).to_have_value("ZHANG Wei")
    expect(page.locator("#id_nationality")).to_have_value("CN")
    expect(page.locator("#id_email")).to_have_value("zhang.wei@example.cn")
    expect(page.get_by_label("an enterprise")).to_be_checked()
    expect(page.locator("#enterprise-fields")).to_be_visible()
    uscc_field.scroll_into_view_if_needed()
    screenshot(page)
    assert not User.objects.filter(email="zhang.wei@example.cn").exists()

    # Fixed: the code is accepted with spaces and lower case, and the enterprise is made.
    page.locator("#id_uscc").fill(f"{good[:6]} {good[6:12]} {good[12:]}".lower())
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    submit_signup(page)
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    expect(page.locator("main")).to_contain_text("We have sent an email to you for verification")

    user = User.objects.get(email="zhang.wei@example.cn")
    assert user.account_type == AccountType.ENTERPRISE
    organisation = Organisation.objects.get(uscc=good)
    assert organisation.kind == OrganisationKind.ENTERPRISE
    assert organisation.name == "杭州示例科技有限公司"
    assert not organisation.is_verified
    assert organisation.memberships.get(user=user).role == Role.ENTERPRISE_ADMIN
    assert len(mail.outbox) == 1
