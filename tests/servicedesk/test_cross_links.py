"""Another part opens a request from one of its objects; both sides link to each other."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from lawbridge.accounts.choices import OrganisationKind, ServicePointLevel
from lawbridge.servicedesk import selectors, services
from tests.factories import OrganisationFactory, make_expert, make_user

pytestmark = pytest.mark.django_db


def test_request_create_from_links_both_ways(client):
    OrganisationFactory(kind=OrganisationKind.SERVICE_POINT, service_point_level=ServicePointLevel.CENTER, uscc="")
    source = make_expert()  # stands for any object of another part, e.g. a risk alert
    requester = make_user(None, language="en")
    request = services.request_create_from(
        source=source, requester=requester, title="Follow-up", description="From a monitoring alert",
        need="asset_freeze", countries=["US"],
    )  # fmt: skip
    assert request.source == source and request.source_label == str(source)
    assert list(selectors.requests_from(source)) == [request]

    client.force_login(requester)
    page = client.get(f"/desk/requests/{request.number}/").content.decode()
    assert "Opened from" in page and f'href="/network/experts/{source.public_id}/"' in page

    html = Template("{% load servicedesk %}{% related_requests source %}")
    web = RequestFactory().get("/")
    web.user = requester
    assert request.number in html.render(Context({"source": source, "request": web}))
    web.user = make_user(None)  # someone who may not see the request sees nothing
    assert request.number not in html.render(Context({"source": source, "request": web}))
