"""Reads of the network: what a user may see, the directory search with facet counts, and matching pools.

Visibility is decided by the same predicates as ``rules.py``, expressed as query filters.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lawbridge.accounts.choices import Role
from lawbridge.accounts.rules import is_network_staff, is_platform_admin, is_supervisor
from lawbridge.core.city import district_name

from . import directory, search, taxonomy
from .choices import (
    EXPERT_FACETS,
    FACET_LABELS,
    INSTITUTION_FACETS,
    Availability,
    ExpertKind,
    InstitutionKind,
    ReviewStatus,
    Vocabulary,
)
from .models import Expert, ExpertFacet, Institution, ServicePoint

MAX_PAGE_SIZE = 100
MAX_PAGE = 10_000


class DirectoryError(ValueError):
    """Bad directory parameters: ``code`` for the API, ``message`` for people, ``field`` for forms."""

    def __init__(self, code: str, message, field: str = "q"):
        super().__init__(str(message))
        self.code, self.message, self.field = code, message, field


def sees_everything(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (is_platform_admin(user) or is_network_staff(user) or is_supervisor(user))
    )


def _administered_organisation_ids(user) -> list[int]:
    if not user.is_authenticated:
        return []
    return list(
        user.memberships.filter(role=Role.INSTITUTION_ADMIN, is_active=True).values_list("organisation_id", flat=True)
    )


# A public profile: verified, and its institution (if it has one) verified too.
PUBLISHED = Q(status=ReviewStatus.VERIFIED) & (
    Q(institution__isnull=True) | Q(institution__status=ReviewStatus.VERIFIED)
)


def visible_experts(user) -> QuerySet[Expert]:
    experts = Expert.objects.all()
    if sees_everything(user):
        return experts
    visible = PUBLISHED
    if user.is_authenticated and user.is_active:
        visible |= Q(user=user) | Q(institution__organisation_id__in=_administered_organisation_ids(user))
    return experts.filter(visible)


def visible_institutions(user) -> QuerySet[Institution]:
    institutions = Institution.objects.select_related("organisation")
    if sees_everything(user):
        return institutions
    visible = Q(status=ReviewStatus.VERIFIED)
    if user.is_authenticated and user.is_active:
        visible |= Q(organisation_id__in=_administered_organisation_ids(user))
    return institutions.filter(visible)


def service_points(*, district: str = "", service: str = "", level: str = "") -> QuerySet[ServicePoint]:
    points = ServicePoint.objects.select_related("organisation", "organisation__parent").prefetch_related("services")
    if district:
        points = points.filter(organisation__district_code=district)
    if service:
        points = points.filter(services__code=service, services__vocabulary=Vocabulary.SERVICE_KIND)
    if level:
        points = points.filter(organisation__service_point_level=level)
    from django.db.models import Case, IntegerField, Value, When

    from lawbridge.accounts.choices import ServicePointLevel

    # The 1+N hierarchy reads top down: the center, the district sub-centers, then workstations and park stations.
    rank = Case(
        *(When(organisation__service_point_level=level, then=Value(i)) for i, level in enumerate(ServicePointLevel)),
        default=Value(99),
        output_field=IntegerField(),
    )
    return points.distinct().annotate(level_rank=rank).order_by("level_rank", "organisation__district_code", "id")


def matchable_experts() -> QuerySet[Expert]:
    """Experts the matching engine may offer work to: verified, credentials in force, not at capacity,
    taking matters. (Experts from other cities are included; the caller may exclude ``source``.)"""
    from django.db.models import F

    return (
        Expert.objects.filter(PUBLISHED)
        .filter(credentials_ok=True, open_matters__lt=F("max_matters"))
        .exclude(availability=Availability.UNAVAILABLE)
    )


# -- the directory -----------------------------------------------------------------------------------------


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    label: str
    values: list[FacetValue] = field(default_factory=list)


@dataclass
class DirectoryPage:
    items: list
    total: int
    page: int
    page_size: int
    facets: list[Facet]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def facet_label(facet: str, value: str, language: str | None = None) -> str:
    if facet == "kind":
        return ExpertKind(value).label if value in ExpertKind.values else value
    if facet == "practice_area":
        return taxonomy.term_label(Vocabulary.PRACTICE_AREA, value, language)
    if facet == "industry":
        return taxonomy.term_label(Vocabulary.INDUSTRY, value, language)
    if facet == "city":
        return taxonomy.city_label(value, language)
    if facet == "jurisdiction":
        return taxonomy.country_name(value, language)
    if facet == "language":
        return taxonomy.language_name(value, language)
    if facet == "district":
        return district_name(value, language)
    return value


def check_paging(page, page_size) -> tuple[int, int]:
    try:
        page = 1 if page in (None, "") else int(page)
        page_size = 20 if page_size in (None, "") else int(page_size)
    except (TypeError, ValueError):
        raise DirectoryError("invalid_page", _("Page and page size must be whole numbers."), "page") from None
    if page < 1 or page > MAX_PAGE:
        raise DirectoryError("invalid_page", _("Pages are numbered from 1 to %(max)d.") % {"max": MAX_PAGE}, "page")
    if page_size < 1 or page_size > MAX_PAGE_SIZE:
        raise DirectoryError(
            "page_size_too_large",
            _("A page holds 1 to %(max)d results.") % {"max": MAX_PAGE_SIZE},
            "page_size",
        )
    return page, page_size


def _text_filter(tokens: list[str]) -> Q:
    condition = Q()
    for token in tokens:
        condition &= Q(search_text__contains=token)
    return condition


def _check_filters(filters: dict[str, list[str]], allowed: tuple[str, ...]) -> dict[str, list[str]]:
    cleaned = {}
    for name, values in (filters or {}).items():
        if name not in allowed:
            raise DirectoryError("unknown_facet", _("Unknown filter: %(name)s") % {"name": name}, name)
        values = [v for v in values if v]
        if len(values) > 20:
            raise DirectoryError("too_many_values", _("Pick at most 20 values per filter."), name)
        for value in values:
            if len(value) > 60 or not all(c.isalnum() or c in "-_" for c in value):
                raise DirectoryError("invalid_filter", _("Invalid value for %(name)s.") % {"name": name}, name)
        if name == "jurisdiction":
            values = [v.upper() for v in values]
        if values:
            cleaned[name] = values
    return cleaned


def _facet_subquery(name: str, values: list[str]):
    return Exists(ExpertFacet.objects.filter(expert=OuterRef("pk"), facet=name, value__in=values))


def expert_directory(
    *,
    user,
    q: str = "",
    filters: dict[str, list[str]] | None = None,
    page=1,
    page_size=20,
    include_external: bool = True,
    matchable_only: bool = False,
    order: str = "relevance",
) -> DirectoryPage:
    """Search the talent pool: free text (names in any script, pinyin) and facets, with a count per facet value.

    Values within a facet are alternatives (OR); facets combine with AND. Each facet's counts are taken with
    every other facet applied but not itself, so picking one value never hides the others.
    """
    page, page_size = check_paging(page, page_size)
    try:
        tokens = search.query_tokens(q)
    except search.QueryError as exc:
        raise DirectoryError(exc.code, exc.message) from None
    filters = _check_filters(filters or {}, EXPERT_FACETS)

    if order not in directory.ORDERINGS:
        raise DirectoryError("invalid_order", _("Unknown order."), "order")

    index = directory.get()
    base = _visibility_mask(index, user) & index.text_mask(tokens)
    if not include_external:
        base &= ~index.external
    if matchable_only:
        base &= index.mask_of(matchable_experts().values_list("pk", flat=True))
    masks = {name: index.facet_mask(name, values) for name, values in filters.items()}

    def narrowed(skip: str | None = None):
        mask = base.copy()
        for name, facet_mask in masks.items():
            if name != skip:
                mask &= facet_mask
        return mask

    results = narrowed()
    total = int(results.sum())
    start = (page - 1) * page_size
    ids = index.page(results, order, start, start + page_size)
    # The database has the last word on what this user may see, in case the index is a moment behind.
    rows = (
        visible_experts(user)
        .filter(pk__in=ids)
        .select_related("institution__organisation", "source")
        .prefetch_related("languages", "practice_areas", "industries", "credentials")
    )
    by_pk = {expert.pk: expert for expert in rows}
    items = [by_pk[pk] for pk in ids if pk in by_pk]

    # Facet counts: each facet is counted with every other facet's filter applied, but not its own.
    facets = []
    for name in EXPERT_FACETS:
        counts = Counter(index.counts(name, narrowed(skip=name) if name in masks else results))
        chosen = set(filters.get(name, []))
        values = [
            FacetValue(value=value, label=facet_label(name, value), count=count, selected=value in chosen)
            for value, count in counts.items()
        ]
        for value in chosen - {v.value for v in values}:
            values.append(FacetValue(value=value, label=facet_label(name, value), count=0, selected=True))
        values.sort(key=lambda v: (not v.selected, -v.count, v.label))
        facets.append(Facet(name=name, label=str(FACET_LABELS[name]), values=values))
    return DirectoryPage(items=items, total=total, page=page, page_size=page_size, facets=facets)


def _visibility_mask(index, user):
    """Which indexed experts ``user`` may see: the same rule as ``visible_experts``."""
    import numpy as np

    if sees_everything(user):
        return np.ones(index.size, dtype=bool)
    mask = index.verified.copy()
    if user.is_authenticated and user.is_active:
        institutions = list(
            Institution.objects.filter(organisation_id__in=_administered_organisation_ids(user)).values_list(
                "pk", flat=True
            )
        )
        if institutions:
            mask |= np.isin(index.institution, institutions)
        mask |= index.user == user.pk
    return mask


def institution_directory(
    *, user, q: str = "", filters: dict[str, list[str]] | None = None, page=1, page_size=20
) -> DirectoryPage:
    """Search institutions: free text and facets (kind, practice area, jurisdiction, language, district).

    Institutions number in the hundreds, so facets are counted from the filtered rows in Python.
    """
    page, page_size = check_paging(page, page_size)
    try:
        tokens = search.query_tokens(q)
    except search.QueryError as exc:
        raise DirectoryError(exc.code, exc.message) from None
    filters = _check_filters(filters or {}, INSTITUTION_FACETS)
    rows = list(
        visible_institutions(user)
        .filter(_text_filter(tokens))
        .prefetch_related("practice_areas")
        .order_by("organisation__name", "id")
    )

    def values_of(inst: Institution, name: str) -> set[str]:
        if name == "kind":
            return {inst.kind}
        if name == "practice_area":
            return {t.code for t in inst.practice_areas.all()}
        if name == "jurisdiction":
            return set(inst.jurisdictions)
        if name == "language":
            return set(inst.languages)
        if name == "district":
            return {inst.organisation.district_code} if inst.organisation.district_code else set()
        return set()

    def matches(inst, skip=None):
        return all(values_of(inst, n) & set(v) for n, v in filters.items() if n != skip)

    results = [inst for inst in rows if matches(inst)]
    facets = []
    for name in INSTITUTION_FACETS:
        counter = Counter()
        for inst in rows:
            if matches(inst, skip=name):
                counter.update(values_of(inst, name))
        chosen = set(filters.get(name, []))
        values = []
        for value, count in counter.items():
            label = (
                InstitutionKind(value).label
                if name == "kind" and value in InstitutionKind.values
                else facet_label(name, value)
            )
            values.append(FacetValue(value=value, label=str(label), count=count, selected=value in chosen))
        values.sort(key=lambda v: (not v.selected, -v.count, v.label))
        facets.append(Facet(name=name, label=str(FACET_LABELS[name]), values=values))
    start = (page - 1) * page_size
    return DirectoryPage(
        items=results[start : start + page_size], total=len(results), page=page, page_size=page_size, facets=facets
    )


def review_queue(user) -> dict[str, QuerySet]:
    """What waits for this staff member's verification: institutions and experts in their districts."""
    from lawbridge.accounts.rules import is_center_staff

    institutions = Institution.objects.filter(status=ReviewStatus.PENDING).select_related("organisation")
    experts = Expert.objects.filter(status=ReviewStatus.PENDING, source__isnull=True).select_related(
        "institution__organisation"
    )
    if not (is_platform_admin(user) or is_center_staff(user)):
        districts = list(user.service_districts)
        institutions = institutions.filter(organisation__district_code__in=districts)
        experts = experts.filter(district_code__in=districts)
    return {"institutions": institutions.order_by("created_at"), "experts": experts.order_by("created_at")}


def expiring_credentials(*, days: int = 30):
    from .models import Credential

    today = timezone.localdate()
    return Credential.objects.filter(
        is_external=False, expires_on__isnull=False, expires_on__lte=today + timedelta(days=days)
    ).select_related("expert")


def talent_index():
    """The directory's in-memory index (``directory.DirectoryIndex``), for the service desk's matching engine:
    boolean facet columns and per-expert arrays (public, credentials_ok, open/max matters, available, rating,
    response_hours, institution), current as of the last change to the expert table."""
    return directory.get()
