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
    for path in ("/dashboard/", f"/me/organisations/{organisation.slug}/", "/me/organisations/", "/notifications/"):
        with django_assert_max_num_queries(15):
            assert client.get(path).status_code == 200
