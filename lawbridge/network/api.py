"""API of the network: service points, institutions and experts, with the same rules as the pages.

Public endpoints: visitors see verified profiles; signed-in staff, institutions and experts see what their rules
allow, private fields included where permitted. Directory errors carry a code (``invalid_query``,
``page_size_too_large``, ``unknown_facet`` …) and a 400.
"""

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from lawbridge.core.city import district_name
from lawbridge.core.http import ApiError
from lawbridge.core.pagination import Pagination

from . import selectors, taxonomy
from .choices import Vocabulary
from .models import Expert, Institution, ServicePoint

router = Router(tags=["network"])


def _refuse_unknown_parameters(request, schema) -> None:
    """A misspelt filter (``?langauge=ja``) is an error, not a silently unfiltered directory."""
    unknown = sorted(set(request.GET) - set(schema.model_fields))
    if unknown:
        message = _("Unknown filter: %(name)s") % {"name": ", ".join(unknown)}
        raise ApiError(400, "unknown_facet", message, {name: [message] for name in unknown})


def _directory_error(exc: selectors.DirectoryError) -> ApiError:
    return ApiError(400, exc.code, exc.message, {exc.field: [str(exc.message)]})


class Named(Schema):
    code: str
    name: str


class LanguageOut(Schema):
    code: str
    name: str
    level: str


class CredentialOut(Schema):
    kind: str
    issuer: str
    number: str | None = None
    issued_on: date | None
    expires_on: date | None
    status: str


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class FacetOut(Schema):
    name: str
    label: str
    values: list[FacetValueOut]


def _names(vocabulary, codes) -> list[dict]:
    return [{"code": c, "name": taxonomy.term_label(vocabulary, c)} for c in codes]


class ExpertOut(Schema):
    id: UUID
    url: str
    kind: str
    kind_label: str
    name: str
    name_latin: str
    status: str
    institution: str
    institution_slug: str | None
    district: Named | None
    home_city: Named
    source_city: str | None
    tier: str
    practice_areas: list[Named]
    industries: list[Named]
    jurisdictions: list[Named]
    languages: list[LanguageOut]
    years_of_practice: int | None
    availability: str
    fee_min: Decimal | None
    fee_max: Decimal | None
    fee_currency: str
    fee_basis: str
    bio: str
    bios: dict[str, str]
    credentials_ok: bool
    credentials_expire_on: date | None
    matters_handled: int
    median_response_hours: Decimal | None
    rating_average: Decimal | None
    rating_count: int
    updated_at: datetime
    # Private: present only for staff, the institution's administrators and the expert.
    phone: str | None = None
    email: str | None = None
    open_matters: int | None = None
    max_matters: int | None = None
    credentials: list[CredentialOut]

    @staticmethod
    def from_expert(expert: Expert, user) -> "ExpertOut":
        private = user.has_perm("network.view_expert_private", expert)
        return ExpertOut(
            id=expert.public_id,
            url=reverse("network:expert", args=[expert.public_id]),
            kind=expert.kind,
            kind_label=str(expert.get_kind_display()),
            name=expert.name,
            name_latin=expert.name_latin,
            status=expert.status,
            institution=expert.institution_name(),
            institution_slug=expert.institution.organisation.slug if expert.institution_id else None,
            district=(
                {"code": expert.district_code, "name": district_name(expert.district_code)}
                if expert.district_code
                else None
            ),
            home_city={"code": expert.home_city, "name": taxonomy.city_label(expert.home_city)},
            source_city=expert.source.city() if expert.source_id else None,
            tier=expert.tier,
            practice_areas=_names(Vocabulary.PRACTICE_AREA, [t.code for t in expert.practice_areas.all()]),
            industries=_names(Vocabulary.INDUSTRY, [t.code for t in expert.industries.all()]),
            jurisdictions=[{"code": c, "name": taxonomy.country_name(c)} for c in expert.jurisdictions],
            languages=[
                {"code": lang.code, "name": taxonomy.language_name(lang.code), "level": lang.level}
                for lang in expert.languages.all()
            ],
            years_of_practice=expert.years_of_practice,
            availability=expert.availability,
            fee_min=expert.fee_min,
            fee_max=expert.fee_max,
            fee_currency=expert.fee_currency,
            fee_basis=expert.fee_basis,
            bio=expert.bio(),
            bios=expert.bios,
            credentials_ok=expert.credentials_ok,
            credentials_expire_on=expert.credentials_expire_on,
            matters_handled=expert.matters_handled,
            median_response_hours=expert.median_response_hours,
            rating_average=expert.rating_average,
            rating_count=expert.rating_count,
            updated_at=expert.updated_at,
            phone=expert.phone if private else None,
            email=expert.email if private else None,
            open_matters=expert.open_matters if private else None,
            max_matters=expert.max_matters if private else None,
            credentials=[
                {
                    "kind": c.kind,
                    "issuer": c.issuer,
                    "number": c.number if private else None,
                    "issued_on": c.issued_on,
                    "expires_on": c.expires_on,
                    "status": c.status,
                }
                for c in expert.credentials.all()
            ],
        )


class DirectoryOut(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    facets: list[FacetOut]


class ExpertDirectoryOut(DirectoryOut):
    items: list[ExpertOut]


class ExpertFilters(Schema):
    q: str = ""
    kind: list[str] = []
    practice_area: list[str] = []
    jurisdiction: list[str] = []
    language: list[str] = []
    industry: list[str] = []
    district: list[str] = []
    city: list[str] = []
    available: bool = False
    order: str = "relevance"
    page: int = 1
    page_size: int = 20


def _directory_out(page, items: list) -> dict:
    """A directory page as the API answers it: counts, paging, facets with their counts, and the items."""
    return {
        "count": page.total,
        "page": page.page,
        "page_size": page.page_size,
        "pages": page.pages,
        "facets": _facets(page),
        "items": items,
    }


def _facets(page) -> list[dict]:
    return [
        {
            "name": f.name,
            "label": f.label,
            "values": [
                {"value": v.value, "label": str(v.label), "count": v.count, "selected": v.selected} for v in f.values
            ],
        }
        for f in page.facets
    ]


@router.get("/network/experts", response=ExpertDirectoryOut, summary="Search the talent pool")
def expert_search(request, filters: Query[ExpertFilters]):
    """Free text (names in any script, pinyin) and facets; values within a facet are alternatives, facets combine.
    Each facet lists its values with counts, taken with the other facets applied."""
    _refuse_unknown_parameters(request, ExpertFilters)
    chosen = {
        name: getattr(filters, name)
        for name in ("kind", "practice_area", "jurisdiction", "language", "industry", "district", "city")
        if getattr(filters, name)
    }
    try:
        page = selectors.expert_directory(
            user=request.user,
            q=filters.q,
            filters=chosen,
            page=filters.page,
            page_size=filters.page_size,
            order=filters.order,
            matchable_only=filters.available,
        )
    except selectors.DirectoryError as exc:
        raise _directory_error(exc) from None
    return _directory_out(page, [ExpertOut.from_expert(e, request.user) for e in page.items])


@router.get("/network/experts/{uuid:public_id}", response=ExpertOut, summary="One expert")
def expert_detail(request, public_id: UUID):
    expert = get_object_or_404(
        Expert.objects.select_related("institution__organisation", "source"), public_id=public_id
    )
    if not request.user.has_perm("network.view_expert", expert):
        raise ApiError(404, "not_found", _("No such object, or you may not see it."))
    return ExpertOut.from_expert(expert, request.user)


class InstitutionOut(Schema):
    slug: str
    url: str
    kind: str
    kind_label: str
    name: str
    name_en: str
    status: str
    district: Named | None
    practice_areas: list[Named]
    jurisdictions: list[Named]
    languages: list[Named]
    foreign_offices: list[dict]
    partner_firms: list[dict]
    address: str
    email: str
    website: str
    description: str
    service_points: list[str]
    licence_number: str | None = None
    phone: str | None = None

    @staticmethod
    def from_institution(inst: Institution, user) -> "InstitutionOut":
        org = inst.organisation
        private = user.has_perm("network.change_institution", inst) or selectors.sees_everything(user)
        return InstitutionOut(
            slug=org.slug,
            url=reverse("network:institution", args=[org.slug]),
            kind=inst.kind,
            kind_label=str(inst.get_kind_display()),
            name=inst.name(),
            name_en=org.name_en,
            status=inst.status,
            district=(
                {"code": org.district_code, "name": district_name(org.district_code)} if org.district_code else None
            ),
            practice_areas=_names(Vocabulary.PRACTICE_AREA, [t.code for t in inst.practice_areas.all()]),
            jurisdictions=[{"code": c, "name": taxonomy.country_name(c)} for c in inst.jurisdictions],
            languages=[{"code": c, "name": taxonomy.language_name(c)} for c in inst.languages],
            foreign_offices=inst.foreign_offices,
            partner_firms=inst.partner_firms,
            address=inst.address(),
            email=inst.email,
            website=inst.website,
            description=inst.description_text(),
            service_points=[p.organisation.slug for p in inst.service_points.all()],
            licence_number=inst.licence_number if private else None,
            phone=inst.phone if private else None,
        )


class InstitutionDirectoryOut(DirectoryOut):
    items: list[InstitutionOut]


class InstitutionFilters(Schema):
    q: str = ""
    kind: list[str] = []
    practice_area: list[str] = []
    jurisdiction: list[str] = []
    language: list[str] = []
    district: list[str] = []
    page: int = 1
    page_size: int = 20


@router.get("/network/institutions", response=InstitutionDirectoryOut, summary="Search institutions")
def institution_search(request, filters: Query[InstitutionFilters]):
    _refuse_unknown_parameters(request, InstitutionFilters)
    chosen = {
        name: getattr(filters, name)
        for name in ("kind", "practice_area", "jurisdiction", "language", "district")
        if getattr(filters, name)
    }
    try:
        page = selectors.institution_directory(
            user=request.user, q=filters.q, filters=chosen, page=filters.page, page_size=filters.page_size
        )
    except selectors.DirectoryError as exc:
        raise _directory_error(exc) from None
    return _directory_out(page, [InstitutionOut.from_institution(i, request.user) for i in page.items])


@router.get("/network/institutions/{slug}", response=InstitutionOut, summary="One institution")
def institution_detail(request, slug: str):
    inst = get_object_or_404(Institution.objects.select_related("organisation"), organisation__slug=slug)
    if not request.user.has_perm("network.view_institution", inst):
        raise ApiError(404, "not_found", _("No such object, or you may not see it."))
    return InstitutionOut.from_institution(inst, request.user)


class ServicePointOut(Schema):
    slug: str
    url: str
    name: str
    level: str
    level_label: str
    district: Named | None
    parent: str | None
    address: str
    latitude: float | None
    longitude: float | None
    opening_hours: list[dict]
    languages: list[Named]
    services: list[Named]
    phone: str
    email: str

    @staticmethod
    def from_point(point: ServicePoint) -> "ServicePointOut":
        org = point.organisation
        return ServicePointOut(
            slug=org.slug,
            url=reverse("network:point", args=[org.slug]),
            name=point.name(),
            level=org.service_point_level,
            level_label=str(org.get_service_point_level_display()),
            district=(
                {"code": org.district_code, "name": district_name(org.district_code)} if org.district_code else None
            ),
            parent=org.parent.slug if org.parent_id else None,
            address=point.address(),
            latitude=float(point.latitude) if point.latitude is not None else None,
            longitude=float(point.longitude) if point.longitude is not None else None,
            opening_hours=point.opening_hours,
            languages=[{"code": c, "name": taxonomy.language_name(c)} for c in point.languages],
            services=_names(Vocabulary.SERVICE_KIND, [t.code for t in point.services.all()]),
            phone=point.phone,
            email=point.email,
        )


@router.get("/network/service-points", response=list[ServicePointOut], summary="The 1+N service points")
@paginate(Pagination)
def service_point_list(request, district: str = "", service: str = "", level: str = ""):
    points = selectors.service_points(district=district, service=service, level=level)
    return [ServicePointOut.from_point(p) for p in points]


@router.get("/network/service-points/{slug}", response=ServicePointOut, summary="One service point")
def service_point_detail(request, slug: str):
    point = get_object_or_404(ServicePoint.objects.select_related("organisation"), organisation__slug=slug)
    return ServicePointOut.from_point(point)


class TermOut(Schema):
    code: str
    name: str
    name_zh: str
    name_en: str
    strategic: bool


@router.get("/network/taxonomies/{vocabulary}", response=list[TermOut], summary="A bilingual list")
def taxonomy_list(request, vocabulary: str):
    if vocabulary not in Vocabulary.values:
        raise ApiError(
            404, "not_found", _("Unknown list; try one of: %(lists)s") % {"lists": ", ".join(Vocabulary.values)}
        )
    from .models import Term

    return [
        {"code": t.code, "name": t.label(), "name_zh": t.name_zh, "name_en": t.name_en, "strategic": t.is_strategic}
        for t in Term.objects.filter(vocabulary=vocabulary, is_active=True)
    ]
