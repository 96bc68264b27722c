"""Language selection: a signed-in user's preferred language, else the language cookie, else the browser's."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from .http import json_error


class LanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language in dict(settings.LANGUAGES):
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
            return
        super().process_request(request)


class ApiErrorFormatMiddleware:
    """Under /api/, answers that did not come from the API itself (an unknown path, a wrong method)
    still use the API's JSON error format."""

    CODES = {404: "not_found", 405: "method_not_allowed"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        code = self.CODES.get(response.status_code)
        if (
            code
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            from django.utils.translation import gettext as _

            messages = {
                "not_found": _("There is no such API endpoint."),
                "method_not_allowed": _("This endpoint does not accept the {method} method.").format(
                    method=request.method
                ),
            }
            json = json_error(response.status_code, code, messages[code])
            if response.has_header("Allow"):
                json["Allow"] = response["Allow"]
            return json
        return response


class RejectNulBytesMiddleware:
    """A NUL byte in the query string is never meaningful and PostgreSQL refuses to store or compare it:
    answer 400 before any view sees it. (Form fields already refuse NUL through Django's CharField.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in key or "\x00" in value for key, value in request.GET.items()):
            from django.utils.translation import gettext as _

            message = _("The address contains a NUL character, which is not allowed.")
            if request.path.startswith("/api/"):
                return json_error(400, "invalid_input", message)
            from django.core.exceptions import SuspiciousOperation

            raise SuspiciousOperation(message)  # Django answers 400 with the site's error page
        return self.get_response(request)
