"""`lawbridge demo` builds the city from data files, one user per role, and is idempotent."""

import io

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command

from lawbridge.accounts.choices import OrganisationKind, Role, ServicePointLevel
from lawbridge.accounts.models import Membership, Organisation, User
from lawbridge.core.city import city

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(Organisation.objects.values_list("slug", "kind", "name", "is_verified", "parent__slug")),
        sorted(User.objects.values_list("email", "full_name", "password", "language")),
        sorted(Membership.objects.values_list("user__email", "organisation__slug", "role")),
        LogEntry.objects.count(),
    )


def test_demo_builds_the_1_plus_n_network_and_a_user_for_every_role():
    out = io.StringIO()
    call_command("demo", stdout=out)
    districts = city()["districts"]
    points = Organisation.objects.filter(kind=OrganisationKind.SERVICE_POINT)
    assert points.filter(service_point_level=ServicePointLevel.CENTER).count() == 1
    subs = points.filter(service_point_level=ServicePointLevel.SUBCENTER)
    assert sorted(subs.values_list("district_code", flat=True)) == sorted(d["code"] for d in districts)
    assert len(districts) == 13
    assert points.filter(service_point_level=ServicePointLevel.WORKSTATION).count() >= 3
    assert all(sub.parent.service_point_level == ServicePointLevel.CENTER for sub in subs)
    held = set(Membership.objects.values_list("role", flat=True))
    assert held == {r.value for r in Role}
    assert User.objects.filter(memberships__isnull=True).exists()  # the individual
    text = out.getvalue()
    assert "admin@lawbridge.example" in text and "individual@lawbridge.example" in text


def test_demo_twice_changes_nothing():
    call_command("demo", stdout=io.StringIO())
    before = snapshot()
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert snapshot() == before
    assert "nothing new" in out.getvalue()


def test_demo_totp_prints_a_six_digit_code():
    out = io.StringIO()
    call_command("demo", totp=True, stdout=out)
    assert out.getvalue().strip().isdigit() and len(out.getvalue().strip()) == 6


def test_demo_accounts_have_the_type_of_their_role():
    call_command("demo", stdout=io.StringIO())
    types = dict(User.objects.values_list("email", "account_type"))
    assert types["individual@lawbridge.example"] == "individual"
    assert types["enterprise.member@lawbridge.example"] == "enterprise"
    assert types["lawyer@lawbridge.example"] == "staff"
