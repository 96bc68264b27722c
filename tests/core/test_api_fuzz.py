"""Whatever a client puts in the query string, the API answers with its JSON error format, never a 500."""

from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_user

pytestmark = pytest.mark.django_db

ENDPOINTS = ["/api/v1/organisations", "/api/v1/notifications", "/api/v1/me", "/api/v1/organisations/x/members"]
values = st.one_of(st.text(max_size=300), st.integers().map(str), st.sampled_from(["", "-1", "0", "1e9", "null"]))
params = st.dictionaries(st.sampled_from(["q", "kind", "page", "page_size", "unread", "x"]), values, max_size=4)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(endpoint=st.sampled_from(ENDPOINTS), query=params)
def test_query_strings_never_break_the_api(endpoint, query):
    client = Client()
    client.force_login(make_user("enterprise_member"))
    response = client.get(endpoint + "?" + urlencode(query))
    assert response.status_code < 500, (endpoint, query, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    if response.status_code >= 400:
        assert set(response.json()["error"]) >= {"code", "message"}


PUBLIC_ENDPOINTS = [
    "/api/v1/network/experts",
    "/api/v1/network/institutions",
    "/api/v1/network/service-points",
    "/api/v1/network/shared-experts",
    "/api/v1/delivery/log/proof/inclusion",
    "/api/v1/delivery/log/proof/consistency",
    "/api/v1/delivery/log/entries",
]
public_params = st.dictionaries(
    st.sampled_from(
        [
            "q",
            "kind",
            "language",
            "page",
            "page_size",
            "cursor",
            "updated_since",
            "index",
            "tree_size",
            "old_size",
            "new_size",
            "start",
            "end",
            "district",
        ]
    ),  # fmt: skip
    values,
    max_size=4,
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(endpoint=st.sampled_from(PUBLIC_ENDPOINTS), query=public_params)
def test_query_strings_never_break_the_public_api(endpoint, query):
    from lawbridge.delivery import log

    if not log.size():
        log.append_many([("test.entry", f"entry {i}".encode()) for i in range(5)], checkpoint=True)
    response = Client().get(endpoint + "?" + urlencode(query))
    assert response.status_code < 500, (endpoint, query, response.content[:300])
    if response.status_code >= 400:
        assert set(response.json()["error"]) >= {"code", "message"}
