"""Staff roles must sign in with a second factor: until a staff user has set up TOTP,
every page but the set-up itself sends them there."""

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lawbridge.core.http import json_error

TWO_FACTOR_REQUIRED = gettext_lazy("Your role requires two-factor authentication. Set it up first.")
ALWAYS_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz", "/readyz", "/i18n/", "/media/")


class RequireStaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(ALWAYS_ALLOWED_PREFIXES)
            and user.needs_two_factor
            and not is_mfa_enabled(user)
        ):
            if request.path.startswith("/api/"):
                return json_error(403, "two_factor_required", TWO_FACTOR_REQUIRED)
            if not request.session.get("two_factor_explained"):
                request.session["two_factor_explained"] = True
                messages.info(
                    request,
                    _(
                        "Your role handles other people's cases, so it needs two-factor authentication. "
                        "Scan the code with an authenticator app and enter the code it shows to continue."
                    ),
                )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
