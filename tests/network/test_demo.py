"""The network's demo data: service point profiles, institutions of every kind, a talent pool of 300+ experts
that covers the acceptance scenario, and a second run that creates nothing."""

import io

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.utils import timezone

from lawbridge.accounts.choices import OrganisationKind, ServicePointLevel
from lawbridge.accounts.models import Organisation, User
from lawbridge.core.city import city
from lawbridge.core.demo import build
from lawbridge.network import selectors
from lawbridge.network.choices import ExpertKind, InstitutionKind, ReviewStatus
from lawbridge.network.models import Credential, Expert, ExpertFacet, Institution, ServicePoint

pytestmark = pytest.mark.django_db

NETWORK_COUNTS = ("service point profiles", "institutions", "experts")


def snapshot():
    return (
        Expert.objects.count(),
        Institution.objects.count(),
        ServicePoint.objects.count(),
        Credential.objects.count(),
        ExpertFacet.objects.count(),
        LogEntry.objects.count(),
    )


def test_demo_builds_the_network_and_a_second_run_creates_nothing():
    call_command("demo", stdout=io.StringIO())

    # Every service point, park stations included, has a profile with coordinates, hours and services.
    points = Organisation.objects.filter(kind=OrganisationKind.SERVICE_POINT)
    parks = points.filter(service_point_level=ServicePointLevel.PARK_STATION)
    assert parks.count() == len(city()["park_stations"]) >= 4
    assert all(p.parent.district_code == p.district_code for p in parks)
    assert points.count() == ServicePoint.objects.count()
    for point in ServicePoint.objects.all():
        assert point.latitude is not None and point.longitude is not None, point
        assert 29 < point.latitude < 31 and 118 < point.longitude < 121, point
        assert point.opening_hours and point.services.exists() and point.address_zh and point.address_en

    verified = Expert.objects.filter(status=ReviewStatus.VERIFIED)
    assert verified.count() >= 300
    assert set(verified.values_list("kind", flat=True)) == set(ExpertKind.values)
    assert set(Institution.objects.filter(status=ReviewStatus.VERIFIED).values_list("kind", flat=True)) == set(
        InstitutionKind.values
    )
    assert Expert.objects.filter(status=ReviewStatus.PENDING).exists()
    assert Expert.objects.filter(status=ReviewStatus.REJECTED).exists()
    delta = set(verified.exclude(home_city="hangzhou").values_list("home_city", flat=True))
    assert {"shanghai", "nanjing", "suzhou", "ningbo", "hefei"} <= delta
    assert len(set(verified.values_list("district_code", flat=True)) - {""}) == len(city()["districts"])

    # Credentials: some about to expire (reminders), some lapsed (hidden from matching).
    assert selectors.expiring_credentials(days=30).filter(expires_on__gte=timezone.localdate()).count() >= 3
    lapsed = verified.filter(credentials_ok=False)
    assert 2 <= lapsed.count() <= 5
    assert not selectors.matchable_experts().filter(pk__in=lapsed.values("pk")).exists()

    # The acceptance scenario: a visitor finds a Japanese-speaking lawyer for Japanese contract law in Binjiang.
    page = selectors.expert_directory(
        user=AnonymousUser(),
        filters={
            "language": ["ja"],
            "practice_area": ["international-contracts"],
            "district": ["330108"],
            "kind": ["lawyer"],
        },
    )
    assert page.total >= 1
    assert all("JP" in expert.jurisdictions for expert in page.items[:3])

    # The demo lawyer sees their own profile.
    lawyer = User.objects.get(email="lawyer@lawbridge.example")
    assert lawyer.expert_profile.kind == ExpertKind.LAWYER
    assert lawyer.expert_profile.institution.organisation.slug == "demo-law-firm"

    before = snapshot()
    report = build()
    assert snapshot() == before
    assert not set(report.created) & set(NETWORK_COUNTS)
