"""Every offered language's catalogue is complete, and translations keep the source's placeholders."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.test import Client
from django.utils import translation

CATALOGUES = sorted(Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/django.po"))
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}")


def test_there_is_a_chinese_catalogue():
    assert any(p.parent.parent.name == "zh_Hans" for p in CATALOGUES)


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_catalogue_is_complete_and_placeholders_match(path):
    with path.open("rb") as fh:
        catalog = read_po(fh)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(f"untranslated or fuzzy: {ids[0]!r}")
            continue
        wanted = sorted(set(PLACEHOLDER.findall(ids[-1])))
        for text in strings:
            if sorted(set(PLACEHOLDER.findall(text))) != wanted:
                problems.append(f"placeholders differ: {ids[0]!r} -> {text!r}")
    assert problems == []


@pytest.mark.django_db
def test_home_page_in_both_languages():
    zh = Client().get("/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert '<html lang="zh-hans"' in zh.content.decode()
    assert "涉外法律服务" in zh.content.decode()
    en = Client().get("/", HTTP_ACCEPT_LANGUAGE="en-GB")
    assert '<html lang="en"' in en.content.decode()
    assert "foreign-related legal services" in en.content.decode()


def test_role_labels_are_translated():
    from lawbridge.accounts.choices import Role

    with translation.override("en"):
        english = {r.value: str(r.label) for r in Role}
    with translation.override("zh-hans"):
        chinese = {r.value: str(r.label) for r in Role}
    assert [value for value in english if english[value] == chinese[value]] == []


@pytest.mark.django_db
def test_a_right_to_left_language_gets_rtl_pages(settings):
    # No Arabic catalogue ships yet; offering the language is enough for the layout to turn.
    settings.LANGUAGES = [*settings.LANGUAGES, ("ar", "العربية")]
    page = Client().get("/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    ltr = Client().get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'dir="ltr"' in ltr


@pytest.mark.django_db
def test_dates_follow_the_locale():
    from django.utils import timezone
    from django.utils.formats import date_format

    from lawbridge.accounts.models import Organisation
    from tests.factories import make_user

    admin = make_user("enterprise_admin")
    org = Organisation.objects.get(memberships__user=admin)
    client = Client()
    client.force_login(admin)
    shown = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            shown[language] = date_format(timezone.localtime(org.created_at), "DATE_FORMAT")
        admin.language = language
        admin.save()
        assert shown[language] in client.get(f"/me/organisations/{org.slug}/").content.decode()
    assert "年" in shown["zh-hans"] and "年" not in shown["en"]
