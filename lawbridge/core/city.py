"""The city the platform serves, read from data/cities/<LAWBRIDGE_CITY>.json."""

import json
from functools import cache
from typing import Any

from django.conf import settings
from django.utils.translation import get_language


def localized(names: dict[str, str], language: str | None = None) -> str:
    """Pick a name from a {language: text} map: the language asked, then its base, then English, then any."""
    language = (language or get_language() or settings.LANGUAGE_CODE).lower()
    for candidate in (language, language.split("-")[0], "en", settings.LANGUAGE_CODE):
        if candidate in names:
            return names[candidate]
    return next(iter(names.values()), "")


@cache
def city() -> dict[str, Any]:
    path = settings.LAWBRIDGE_DATA_DIR / "cities" / f"{settings.LAWBRIDGE_CITY}.json"
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def city_name(language: str | None = None) -> str:
    return localized(city()["name"], language)


def districts() -> list[dict[str, Any]]:
    return city()["districts"]


def district_choices(language: str | None = None) -> list[tuple[str, str]]:
    return [(d["code"], localized(d["name"], language)) for d in districts()]


def district_name(code: str, language: str | None = None) -> str:
    for d in districts():
        if d["code"] == code:
            return localized(d["name"], language)
    return code
