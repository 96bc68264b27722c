"""``lawbridge demo``: build the demo city (idempotent) and print the logins."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from lawbridge.core.demo import build, load_demo_data


def current_totp(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


class Command(BaseCommand):
    help = "Load demo data (a realistic city, its service points, institutions, enterprises, one user per role)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--totp", action="store_true", help="Only print the demo staff accounts' current TOTP code."
        )
        parser.add_argument("--quiet", action="store_true", help="Do not print the logins.")
        parser.add_argument("--force", action="store_true", help="Allow loading demo data in production.")

    def handle(self, *args, totp=False, quiet=False, force=False, **options):
        secret = load_demo_data()["totp_secret"]
        if totp:
            self.stdout.write(current_totp(secret))
            return
        if settings.PRODUCTION and not force:
            raise CommandError("Refusing to load demo accounts in production; pass --force if you mean it.")
        report = build()
        made = ", ".join(f"{n} {what}" for what, n in sorted(report.created.items())) or "nothing new"
        self.stdout.write(f"Demo data: {made}.")
        if quiet:
            return
        self.stdout.write(f"\nDemo logins (password for all: {settings.LAWBRIDGE_DEMO_PASSWORD}):")
        with translation.override("en"):  # the console speaks English; columns line up in Latin script
            for label, email, note in report.logins:
                self.stdout.write(f"  {str(label):<44} {email}{'  (2FA)' if note else ''}")
        self.stdout.write(
            f"\nStaff roles sign in with a second factor. Demo TOTP secret: {secret} "
            f"(add it to an authenticator app), or run `.venv/bin/lawbridge demo --totp` "
            f"for the current code (now: {current_totp(secret)})"
        )
