"""API endpoints of the accounts app: who am I, organisations, members."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from lawbridge.core.pagination import Pagination

from . import selectors
from .models import Membership, Organisation

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    organisation: str
    organisation_name: str
    role: str

    @staticmethod
    def resolve_organisation(obj: Membership) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_organisation_name(obj: Membership) -> str:
        return obj.organisation.display_name()


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    name_latin: str
    nationality: str
    language: str
    account_type: str
    roles: list[str]
    two_factor_required: bool
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_nationality(obj) -> str:
        return obj.nationality.code or ""

    @staticmethod
    def resolve_roles(obj) -> list[str]:
        return sorted(obj.roles)

    @staticmethod
    def resolve_two_factor_required(obj) -> bool:
        return obj.needs_two_factor

    @staticmethod
    def resolve_memberships(obj) -> list[Membership]:
        return list(selectors.memberships_of(user=obj))


@router.get("/me", response=MeOut)
def me(request):
    return request.user


class OrganisationOut(Schema):
    slug: str
    kind: str
    name: str
    name_en: str
    uscc: str
    country: str
    district_code: str
    service_point_level: str
    parent: str | None
    is_verified: bool
    created_at: datetime

    @staticmethod
    def resolve_country(obj) -> str:
        return obj.country.code

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent.slug if obj.parent_id else None


@router.get("/organisations", response=list[OrganisationOut])
@paginate(Pagination)
def organisation_list(request, kind: str = "", q: str = ""):
    return selectors.organisation_list(user=request.user, kind=kind, query=q[:100])


@router.get("/organisations/{slug}", response=OrganisationOut)
def organisation_detail(request, slug: str):
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("accounts.view_organisation", organisation):
        raise PermissionDenied
    return organisation


class MemberOut(Schema):
    email: str
    full_name: str
    role: str

    @staticmethod
    def resolve_email(obj) -> str:
        return obj.user.email

    @staticmethod
    def resolve_full_name(obj) -> str:
        return obj.user.full_name


@router.get("/organisations/{slug}/members", response=list[MemberOut])
@paginate(Pagination)
def organisation_members(request, slug: str):
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("accounts.view_members", organisation):
        raise PermissionDenied
    return selectors.organisation_members(organisation=organisation)
