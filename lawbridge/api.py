"""The JSON API at /api/v1/: one error format, session or token auth, the same rules as the pages.

Errors always look like ``{"error": {"code": "...", "message": "...", "fields": {...}}}``.
"""

import logging

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth

from lawbridge.accounts.api import router as accounts_router
from lawbridge.accounts.middleware import TWO_FACTOR_REQUIRED
from lawbridge.core.api import router as core_router
from lawbridge.core.http import ApiError, error_body
from lawbridge.delivery.api import router as delivery_router
from lawbridge.network.api import router as network_router
from lawbridge.network.api_sharing import router as sharing_router
from lawbridge.servicedesk.api import router as servicedesk_router

logger = logging.getLogger(__name__)


class TwoFactorRequired(Exception):
    pass


class TokenAuth(HttpBearer):
    """``Authorization: Bearer lbt_…`` with a personal API token. The request then runs as the token's
    user, in that user's language; staff whose second factor is not set up are refused, as on pages."""

    def authenticate(self, request, token):
        from allauth.mfa.utils import is_mfa_enabled

        from lawbridge.accounts.services import api_token_authenticate

        user = api_token_authenticate(raw=token)
        if user is None:
            return None
        request.user = user
        translation.activate(user.language)
        request.LANGUAGE_CODE = translation.get_language()
        if user.needs_two_factor and not is_mfa_enabled(user):
            raise TwoFactorRequired
        return user


api = NinjaAPI(
    title="Lawbridge API",
    version="1.0.0",
    description="Foreign-related legal services platform. Authenticate with a browser session or a personal token.",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
    docs_url="/docs",
)


def error(request, status: int, code: str, message: str, fields: dict | None = None):
    return api.create_response(request, error_body(code, message, fields), status=status)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc):
    fields: dict[str, list[str]] = {}
    for item in exc.errors:
        loc = [str(p) for p in item.get("loc", []) if p not in ("body", "query", "path", "payload")]
        fields.setdefault(".".join(loc) or "__all__", []).append(item.get("msg", ""))
    return error(request, 422, "invalid_input", _("The request has invalid fields."), fields)


@api.exception_handler(DjangoValidationError)
def on_django_validation_error(request, exc):
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return error(request, 422, "invalid_input", _("The request has invalid fields."), fields)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    header = request.headers.get("Authorization", "")
    if header:
        return error(request, 401, "invalid_token", _("The API token is malformed, unknown, expired or revoked."))
    return error(request, 401, "not_authenticated", _("Sign in or send a personal API token."))


@api.exception_handler(TwoFactorRequired)
def on_two_factor_required(request, exc):
    return error(request, 403, "two_factor_required", TWO_FACTOR_REQUIRED)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return error(request, 403, "permission_denied", str(exc) or _("You may not do this."))


@api.exception_handler(Http404)
@api.exception_handler(ObjectDoesNotExist)
def on_not_found(request, exc):
    return error(request, 404, "not_found", _("No such object, or you may not see it."))


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    codes = {
        400: "bad_request",
        401: "not_authenticated",
        403: "permission_denied",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        429: "rate_limited",
    }
    return error(request, exc.status_code, codes.get(exc.status_code, "error"), str(exc))


@api.exception_handler(ApiError)
def on_api_error(request, exc):
    return error(request, exc.status, exc.code, exc.message, exc.fields)


@api.exception_handler(Exception)
def on_unexpected_error(request, exc):
    logger.exception("Unhandled API error on %s %s", request.method, request.path)
    return error(request, 500, "server_error", _("Something went wrong on our side. The error has been logged."))


api.add_router("/", core_router)
api.add_router("/", accounts_router)


def anonymous_without_credentials(request):
    """Public endpoints: a visitor with no Authorization header passes as anonymous; a bad token is still a 401."""
    return "Authorization" not in request.headers


# Public directories: token or session users get their own view (staff see more); visitors the public one.
api.add_router("/", network_router, auth=[TokenAuth(), django_auth, anonymous_without_credentials])
api.add_router("/", sharing_router)
api.add_router("/", servicedesk_router)
api.add_router("/", delivery_router)
