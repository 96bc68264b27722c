from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path

from lawbridge.api import api
from lawbridge.core import health

# The admin site signs in through allauth, so the second factor applies there too.
admin.site.login = login_required(admin.site.login)
admin.site.site_header = "Lawbridge"

urlpatterns = [
    path("", include("lawbridge.core.urls")),
    path("accounts/", include("allauth.urls")),
    path("me/", include("lawbridge.accounts.urls")),
    path("network/", include("lawbridge.network.urls")),
    path("desk/", include("lawbridge.servicedesk.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]

handler400 = "lawbridge.core.views.bad_request"
handler403 = "lawbridge.core.views.forbidden"
handler404 = "lawbridge.core.views.not_found"
handler500 = "lawbridge.core.views.server_error"
