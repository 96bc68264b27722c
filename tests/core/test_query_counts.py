"""Pages do a fixed number of queries however much data they show (no N+1)."""

import pytest
from django.test import Client

from lawbridge.core.services import notification_send
from tests.factories import OrganisationFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("rows", [3, 30])
def test_pages_do_not_grow_their_query_count_with_data(rows, django_assert_max_num_queries):
    staff = make_user("center_staff")
    organisation = OrganisationFactory()
    for i in range(rows):
        make_user("enterprise_member", organisation=organisation)
        OrganisationFactory(parent=organisation, kind="enterprise")
        notification_send(user=staff, kind="core.announcement", title=f"notice {i}")
    client = Client()
    client.force_login(staff)
    # The dashboard also draws each app's figures (a few grouped counts each), so it has a larger fixed budget.
    budgets = {"/dashboard/": 22, f"/me/organisations/{organisation.slug}/": 15, "/me/organisations/": 15,
               "/notifications/": 15}  # fmt: skip
    for path, budget in budgets.items():
        with django_assert_max_num_queries(budget):
            assert client.get(path).status_code == 200


@pytest.mark.parametrize("rows", [3, 30])
def test_network_pages_do_not_grow_their_query_count_with_data(rows, django_assert_max_num_queries):
    from tests.factories import make_expert, make_institution

    institution = make_institution()
    experts = [
        make_expert(institution=institution, languages=[("ja", "fluent"), ("en", "native")]) for _ in range(rows)
    ]
    client = Client()
    pages = (
        "/network/experts/",
        "/network/experts/?language=ja&kind=lawyer",
        "/network/institutions/",
        f"/network/institutions/{institution.organisation.slug}/",
        f"/network/experts/{experts[0].public_id}/",
        "/api/v1/network/experts?language=ja",
        "/api/v1/network/institutions",
    )
    for path in pages:
        with django_assert_max_num_queries(25):
            assert client.get(path).status_code == 200, path
