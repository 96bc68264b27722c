"""``lawbridge compiletranslations``: compile locale/*/LC_MESSAGES/django.po to .mo with Babel,
so a fresh machine needs no GNU gettext."""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile the translation catalogues (.po → .mo) without GNU gettext."

    def handle(self, *args, **options):
        compiled = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                with po_path.open("rb") as fh:
                    try:
                        catalog = read_po(fh, locale=po_path.parent.parent.name)
                    except Exception as exc:
                        raise CommandError(f"{po_path}: {exc}") from exc
                mo_path = po_path.with_suffix(".mo")
                with mo_path.open("wb") as fh:
                    write_mo(fh, catalog, use_fuzzy=False)
                compiled += 1
                self.stdout.write(f"{po_path} → {mo_path.name}")
        self.stdout.write(f"Compiled {compiled} catalogue(s).")
