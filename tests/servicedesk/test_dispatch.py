"""The center's daily dispatch: a plan at least as good as greedy, offers sent as planned, center staff only."""

import pytest

from lawbridge.accounts.choices import OrganisationKind, ServicePointLevel
from lawbridge.servicedesk import dispatch, services
from lawbridge.servicedesk.choices import OfferStatus, Status
from tests.factories import OrganisationFactory, make_expert, make_institution, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    center = OrganisationFactory(
        kind=OrganisationKind.SERVICE_POINT,
        service_point_level=ServicePointLevel.CENTER,
        uscc="",
        district_code="330106",
    )
    officer = make_user("center_staff", organisation=center)
    requester = make_user(None)
    firm = make_institution()
    # A speaks Japanese and German, B only German, one matter each: greedy hands the German request (first in
    # line, a tie) to A and leaves B, who speaks no Japanese, for the Japanese one; the plan gives each its own.
    a = make_expert(
        institution=firm, name="甲", languages=[("ja", "fluent"), ("de", "fluent")], jurisdictions=["JP", "DE"],
        practice_areas=["international-contracts"], max_matters=1,
    )  # fmt: skip
    b = make_expert(
        institution=firm, name="乙", languages=[("de", "fluent")], jurisdictions=["DE"],
        practice_areas=["international-contracts"], max_matters=1,
    )  # fmt: skip
    made = []
    for countries, languages in ((["DE"], ["de"]), (["JP"], ["ja"])):
        request = services.request_create(
            requester=requester, title=f"Contract {countries[0]}", description="…", need="contract_review",
            countries=countries, languages=languages, service_point=center,
        )  # fmt: skip
        made.append(services.request_accept(actor=officer, request=request))
    return officer, made, a, b


def test_the_plan_is_never_worse_than_greedy_and_sends_offers(setting):
    officer, (german, japanese), a, b = setting
    plan = dispatch.plan(actor=officer, institution_cap=5)
    assert plan.total > plan.greedy_total + 0.3
    planned = {row.request.pk: row.optimal for row in plan.rows}
    assert planned[japanese.pk] == a and planned[german.pk] == b  # each to the one who fits it, capacities kept
    sent = dispatch.send(actor=officer, assignments={r: e.pk for r, e in planned.items()})
    assert sent == 2
    german.refresh_from_db()
    assert german.status == Status.OFFERED
    assert german.offers.get().expert == b and german.offers.get().status == OfferStatus.SENT
    assert list(dispatch.waiting_requests()) == []


def test_only_the_center_and_platform_admins_dispatch(setting, client):
    officer, *_rest = setting
    for role, allowed in (("center_staff", True), ("platform_admin", True), ("subcenter_staff", False),
                          ("lawyer", False), ("supervisor", False)):  # fmt: skip
        assert make_user(role).has_perm("servicedesk.dispatch") is allowed, role
    client.force_login(officer)
    assert client.get("/desk/dispatch/").status_code == 200
    client.force_login(make_user("subcenter_staff"))
    assert client.get("/desk/dispatch/").status_code == 403


def test_each_ranking_shown_to_staff_is_kept_with_its_exclusions(setting):
    from lawbridge.servicedesk.models import MatchRun

    officer, (german, _japanese), a, b = setting
    ranking = services.matches_for(actor=officer, request=german)
    run = MatchRun.objects.get(request=german)
    assert run.run_by == officer and run.candidates == ranking.candidates
    assert [row["expert"] for row in run.ranking] == [m.expert_id for m in ranking.items]
    assert set(run.ranking[0]["parts"]) == {p.name for p in ranking.items[0].parts}


def test_a_self_service_requester_chooses_the_provider_after_staff_accept(setting, client):
    officer, _requests, a, b = setting
    requester = make_user(None, language="en")
    request = services.request_create(
        requester=requester, title="Contract in Germany", description="…", need="contract_review",
        countries=["DE"], languages=["de"], service_point=officer.memberships.get().organisation, self_service=True,
    )  # fmt: skip
    assert requester.has_perm("servicedesk.match_request", request)  # the rule; the list waits for acceptance
    client.force_login(requester)
    page = client.get(f"/desk/requests/{request.number}/").content.decode()
    assert "match-table" not in page  # not before staff accept it
    request = services.request_accept(actor=officer, request=request)
    page = client.get(f"/desk/requests/{request.number}/").content.decode()
    assert "match-table" in page and "Left out" not in page  # the ranked list, without staff-only exclusions
    (offer,) = services.offers_send(actor=requester, request=request, experts=[b])
    assert offer.sent_by == requester
    other = make_user(None)
    assert not other.has_perm("servicedesk.match_request", request)
    ordinary = services.request_create(
        requester=requester, title="Staff choose", description="…", need="contract_review", countries=["DE"],
        service_point=officer.memberships.get().organisation,
    )  # fmt: skip
    assert not requester.has_perm("servicedesk.match_request", ordinary)


def test_expired_offers_are_rematched_to_the_next_provider(setting):
    import time_machine

    officer, (german, _japanese), a, b = setting
    (offer,) = services.offers_send(actor=officer, request=german, experts=[a])
    from datetime import timedelta

    later = offer.expires_at + timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert services.offers_expire() == {"expired": 1, "rematched": 1}
        assert services.offers_expire() == {"expired": 0, "rematched": 0}  # once
    offer.refresh_from_db()
    assert offer.status == OfferStatus.EXPIRED
    (fresh,) = german.offers.filter(status=OfferStatus.SENT)
    assert fresh.expert == b  # the next best, not the one who let it lapse
    german.refresh_from_db()
    assert german.status == Status.OFFERED
    with time_machine.travel(fresh.expires_at + timedelta(minutes=1), tick=False):
        assert services.offers_expire() == {"expired": 1, "rematched": 0}  # nobody left: back to staff
    german.refresh_from_db()
    assert german.status == Status.ACCEPTED
