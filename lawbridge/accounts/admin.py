from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, Membership, Organisation, User


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "account_type", "language", "is_active", "is_superuser"]
    list_filter = ["account_type", "is_active", "is_superuser", "language"]
    search_fields = ["email", "full_name", "name_latin"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "name_latin", "nationality", "language", "account_type"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "kind", "service_point_level", "district_code", "is_verified"]
    list_filter = ["kind", "service_point_level", "is_verified"]
    search_fields = ["name", "name_en", "uscc", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    autocomplete_fields = ["parent"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "hint", "created_at", "last_used_at", "expires_at", "revoked_at"]
    readonly_fields = ["token_hash", "hint"]
    search_fields = ["name", "user__email"]
