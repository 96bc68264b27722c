"""Bilingual lists kept as data: ``data/taxonomies/<vocabulary>.json``, extended per city by a
``"taxonomies"`` object in the city's data file. Countries and languages come from pycountry and Babel.

An entry is ``{"code": "ip", "zh-hans": "知识产权", "en": "Intellectual property"}``, optionally with
``"parent": "<code>"`` and ``"strategic": true`` (industries named in Article 8 of the decision).
Loading is an upsert by code: names change in place, entries that disappear are deactivated, never deleted.
"""

import json
from functools import cache

import pycountry
from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.db import transaction
from django.utils.translation import get_language

from lawbridge.core.city import city, localized

from .choices import Vocabulary


def _read(vocabulary: str) -> list[dict]:
    path = settings.LAWBRIDGE_DATA_DIR / "taxonomies" / f"{vocabulary}.json"
    entries = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
    entries += city().get("taxonomies", {}).get(vocabulary, [])
    return entries


def check_entries(vocabulary: str, entries: list[dict]) -> list[str]:
    """Problems with a list's entries, as sentences (empty when the list is good)."""
    problems, seen = [], set()
    for i, entry in enumerate(entries, start=1):
        code = entry.get("code", "")
        if not code or not all(c.isalnum() or c == "-" for c in code):
            problems.append(f"{vocabulary} entry {i}: code {code!r} must be letters, digits and hyphens")
        if code in seen:
            problems.append(f"{vocabulary} entry {i}: code {code!r} appears twice")
        seen.add(code)
        for language in ("zh-hans", "en"):
            if not entry.get(language):
                problems.append(f"{vocabulary} entry {i} ({code}): no {language} name")
        if entry.get("parent") and entry["parent"] not in seen:
            problems.append(f"{vocabulary} entry {i} ({code}): parent {entry['parent']!r} must come before it")
    return problems


@transaction.atomic
def load(stdout=None) -> dict[str, int]:
    """Bring the Term table in line with the data files. Returns entries per list."""
    from .models import Term

    counts = {}
    for vocabulary in Vocabulary.values:
        entries = _read(vocabulary)
        problems = check_entries(vocabulary, entries)
        if problems:
            raise ValueError("; ".join(problems))
        existing = {t.code: t for t in Term.objects.filter(vocabulary=vocabulary)}
        for position, entry in enumerate(entries):
            term = existing.pop(entry["code"], None) or Term(vocabulary=vocabulary, code=entry["code"])
            term.name_zh = entry["zh-hans"]
            term.name_en = entry["en"]
            term.position = position
            term.is_strategic = bool(entry.get("strategic"))
            term.is_active = True
            term.parent = Term.objects.get(vocabulary=vocabulary, code=entry["parent"]) if entry.get("parent") else None
            term.save()
        Term.objects.filter(pk__in=[t.pk for t in existing.values()]).update(is_active=False)
        counts[vocabulary] = len(entries)
    terms_cache_clear()
    return counts


@cache
def _terms(vocabulary: str) -> dict[str, tuple[str, str]]:
    from .models import Term

    return {t.code: (t.name_zh, t.name_en) for t in Term.objects.filter(vocabulary=vocabulary, is_active=True)}


def terms_cache_clear() -> None:
    _terms.cache_clear()


def term_codes(vocabulary: str) -> list[str]:
    return list(_terms(vocabulary))


def term_label(vocabulary: str, code: str, language: str | None = None) -> str:
    names = _terms(vocabulary).get(code)
    if names is None:
        return code
    return localized({"zh-hans": names[0], "en": names[1]}, language)


def term_choices(vocabulary: str, language: str | None = None) -> list[tuple[str, str]]:
    return [(code, term_label(vocabulary, code, language)) for code in _terms(vocabulary)]


# Countries and languages: from pycountry (ISO 3166-1, ISO 639) with names in the UI language from Babel (CLDR).


def _babel_locale(language: str | None) -> Locale:
    language = (language or get_language() or settings.LANGUAGE_CODE).replace("-", "_")
    try:
        return Locale.parse({"zh_hans": "zh_Hans"}.get(language.lower(), language))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def is_country(code: str) -> bool:
    return pycountry.countries.get(alpha_2=code.upper()) is not None if len(code) == 2 else False


def country_name(code: str, language: str | None = None) -> str:
    code = code.upper()
    return _babel_locale(language).territories.get(code) or code


@cache
def _language_codes() -> frozenset[str]:
    codes = set()
    for lang in pycountry.languages:
        codes.add(getattr(lang, "alpha_2", None) or lang.alpha_3)
    codes.discard(None)
    return frozenset(codes)


def is_language(code: str) -> bool:
    return code.lower() in _language_codes()


def language_name(code: str, language: str | None = None) -> str:
    code = code.lower()
    name = _babel_locale(language).languages.get(code)
    if name:
        return name
    found = pycountry.languages.get(alpha_2=code) if len(code) == 2 else pycountry.languages.get(alpha_3=code)
    return found.name if found else code


def city_label(code: str, language: str | None = None) -> str:
    return term_label(Vocabulary.CITY, code, language)


def home_city_code() -> str:
    return city()["slug"]
