"""Admin pages for platform administrators: lists, service points, peers. Profiles are kept on the network pages,
where the services check and audit every change; here they are read-mostly."""

from django.contrib import admin

from .models import Credential, Expert, ImportJob, Institution, Peer, ServicePoint, Term


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["vocabulary", "code", "name_zh", "name_en", "is_strategic", "is_active"]
    list_filter = ["vocabulary", "is_active", "is_strategic"]
    search_fields = ["code", "name_zh", "name_en"]


@admin.register(ServicePoint)
class ServicePointAdmin(admin.ModelAdmin):
    list_display = ["organisation", "phone", "latitude", "longitude"]
    search_fields = ["organisation__name", "organisation__name_en"]
    filter_horizontal = ["services"]


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["organisation", "kind", "licence_number", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["organisation__name", "organisation__name_en", "licence_number"]
    readonly_fields = ["organisation", "status", "reviewed_by", "reviewed_at"]


class CredentialInline(admin.TabularInline):
    model = Credential
    extra = 0
    readonly_fields = ["status", "verified_by", "verified_at"]


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ["name", "name_latin", "kind", "institution", "status", "credentials_ok", "source"]
    list_filter = ["kind", "status", "tier", "credentials_ok", "source"]
    search_fields = ["name", "name_latin", "search_text"]
    readonly_fields = ["public_id", "status", "reviewed_by", "reviewed_at", "source", "external_id"]
    raw_id_fields = ["user", "institution"]
    inlines = [CredentialInline]


@admin.register(Peer)
class PeerAdmin(admin.ModelAdmin):
    list_display = ["name", "feed_url", "is_active", "last_pulled_at", "last_error"]
    readonly_fields = ["cursor", "last_pulled_at", "last_result", "last_error"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["original_name", "created_by", "status", "rows_total", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["created_by", "file", "original_name", "status", "rows_total", "rows_done", "report"]
