"""Names of codes (countries, languages, list entries, cities) in the UI language."""

from django import template
from django.utils.translation import get_language

from lawbridge.network import taxonomy
from lawbridge.network.choices import LanguageLevel

register = template.Library()


@register.filter
def country(code: str) -> str:
    return taxonomy.country_name(code) if code else ""


@register.filter
def language(code: str) -> str:
    return taxonomy.language_name(code) if code else ""


@register.filter
def level(code: str) -> str:
    return LanguageLevel(code).label if code in LanguageLevel.values else code


@register.filter
def city(code: str) -> str:
    return taxonomy.city_label(code) if code else ""


@register.filter
def term(obj) -> str:
    return obj.label() if obj is not None else ""


@register.filter
def localized_text(mapping: dict) -> str:
    from lawbridge.core.city import localized

    return localized(mapping) if mapping else ""


@register.filter
def address(obj) -> str:
    return obj.address() if obj is not None else ""


@register.simple_tag
def ui_language() -> str:
    return get_language() or ""
