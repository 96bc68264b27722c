"""Writes of the network: applications, expert profiles, verification, credentials, the directory index.

Every function is keyword-only, checks the rule it needs, validates, and records an audit event.
Other apps call ``expert_outcomes_record`` (figures) and read through ``selectors``.
"""

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lawbridge.accounts import services as account_services
from lawbridge.accounts.choices import OrganisationKind, Role
from lawbridge.core.audit import audit_event
from lawbridge.core.city import district_choices
from lawbridge.core.services import notification_send, require_perm

from . import search, taxonomy
from .choices import (
    CredentialKind,
    CredentialStatus,
    ExpertKind,
    InstitutionKind,
    LanguageLevel,
    ReviewStatus,
    Vocabulary,
)
from .models import Credential, Expert, ExpertFacet, ExpertLanguage, Institution, ServicePoint, Term

# Reminders go out this many days before a credential expires, and on the day.
REMINDER_DAYS = (30, 7, 0)


_require = require_perm  # one rule check for every service: actor None is the platform itself


# -- checking values ---------------------------------------------------------------------------------------


def clean_countries(codes: Iterable[str], field: str = "jurisdictions") -> list[str]:
    cleaned, bad = [], []
    for code in codes:
        code = code.strip().upper()
        if not code:
            continue
        (cleaned if taxonomy.is_country(code) else bad).append(code)
    if bad:
        raise ValidationError(
            {field: _("Unknown country codes (ISO 3166-1 alpha-2): %(codes)s") % {"codes": ", ".join(bad)}}
        )
    return sorted(set(cleaned))


def clean_languages(codes: Iterable[str], field: str = "languages") -> list[str]:
    cleaned, bad = [], []
    for code in codes:
        code = code.strip().lower()
        if not code:
            continue
        (cleaned if taxonomy.is_language(code) else bad).append(code)
    if bad:
        raise ValidationError({field: _("Unknown language codes (ISO 639): %(codes)s") % {"codes": ", ".join(bad)}})
    return list(dict.fromkeys(cleaned))


def clean_language_levels(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    pairs = list(pairs)
    codes = clean_languages([code for code, _level in pairs])
    levels = [level or LanguageLevel.WORKING for _code, level in pairs]
    bad = [level for level in levels if level not in LanguageLevel.values]
    if bad:
        raise ValidationError(
            {
                "languages": _("Unknown language levels: %(levels)s (use %(allowed)s)")
                % {"levels": ", ".join(bad), "allowed": ", ".join(LanguageLevel.values)}
            }
        )
    return list(dict(zip(codes, levels, strict=True)).items())


def clean_terms(vocabulary: str, codes: Iterable[str], field: str) -> list[str]:
    known = set(taxonomy.term_codes(vocabulary))
    codes = [c.strip() for c in codes if c.strip()]
    bad = [c for c in codes if c not in known]
    if bad:
        raise ValidationError({field: _("Unknown codes: %(codes)s") % {"codes": ", ".join(bad)}})
    return list(dict.fromkeys(codes))


def clean_district(code: str, field: str = "district_code") -> str:
    if code and code not in dict(district_choices()):
        raise ValidationError({field: _("Unknown district code: %(code)s") % {"code": code}})
    return code


def _terms(vocabulary: str, codes: list[str]) -> list[Term]:
    return list(Term.objects.filter(vocabulary=vocabulary, code__in=codes))


# -- service points ----------------------------------------------------------------------------------------


def service_point_save(*, actor, organisation, services: list[str] | None = None, **fields) -> ServicePoint:
    """Create or change the profile of a service point (an organisation of kind service_point)."""
    if organisation.kind != OrganisationKind.SERVICE_POINT:
        raise ValidationError(_("Only a service point has a service point profile."))
    point = ServicePoint.objects.filter(organisation=organisation).first() or ServicePoint(organisation=organisation)
    _require(actor, "network.change_service_point", point if point.pk else None)
    if "languages" in fields:
        fields["languages"] = clean_languages(fields["languages"])
    for key in ("latitude", "longitude"):
        if fields.get(key) not in (None, ""):
            fields[key] = Decimal(str(fields[key])).quantize(Decimal("0.000001"))
    for name, value in fields.items():
        setattr(point, name, value)
    point.full_clean()
    point.save()
    if services is not None:
        point.services.set(_terms(Vocabulary.SERVICE_KIND, clean_terms(Vocabulary.SERVICE_KIND, services, "services")))
    if actor is not None:
        audit_event(obj=point, event="network.service_point.changed", actor=actor, payload={"fields": sorted(fields)})
    return point


# -- institutions ------------------------------------------------------------------------------------------


def institution_reindex(institution: Institution) -> None:
    org = institution.organisation
    institution.search_text = search.index_text(org.name, org.name_en, institution.licence_number)
    Institution.objects.filter(pk=institution.pk).update(search_text=institution.search_text)


def _institution_fields(fields: dict) -> dict:
    if "jurisdictions" in fields:
        fields["jurisdictions"] = clean_countries(fields["jurisdictions"])
    if "languages" in fields:
        fields["languages"] = clean_languages(fields["languages"])
    for key in ("foreign_offices", "partner_firms"):
        if key in fields:
            rows = []
            for row in fields[key]:
                row = {k: str(v).strip() for k, v in row.items() if str(v).strip()}
                if row.get("country"):
                    row["country"] = clean_countries([row["country"]], key)[0]
                if row:
                    rows.append(row)
            fields[key] = rows
    if "licence_number" in fields:
        fields["licence_number"] = fields["licence_number"].strip()
    return fields


@transaction.atomic
def institution_apply(
    *,
    actor,
    kind: str,
    name: str,
    name_en: str = "",
    district_code: str = "",
    practice_areas: list[str] = (),
    service_points: list[ServicePoint] = (),
    submit: bool = True,
    **fields,
) -> Institution:
    """An institution joins the network: its organisation, its profile, and the applicant as its administrator.

    The profile waits for verification by service-point staff (``submit``) or stays a draft.
    """
    _require(actor, "network.apply_institution")
    if kind not in InstitutionKind.values:
        raise ValidationError({"kind": _("Unknown kind of institution.")})
    fields = _institution_fields(fields)
    if fields.get("licence_number") and Institution.objects.filter(licence_number=fields["licence_number"]).exists():
        raise ValidationError({"licence_number": _("An institution with this licence number is already registered.")})
    organisation_kind = (
        OrganisationKind.JUDICIAL
        if kind in (InstitutionKind.COURT_LIAISON, InstitutionKind.PROCURATORATE_LIAISON)
        else OrganisationKind.INSTITUTION
    )
    organisation = account_services.organisation_create(
        actor=actor,
        kind=organisation_kind,
        name=name,
        name_en=name_en,
        district_code=clean_district(district_code),
        slug=fields.pop("slug", ""),
        is_verified=False,
    )
    institution = Institution(
        organisation=organisation,
        kind=kind,
        status=ReviewStatus.PENDING if submit else ReviewStatus.DRAFT,
        **fields,
    )
    institution.full_clean(exclude=["organisation"])
    institution.save()
    institution.practice_areas.set(
        _terms(Vocabulary.PRACTICE_AREA, clean_terms(Vocabulary.PRACTICE_AREA, practice_areas, "practice_areas"))
    )
    institution.service_points.set(service_points)
    institution_reindex(institution)
    if actor is not None:
        account_services.membership_grant(
            actor=None, user=actor, organisation=organisation, role=Role.INSTITUTION_ADMIN, notify=False
        )
    audit_event(obj=institution, event="network.institution.applied", actor=actor, payload={"kind": kind})
    return institution


@transaction.atomic
def institution_update(
    *,
    actor,
    institution: Institution,
    name: str | None = None,
    name_en: str | None = None,
    district_code: str | None = None,
    practice_areas: list[str] | None = None,
    service_points: list[ServicePoint] | None = None,
    **fields,
) -> Institution:
    _require(actor, "network.change_institution", institution)
    fields = _institution_fields(fields)
    if fields.get("licence_number") and (
        Institution.objects.filter(licence_number=fields["licence_number"]).exclude(pk=institution.pk).exists()
    ):
        raise ValidationError({"licence_number": _("An institution with this licence number is already registered.")})
    org = institution.organisation
    if name is not None:
        org.name = name.strip()
    if name_en is not None:
        org.name_en = name_en.strip()
    if district_code is not None:
        org.district_code = clean_district(district_code)
    org.full_clean()
    org.save()
    for key, value in fields.items():
        setattr(institution, key, value)
    if institution.status == ReviewStatus.REJECTED:
        institution.status = ReviewStatus.PENDING  # a corrected application goes back to the queue
    institution.full_clean(exclude=["organisation"])
    institution.save()
    if practice_areas is not None:
        institution.practice_areas.set(
            _terms(Vocabulary.PRACTICE_AREA, clean_terms(Vocabulary.PRACTICE_AREA, practice_areas, "practice_areas"))
        )
    if service_points is not None:
        institution.service_points.set(service_points)
    institution_reindex(institution)
    for expert in institution.experts.all():
        expert_refresh(expert)
    return institution


def institution_submit(*, actor, institution: Institution) -> Institution:
    _require(actor, "network.change_institution", institution)
    if institution.status in (ReviewStatus.DRAFT, ReviewStatus.REJECTED):
        institution.status = ReviewStatus.PENDING
        institution.save(update_fields=["status", "updated_at"])
        audit_event(obj=institution, event="network.institution.submitted", actor=actor)
    return institution


def _notify_admins(institution: Institution, kind: str, title_fn, body_fn, url: str) -> None:
    from lawbridge.accounts.models import User

    admins = User.objects.filter(
        memberships__organisation=institution.organisation,
        memberships__role=Role.INSTITUTION_ADMIN,
        memberships__is_active=True,
        is_active=True,
    ).distinct()
    for admin in admins:
        with translation.override(admin.language):
            notification_send(user=admin, kind=kind, title=title_fn(), body=body_fn(), url=url)


@transaction.atomic
def institution_review(*, actor, institution: Institution, approve: bool, reason: str = "") -> Institution:
    """Verify or reject an institution's application. A rejection needs a reason, which the applicant sees."""
    _require(actor, "network.verify_institution", institution)
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError({"reason": _("Say why the application is rejected.")})
    before = institution.status
    institution.status = ReviewStatus.VERIFIED if approve else ReviewStatus.REJECTED
    institution.rejection_reason = "" if approve else reason
    institution.reviewed_by = actor
    institution.reviewed_at = timezone.now()
    institution.save()
    org = institution.organisation
    if org.is_verified != approve:
        org.is_verified = approve
        org.save(update_fields=["is_verified", "updated_at"])
    audit_event(
        obj=institution,
        event="network.institution.verified" if approve else "network.institution.rejected",
        actor=actor,
        payload={"reason": reason} if reason else {},
        changes={"status": [before, institution.status]},
    )
    url = reverse("network:institution", args=[org.slug])
    _notify_admins(
        institution,
        "network.institution.reviewed",
        lambda: (
            (_("%(name)s is verified and listed in the directory") if approve else _("%(name)s was not verified"))
            % {"name": institution.name()}
        ),
        lambda: "" if approve else _("Reason: %(reason)s") % {"reason": reason},
        url,
    )
    for expert in institution.experts.all():
        expert_refresh(expert)
    return institution


# -- experts -----------------------------------------------------------------------------------------------

EXPERT_SIMPLE_FIELDS = {
    "name", "name_latin", "email", "phone", "district_code", "home_city", "years_of_practice", "tier",
    "open_matters", "max_matters", "availability", "fee_min", "fee_max", "fee_currency", "fee_basis", "bios",
    "is_shared", "user",
}  # fmt: skip


def _expert_fields(fields: dict) -> dict:
    unknown = set(fields) - EXPERT_SIMPLE_FIELDS - {"kind", "jurisdictions"}
    if unknown:
        raise ValueError(f"Not expert fields: {sorted(unknown)}")
    if "jurisdictions" in fields:
        fields["jurisdictions"] = clean_countries(fields["jurisdictions"])
    if "district_code" in fields:
        fields["district_code"] = clean_district(fields["district_code"] or "")
    if "home_city" in fields and fields["home_city"] not in taxonomy.term_codes(Vocabulary.CITY):
        raise ValidationError({"home_city": _("Unknown city code: %(code)s") % {"code": fields["home_city"]}})
    if "bios" in fields:
        bios = {k: v.strip() for k, v in (fields["bios"] or {}).items() if v and v.strip()}
        fields["bios"] = {k: v for k, v in bios.items() if k}
    for key in ("fee_min", "fee_max"):
        if fields.get(key) in ("", None):
            fields[key] = None
    low, high = fields.get("fee_min"), fields.get("fee_max")
    if low is not None and high is not None and Decimal(low) > Decimal(high):
        raise ValidationError({"fee_max": _("The upper fee is below the lower fee.")})
    return fields


def credential_check(
    *, expert: Expert | None, kind: str, issuer: str, number: str, issued_on=None, expires_on=None
) -> dict:
    """Validate one credential's values; returns them cleaned."""
    errors = {}
    if kind not in CredentialKind.values:
        errors["kind"] = _("Unknown kind of credential.")
    if not (issuer or "").strip():
        errors["issuer"] = _("Say who issued it.")
    if not (number or "").strip():
        errors["number"] = _("Give the number.")
    if issued_on and expires_on and expires_on < issued_on:
        errors["expires_on"] = _("It expires before it was issued.")
    duplicate = Credential.objects.filter(kind=kind, number=(number or "").strip(), is_external=False)
    if expert is not None and expert.pk:
        duplicate = duplicate.exclude(expert=expert)
    if number and duplicate.exists():
        errors["number"] = _("Another expert already holds a %(kind)s with this number.") % {
            "kind": CredentialKind(kind).label if kind in CredentialKind.values else kind
        }
    if errors:
        raise ValidationError(errors)
    return {
        "kind": kind,
        "issuer": issuer.strip(),
        "number": number.strip(),
        "issued_on": issued_on,
        "expires_on": expires_on,
    }


@transaction.atomic
def expert_create(
    *,
    actor,
    institution: Institution | None,
    kind: str,
    name: str,
    languages: list[tuple[str, str]] = (),
    practice_areas: list[str] = (),
    industries: list[str] = (),
    credentials: list[dict] = (),
    submit: bool = False,
    status: str | None = None,
    **fields,
) -> Expert:
    """Add an expert to an institution (or, for platform staff, without one). New profiles are drafts until
    submitted; staff importing in bulk may create them verified (``status``)."""
    if institution is not None:
        _require(actor, "network.add_expert", institution)
    else:
        _require(actor, "network.import")
    if kind not in ExpertKind.values:
        raise ValidationError({"kind": _("Unknown kind of expert.")})
    if status is not None and status != ReviewStatus.DRAFT:
        _require(actor, "network.import")
    fields = _expert_fields(dict(fields))
    expert = Expert(institution=institution, kind=kind, name=name.strip(), **fields)
    if not expert.district_code and institution is not None:
        expert.district_code = institution.organisation.district_code
    expert.status = status or (ReviewStatus.PENDING if submit else ReviewStatus.DRAFT)
    expert.full_clean(exclude=["public_id", "user"])
    expert.save()
    _expert_relations(expert, languages, practice_areas, industries)
    for values in credentials:
        Credential.objects.create(expert=expert, **credential_check(expert=expert, **values))
    if expert.status == ReviewStatus.VERIFIED:
        expert.credentials.update(status=CredentialStatus.VERIFIED, verified_by=actor, verified_at=timezone.now())
        expert.reviewed_by, expert.reviewed_at = actor, timezone.now()
        expert.save(update_fields=["reviewed_by", "reviewed_at"])
    expert_refresh(expert)
    audit_event(obj=expert, event="network.expert.created", actor=actor, payload={"kind": kind})
    return expert


def _expert_relations(expert, languages, practice_areas, industries) -> None:
    if languages is not None:
        pairs = clean_language_levels(languages)
        expert.languages.all().delete()
        ExpertLanguage.objects.bulk_create(ExpertLanguage(expert=expert, code=c, level=lv) for c, lv in pairs)
    if practice_areas is not None:
        codes = clean_terms(Vocabulary.PRACTICE_AREA, practice_areas, "practice_areas")
        expert.practice_areas.set(_terms(Vocabulary.PRACTICE_AREA, codes))
    if industries is not None:
        codes = clean_terms(Vocabulary.INDUSTRY, industries, "industries")
        expert.industries.set(_terms(Vocabulary.INDUSTRY, codes))


@transaction.atomic
def expert_update(
    *, actor, expert: Expert, languages=None, practice_areas=None, industries=None, kind: str | None = None, **fields
) -> Expert:
    _require(actor, "network.change_expert", expert)
    fields = _expert_fields(dict(fields))
    if kind is not None:
        if kind not in ExpertKind.values:
            raise ValidationError({"kind": _("Unknown kind of expert.")})
        expert.kind = kind
    for key, value in fields.items():
        setattr(expert, key, value)
    if expert.status == ReviewStatus.REJECTED:
        expert.status = ReviewStatus.PENDING
    expert.full_clean(exclude=["public_id", "user"])
    expert.save()
    _expert_relations(expert, languages, practice_areas, industries)
    expert_refresh(expert)
    return expert


def expert_submit(*, actor, expert: Expert) -> Expert:
    _require(actor, "network.change_expert", expert)
    if expert.status in (ReviewStatus.DRAFT, ReviewStatus.REJECTED):
        if not expert.credentials.exists():
            raise ValidationError(_("Add at least one credential before asking for verification."))
        expert.status = ReviewStatus.PENDING
        expert.save(update_fields=["status"])
        expert_refresh(expert)
        audit_event(obj=expert, event="network.expert.submitted", actor=actor)
    return expert


@transaction.atomic
def credential_add(*, actor, expert: Expert, **values) -> Credential:
    _require(actor, "network.change_expert", expert)
    credential = Credential.objects.create(expert=expert, **credential_check(expert=expert, **values))
    audit_event(obj=expert, event="network.credential.added", actor=actor, payload={"credential": str(credential)})
    expert_refresh(expert)
    return credential


@transaction.atomic
def expert_review(*, actor, expert: Expert, approve: bool, reason: str = "") -> Expert:
    """Verify an expert (and the credentials shown) or reject with a reason the institution sees."""
    _require(actor, "network.verify_expert", expert)
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError({"reason": _("Say why the profile is rejected.")})
    if approve and not expert.credentials.exists():
        raise ValidationError(_("An expert without a credential cannot be verified."))
    before = expert.status
    now = timezone.now()
    expert.status = ReviewStatus.VERIFIED if approve else ReviewStatus.REJECTED
    expert.rejection_reason = "" if approve else reason
    expert.reviewed_by, expert.reviewed_at = actor, now
    expert.save()
    if approve:
        expert.credentials.filter(status=CredentialStatus.UNVERIFIED).update(
            status=CredentialStatus.VERIFIED, verified_by=actor, verified_at=now
        )
    audit_event(
        obj=expert,
        event="network.expert.verified" if approve else "network.expert.rejected",
        actor=actor,
        payload={"reason": reason} if reason else {},
        changes={"status": [before, expert.status]},
    )
    expert_refresh(expert)
    url = reverse("network:expert", args=[expert.public_id])
    title = (
        (lambda: _("%(name)s is verified and listed in the directory") % {"name": expert.name})
        if approve
        else (lambda: _("%(name)s was not verified") % {"name": expert.name})
    )
    body = lambda: "" if approve else _("Reason: %(reason)s") % {"reason": reason}  # noqa: E731
    if expert.institution_id:
        _notify_admins(expert.institution, "network.expert.reviewed", title, body, url)
    if expert.user_id:
        with translation.override(expert.user.language):
            notification_send(user=expert.user, kind="network.expert.reviewed", title=title(), body=body(), url=url)
    return expert


def expert_outcomes_record(
    *,
    expert: Expert,
    matters_handled: int | None = None,
    median_response_hours=None,
    rating_average=None,
    rating_count: int | None = None,
    open_matters: int | None = None,
) -> Expert:
    """For the service desk and mediation: the figures they keep about an expert's work."""
    values = {
        k: v for k, v in {
            "matters_handled": matters_handled, "median_response_hours": median_response_hours,
            "rating_average": rating_average, "rating_count": rating_count, "open_matters": open_matters,
        }.items() if v is not None
    }  # fmt: skip
    Expert.objects.filter(pk=expert.pk).update(**values, updated_at=timezone.now())
    expert.refresh_from_db()
    return expert


# -- the index and credential state ------------------------------------------------------------------------


def credentials_state(credentials: list[Credential], today: date) -> tuple[bool, date | None]:
    """Whether an expert's credentials allow matching, and until when.

    Per kind of credential the latest verified one counts (a renewal replaces the old one). The expert is
    in good standing if there is at least one verified credential and no kind has lapsed.
    """
    latest: dict[str, Credential] = {}
    for c in credentials:
        if c.status != CredentialStatus.VERIFIED:
            continue
        held = latest.get(c.kind)
        if held is None or (held.expires_on is not None and (c.expires_on is None or c.expires_on > held.expires_on)):
            latest[c.kind] = c
    if not latest:
        return False, None
    ends = [c.expires_on for c in latest.values() if c.expires_on is not None]
    valid_until = min(ends) if ends else None
    return (valid_until is None or valid_until >= today), valid_until


def facet_rows(expert: Expert, practice_codes: list[str], industry_codes: list[str], language_codes: list[str]):
    rows = [("kind", expert.kind), ("city", expert.home_city), ("tier", expert.tier)]
    if expert.district_code:
        rows.append(("district", expert.district_code))
    rows += [("practice_area", c) for c in practice_codes]
    rows += [("industry", c) for c in industry_codes]
    rows += [("language", c) for c in language_codes]
    rows += [("jurisdiction", c) for c in expert.jurisdictions]
    return rows


def expert_search_text(expert: Expert, language_codes: list[str]) -> str:
    institution_names = []
    if expert.institution_id:
        org = expert.institution.organisation
        institution_names = [org.name, org.name_en]
    elif expert.external_institution:
        institution_names = list(expert.external_institution.values())
    return search.index_text(expert.name, expert.name_latin, *institution_names)


def expert_refresh(expert: Expert, today: date | None = None) -> Expert:
    """Recompute what is derived from an expert: credential standing, search text, facet rows, and
    ``updated_at`` (which the shared feed pages by)."""
    today = today or timezone.localdate()
    ok, until = credentials_state(list(expert.credentials.all()), today)
    # A profile is listed only if it and its institution (when it has one) are verified.
    practice = list(expert.practice_areas.values_list("code", flat=True))
    industries = list(expert.industries.values_list("code", flat=True))
    languages = list(expert.languages.values_list("code", flat=True))
    expert.credentials_ok, expert.credentials_expire_on = ok, until
    expert.search_text = expert_search_text(expert, languages)
    expert.updated_at = timezone.now()
    if expert.is_shared and expert.status == ReviewStatus.VERIFIED:
        expert.was_shared = True
    Expert.objects.filter(pk=expert.pk).update(
        credentials_ok=ok,
        credentials_expire_on=until,
        search_text=expert.search_text,
        updated_at=expert.updated_at,
        was_shared=expert.was_shared,
    )
    ExpertFacet.objects.filter(expert=expert).delete()
    ExpertFacet.objects.bulk_create(
        ExpertFacet(expert=expert, facet=f, value=v) for f, v in facet_rows(expert, practice, industries, languages)
    )
    return expert


def credential_expiry_sweep(*, today: date | None = None) -> dict[str, int]:
    """Daily: remind experts, their institution's administrators and the district's staff of credentials that
    expire within 30 days, in 7 days and today; take experts whose credentials lapsed out of matching."""
    today = today or timezone.localdate()
    reminded = 0
    horizon = today + timedelta(days=max(REMINDER_DAYS))
    due = (
        Credential.objects.filter(
            status=CredentialStatus.VERIFIED, is_external=False, expires_on__isnull=False, expires_on__lte=horizon
        )
        .select_related("expert__user", "expert__institution__organisation")
        .order_by("expires_on")
    )
    for credential in due:
        if _renewed(credential):
            continue
        days_left = (credential.expires_on - today).days
        stage = next((d for d in sorted(REMINDER_DAYS) if days_left <= d), None)
        if stage is None or (credential.reminded_days is not None and credential.reminded_days <= stage):
            continue
        _remind(credential, days_left)
        credential.reminded_days = stage
        credential.save(update_fields=["reminded_days"])
        reminded += 1
    # Experts whose standing changed since yesterday (a credential lapsed) are recomputed.
    lapsed = 0
    for expert in Expert.objects.filter(credentials_ok=True, credentials_expire_on__lt=today):
        expert_refresh(expert, today)
        lapsed += 1
    return {"reminded": reminded, "lapsed": lapsed}


def _renewed(credential: Credential) -> bool:
    """A verified credential of the same kind that runs longer (or has no end) replaces this one."""
    later = Credential.objects.filter(
        expert_id=credential.expert_id, kind=credential.kind, status=CredentialStatus.VERIFIED
    ).exclude(pk=credential.pk)
    return later.filter(Q(expires_on__isnull=True) | Q(expires_on__gt=credential.expires_on)).exists()


def _remind(credential: Credential, days_left: int) -> None:
    from lawbridge.accounts.models import User

    expert = credential.expert
    recipients = {}
    if expert.user_id and expert.user.is_active:
        recipients[expert.user_id] = expert.user
    if expert.institution_id:
        for user in User.objects.filter(
            memberships__organisation=expert.institution.organisation,
            memberships__role=Role.INSTITUTION_ADMIN,
            memberships__is_active=True,
            is_active=True,
        ):
            recipients[user.pk] = user
    if expert.district_code:
        for user in User.objects.filter(
            memberships__organisation__district_code=expert.district_code,
            memberships__role__in=[Role.SUBCENTER_STAFF, Role.WORKSTATION_STAFF],
            memberships__is_active=True,
            is_active=True,
        ):
            recipients[user.pk] = user
    url = reverse("network:expert", args=[expert.public_id])
    for user in recipients.values():
        with translation.override(user.language):
            if days_left == 0:
                title = _("%(credential)s of %(name)s expires today") % {
                    "credential": credential.get_kind_display(),
                    "name": expert.name,
                }
            elif days_left > 0:
                title = ngettext(
                    "%(credential)s of %(name)s expires in %(days)d day",
                    "%(credential)s of %(name)s expires in %(days)d days",
                    days_left,
                ) % {
                    "credential": credential.get_kind_display(),
                    "name": expert.name,
                    "days": days_left,
                }
            else:
                title = _("%(credential)s of %(name)s has expired") % {
                    "credential": credential.get_kind_display(),
                    "name": expert.name,
                }
            body = _("Upload the renewed credential so the expert stays available for matching.")
            notification_send(user=user, kind="network.credential.expiring", title=title, body=body, url=url)
