"""Demo organisations (the 1+N service points from the city data, institutions, enterprises) and one user per role."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings

from lawbridge.core.city import city, localized

from . import services
from .choices import OrganisationKind, Role, ServicePointLevel
from .models import Membership, Organisation, User


def _organisation(report, *, slug, kind, names, **fields) -> Organisation:
    existing = Organisation.objects.filter(slug=slug).first()
    if existing:
        return existing
    organisation = services.organisation_create(
        actor=None,
        slug=slug,
        kind=kind,
        name=localized(names, "zh-hans"),
        name_en=localized(names, "en"),
        **fields,
    )
    report.count("organisations", True)
    return organisation


def build_service_points(report) -> None:
    data = city()
    center_data = data["center"]
    center = _organisation(
        report,
        slug=center_data["slug"],
        kind=OrganisationKind.SERVICE_POINT,
        names=center_data["name"],
        district_code=center_data["district_code"],
        service_point_level=ServicePointLevel.CENTER,
        is_verified=True,
    )
    prefix = center_data["slug"].split("-")[0]
    for district in data["districts"]:
        sub = {
            "zh-hans": localized(district["name"], "zh-hans") + "涉外法律服务分中心",
            "en": localized(district["name"], "en") + " Foreign-related Legal Service Sub-center",
        }
        _organisation(
            report,
            slug=f"{prefix}-sub-{district['code']}",
            kind=OrganisationKind.SERVICE_POINT,
            names=sub,
            district_code=district["code"],
            service_point_level=ServicePointLevel.SUBCENTER,
            parent=center,
            is_verified=True,
        )
    for station in data.get("workstations", []):
        parent = Organisation.objects.get(slug=f"{prefix}-sub-{station['district_code']}")
        _organisation(
            report,
            slug=station["slug"],
            kind=OrganisationKind.SERVICE_POINT,
            names=station["name"],
            district_code=station["district_code"],
            service_point_level=ServicePointLevel.WORKSTATION,
            parent=parent,
            is_verified=True,
        )
    # Park stations (Article 6: service clusters in industrial parks) report to their district's sub-center.
    for station in data.get("park_stations", []):
        parent = Organisation.objects.get(slug=f"{prefix}-sub-{station['district_code']}")
        _organisation(
            report,
            slug=station["slug"],
            kind=OrganisationKind.SERVICE_POINT,
            names=station["name"],
            district_code=station["district_code"],
            service_point_level=ServicePointLevel.PARK_STATION,
            parent=parent,
            is_verified=True,
        )


def build(data, report) -> None:
    build_service_points(report)
    for org in data["organisations"]:
        _organisation(
            report,
            slug=org["slug"],
            kind=org["kind"],
            names=org["name"],
            uscc=org.get("uscc", ""),
            district_code=org.get("district_code", ""),
            is_verified=org.get("verified", False),
        )
    for person in data["users"]:
        user = User.objects.filter(email=person["email"]).first()
        if user is None:
            user = User.objects.create_user(
                email=person["email"],
                password=settings.LAWBRIDGE_DEMO_PASSWORD,
                full_name=person["name"],
                language=person.get("language", settings.LANGUAGE_CODE),
                nationality=person.get("nationality", ""),
            )
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
            report.count("users", True)
        if person["role"]:
            organisation = Organisation.objects.get(slug=person["org"])
            if not Membership.objects.filter(user=user, organisation=organisation, role=person["role"]).exists():
                services.membership_grant(
                    actor=None, user=user, organisation=organisation, role=person["role"], notify=False
                )
                report.count("memberships", True)
        if user.needs_two_factor and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, data["totp_secret"])
            report.count("authenticators", True)
        label = Role(person["role"]).label if person["role"] else _individual_label()
        report.logins.append((label, user.email, "TOTP" if user.needs_two_factor else ""))


def _individual_label():
    from .choices import AccountType

    return AccountType.INDIVIDUAL.label
