"""Sharing experts between Delta cities: the feed this city publishes, and pulling another city's feed.

The pull is exercised against this same instance's feed through an httpx transport that hands each request
to Django's test client, and against hand-made answers for a peer that misbehaves.
"""

import json
from datetime import date, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lawbridge.network import selectors, services, sharing, sharing_tasks
from lawbridge.network.choices import ReviewStatus
from lawbridge.network.models import Credential, Expert, Peer
from tests.factories import make_expert

pytestmark = pytest.mark.django_db
FEED = "/api/v1/network/shared-experts"


@pytest.fixture(autouse=True)
def _no_backoff(monkeypatch):
    monkeypatch.setattr(sharing, "_sleep", lambda seconds: None)


def shared(**fields):
    expert = make_expert(is_shared=True, **fields)
    return Expert.objects.get(pk=expert.pk)


def get(url: str, **params):
    return Client().get(url, params)


def feed_pages(**params) -> list[dict]:
    """Every page of the feed, following ``next``."""
    pages, response = [], get(FEED, **params)
    while True:
        assert response.status_code == 200, response.content
        pages.append(response.json())
        if not pages[-1]["next"]:
            return pages
        response = Client().get(pages[-1]["next"])


class LocalFeed(httpx.BaseTransport):
    """Hands httpx requests to Django's test client: a peer that is this very instance."""

    def __init__(self):
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        response = Client().get(request.url.path + ("?" + request.url.query.decode() if request.url.query else ""))
        return httpx.Response(response.status_code, content=response.content, headers=dict(response.items()))


@pytest.fixture
def peer():
    return Peer.objects.create(
        name="self", feed_url="http://testserver" + FEED, city_name={"zh-hans": "杭州市", "en": "Hangzhou"}
    )


def copies(peer):
    return Expert.objects.filter(source=peer)


# -- the feed ----------------------------------------------------------------------------------------------


def test_feed_lists_shared_verified_local_experts_without_private_fields():
    one = shared(
        name="张伟",
        name_latin="Zhang Wei",
        phone="+86 571 0000 0000",
        email="zhang@example.org",
        fee_min="800",
        fee_max="1500.5",
        bios={"en": "Contracts.", "zh-hans": "合同。"},
        industries=[],
        years_of_practice=12,
    )
    make_expert()  # not shared
    shared(status=ReviewStatus.PENDING)  # shared but not verified
    body = get(FEED).json()
    assert body["city"] == {"code": "hangzhou", "name": {"zh-hans": "杭州市", "en": "Hangzhou"}}
    assert body["next"] is None and body["cursor"]
    assert [item["id"] for item in body["items"]] == [str(one.public_id)]
    item = body["items"][0]
    assert item["name"] == "张伟" and item["name_latin"] == "Zhang Wei"
    assert item["institution"] == {"zh-hans": one.institution.organisation.name, "en": one.institution.name("en")}
    assert item["district"]["code"] == "330108" and item["district"]["name"]["en"]
    assert item["practice_areas"] == ["international-contracts"]
    assert item["languages"] == [{"code": "en", "level": "fluent"}, {"code": "zh", "level": "native"}]
    assert item["fees"] == {"min": "800.00", "max": "1500.50", "currency": "CNY", "basis": "hourly"}
    assert item["credentials_ok"] is True and item["years_of_practice"] == 12
    assert item["credentials"] == [
        {"kind": "practising_licence", "issuer": "浙江省司法厅", "expires_on": one.credentials_expire_on.isoformat()}
    ]
    assert item["profile_url"] == f"http://testserver/network/experts/{one.public_id}/"
    text = json.dumps(body, ensure_ascii=False)
    assert "zhang@example.org" not in text and "0000 0000" not in text
    assert one.credentials.get().number not in text
    assert "max_matters" not in item and "open_matters" not in item and "phone" not in item


def test_feed_never_reshares_pulled_experts(peer):
    local = shared()
    Expert.objects.create(
        kind="lawyer", name="外地专家", source=peer, external_id=local.public_id, is_shared=True, status="verified"
    )
    assert [i["id"] for i in get(FEED).json()["items"]] == [str(local.public_id)]


def test_feed_pages_by_cursor_in_order_of_change():
    experts = [shared() for _ in range(5)]
    pages = feed_pages(page_size=2)
    assert [len(p["items"]) for p in pages] == [2, 2, 1]
    ids = [i["id"] for p in pages for i in p["items"]]
    assert ids == [str(e.public_id) for e in sorted(experts, key=lambda e: (e.updated_at, e.pk))]
    query = parse_qs(urlsplit(pages[0]["next"]).query)
    assert query["page_size"] == ["2"] and query["cursor"] == [pages[0]["cursor"]]
    # A change moves the expert to the end; the last cursor then finds just that change.
    services.expert_update(actor=None, expert=experts[0], name_latin="Renamed")
    later = get(FEED, cursor=pages[-1]["cursor"]).json()
    assert [i["id"] for i in later["items"]] == [str(experts[0].public_id)]


def test_feed_keeps_paging_stable_when_timestamps_tie():
    experts = [shared() for _ in range(4)]
    same = timezone.now()
    Expert.objects.filter(pk__in=[e.pk for e in experts]).update(updated_at=same)
    ids = [i["id"] for p in feed_pages(page_size=1) for i in p["items"]]
    assert ids == [str(e.public_id) for e in sorted(experts, key=lambda e: e.pk)]


def test_updated_since_gives_changes_and_withdrawals():
    old, unchanged, leaving, rejected = shared(), shared(), shared(), shared()
    never = make_expert()  # never shared: not even a tombstone
    since = timezone.now()
    services.expert_update(actor=None, expert=old, name_latin="Changed")
    services.expert_update(actor=None, expert=leaving, is_shared=False)
    Expert.objects.filter(pk=rejected.pk).update(status=ReviewStatus.REJECTED)
    services.expert_refresh(rejected)
    services.expert_update(actor=None, expert=never, name_latin="Still private")
    items = get(FEED, updated_since=sharing.iso(since)).json()["items"]
    assert [i["id"] for i in items] == [str(old.public_id), str(leaving.public_id), str(rejected.public_id)]
    assert items[0]["name_latin"] == "Changed" and "withdrawn" not in items[0]
    assert items[1] == {"id": str(leaving.public_id), "updated_at": items[1]["updated_at"], "withdrawn": True}
    assert items[2]["withdrawn"] is True
    assert str(unchanged.public_id) not in json.dumps(items)
    # Without updated_since there are no tombstones: the full list is the truth.
    assert {i["id"] for i in get(FEED).json()["items"]} == {str(old.public_id), str(unchanged.public_id)}


def test_updated_since_accepts_offsets_and_an_unescaped_plus():
    expert = shared()
    local = timezone.localtime(expert.updated_at - timedelta(seconds=1)).isoformat()  # +08:00
    assert len(get(FEED, updated_since=local).json()["items"]) == 1
    assert len(Client().get(FEED + "?updated_since=" + local).json()["items"]) == 1  # "+" arrives as a space
    future = (timezone.now() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S")  # no offset: UTC
    assert get(FEED, updated_since=future).json()["items"] == []


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"updated_since": "yesterday"}, 400, "invalid_updated_since"),
        ({"updated_since": "2026-13-45T99:00:00Z"}, 400, "invalid_updated_since"),
        ({"cursor": "not-a-cursor!"}, 400, "invalid_cursor"),
        ({"cursor": sharing.encode_cursor(timezone.now(), 1)[:-3]}, 400, "invalid_cursor"),
        ({"page_size": "0"}, 422, "invalid_input"),
        ({"page_size": "501"}, 422, "invalid_input"),
        ({"page_size": "many"}, 422, "invalid_input"),
    ],
)
def test_bad_parameters_get_the_api_error_format(params, status, code):
    response = get(FEED, **params)
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    assert error["fields"]


def test_feed_is_public_and_in_the_api_docs():
    response = Client().get(FEED, HTTP_AUTHORIZATION="Bearer whatever")
    assert response.status_code == 200
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/network/shared-experts" in schema["paths"]


def test_feed_query_count_does_not_grow_with_the_page(django_assert_max_num_queries):
    for _ in range(6):
        shared(industries=[])
    with django_assert_max_num_queries(8):
        assert len(get(FEED).json()["items"]) == 6


# -- pulling -----------------------------------------------------------------------------------------------


def test_pull_creates_read_only_copies_with_the_source_city(peer, monkeypatch):
    monkeypatch.setattr(sharing, "PULL_PAGE_SIZE", 2)
    experts = [shared(languages=[("ja", "fluent")], jurisdictions=["JP"]) for _ in range(3)]
    transport = LocalFeed()
    result = sharing.pull(peer, transport=transport)
    assert result == {
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "withdrawn": 0,
        "skipped": 0,
        "pages": 2,
        "unknown_codes": [],
        "error": None,
    }
    copy = copies(peer).get(external_id=experts[0].public_id)
    assert copy.status == ReviewStatus.VERIFIED and copy.is_external and not copy.is_shared
    assert copy.name == experts[0].name and copy.institution_id is None
    assert copy.institution_name("en") == experts[0].institution.name("en")
    assert copy.external_url.endswith(f"/network/experts/{experts[0].public_id}/")
    assert copy.external_updated_at == experts[0].updated_at
    assert copy.credentials_ok and copy.credentials_expire_on == experts[0].credentials_expire_on
    credential = copy.credentials.get()
    assert credential.is_external and credential.number == sharing.EXTERNAL_CREDENTIAL_NUMBER
    assert copy.source.city("en") == "Hangzhou"
    assert not copy.district_code
    user = AnonymousUser()
    assert not user.has_perm("network.change_expert", copy)
    page = selectors.expert_directory(user=user, filters={"language": ["ja"], "jurisdiction": ["JP"]})
    assert page.total == 6  # the three originals and their three copies
    assert selectors.expert_directory(user=user, filters={"language": ["ja"]}, include_external=False).total == 3
    peer.refresh_from_db()
    assert peer.cursor == sharing.iso(max(e.updated_at for e in experts))
    assert peer.last_error == "" and peer.last_result["created"] == 3 and peer.last_pulled_at
    assert "Authorization" not in transport.requests[0].headers


def test_pull_again_applies_updates_and_removals_and_is_idempotent(peer):
    keep, change, leave = shared(), shared(), shared()
    sharing.pull(peer, transport=LocalFeed())
    assert sharing.pull(peer, transport=LocalFeed())["unchanged"] == 3  # the overlap re-sends them; nothing moves
    services.expert_update(
        actor=None, expert=change, name="新名字", practice_areas=["trademarks"], languages=[("de", "basic")]
    )
    services.expert_update(actor=None, expert=leave, is_shared=False)
    transport = LocalFeed()
    result = sharing.pull(peer, transport=transport)
    assert "updated_since" in str(transport.requests[0].url)
    assert (result["created"], result["updated"], result["withdrawn"], result["error"]) == (0, 1, 1, None)
    copy = copies(peer).get(external_id=change.public_id)
    assert copy.name == "新名字"
    assert list(copy.practice_areas.values_list("code", flat=True)) == ["trademarks"]
    assert list(copy.languages.values_list("code", "level")) == [("de", "basic")]
    assert copy.facets.filter(facet="language", value="de").exists()
    assert not copies(peer).filter(external_id=leave.public_id).exists()
    assert copies(peer).filter(external_id=keep.public_id).exists()
    again = sharing.pull(peer, transport=LocalFeed())
    assert (again["created"], again["updated"], again["withdrawn"]) == (0, 0, 0)
    # Shared again: back it comes.
    services.expert_update(actor=None, expert=leave, is_shared=True)
    assert sharing.pull(peer, transport=LocalFeed())["created"] == 1


def test_full_pull_withdraws_what_the_peer_no_longer_lists(peer):
    one, two = shared(), shared()
    sharing.pull(peer, transport=LocalFeed())
    # The peer lost track of the change (no tombstone: the flag was cleared by hand).
    Expert.objects.filter(pk=two.pk).update(is_shared=False, was_shared=False)
    result = sharing.pull(peer, full=True, transport=LocalFeed())
    assert result["withdrawn"] == 1 and result["unchanged"] == 1
    assert list(copies(peer).values_list("external_id", flat=True)) == [one.public_id]


def test_withdrawn_copy_that_something_refers_to_is_kept_as_a_draft(peer, monkeypatch):
    expert = shared()
    sharing.pull(peer, transport=LocalFeed())
    copy = copies(peer).get()

    def refuse():
        from django.db.models import ProtectedError

        raise ProtectedError("referenced by a match offer", set())

    monkeypatch.setattr(Expert, "delete", lambda self, *a, **k: refuse())
    services.expert_update(actor=None, expert=expert, is_shared=False)
    assert sharing.pull(peer, transport=LocalFeed())["withdrawn"] == 1
    copy.refresh_from_db()
    assert copy.status == ReviewStatus.DRAFT
    listed = selectors.expert_directory(user=AnonymousUser()).items
    assert copy.pk not in [e.pk for e in listed]


def feed_body(items, **extra):
    return {
        "version": 1,
        "city": {"code": "ningbo", "name": {"zh-hans": "宁波市", "en": "Ningbo"}},
        "generated_at": sharing.iso(timezone.now()),
        "items": items,
        "next": None,
        "cursor": "x",
        **extra,
    }


def item(**fields):
    values = {
        "id": "6d3f1b8e-2c4a-4f7e-9b1d-0a5c6e7f8a9b",
        "updated_at": "2026-01-31T08:00:00.000001Z",
        "kind": "arbitrator",
        "name": "王芳",
        "name_latin": "Wang Fang",
        "institution": {"zh-hans": "宁波仲裁委员会", "en": "Ningbo Arbitration Commission"},
        "home_city": "ningbo",
        "practice_areas": ["international-contracts", "no-such-area"],
        "industries": ["no-such-industry"],
        "jurisdictions": ["CN", "XX", "hk"],
        "languages": [{"code": "en", "level": "fluent"}, {"code": "zz-bad", "level": "fluent"}],
        "credentials": [{"kind": "arbitrator_appointment", "issuer": "宁波仲裁委员会", "expires_on": "2099-01-01"}],
        "fees": {"min": "1e400", "max": "2000", "currency": "cny", "basis": "per_matter"},
        "rating_average": 4.5,
        "profile_url": "https://ningbo.example/network/experts/6d3f1b8e-2c4a-4f7e-9b1d-0a5c6e7f8a9b/",
    }
    values.update(fields)
    return values


def answering(*responses):
    """A transport answering each request with the next response (the last one repeats)."""
    calls = []

    def handler(request):
        calls.append(request)
        answer = responses[min(len(calls), len(responses)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer

    transport = httpx.MockTransport(handler)
    transport.calls = calls
    return transport


def test_pull_maps_codes_and_ignores_what_it_does_not_know():
    peer = Peer.objects.create(
        name="ningbo", feed_url="https://ningbo.example/api/v1/network/shared-experts", token="t0k"
    )
    transport = answering(httpx.Response(200, json=feed_body([item()])))
    result = sharing.pull(peer, transport=transport)
    assert result["created"] == 1 and result["error"] is None
    assert result["unknown_codes"] == ["industry:no-such-industry", "practice_area:no-such-area"]
    assert transport.calls[0].headers["Authorization"] == "Bearer t0k"
    copy = copies(peer).get()
    assert copy.home_city == "ningbo" and copy.jurisdictions == ["CN", "HK"]
    assert list(copy.languages.values_list("code", flat=True)) == ["en"]
    assert copy.fee_min is None and str(copy.fee_max) == "2000.00" and copy.fee_currency == "CNY"
    assert copy.credentials.get().expires_on == date(2099, 1, 1)
    peer.refresh_from_db()
    assert peer.city_name == {"zh-hans": "宁波市", "en": "Ningbo"}  # learnt from the feed
    page = selectors.expert_directory(user=AnonymousUser(), filters={"city": ["ningbo"]}, q="wang fang")
    assert [e.pk for e in page.items] == [copy.pk]


def test_pull_skips_items_of_an_unknown_kind():
    peer = Peer.objects.create(name="ningbo", feed_url="https://ningbo.example/feed")
    result = sharing.pull(peer, transport=answering(httpx.Response(200, json=feed_body([item(kind="astrologer")]))))
    assert result["skipped"] == 1 and result["created"] == 0 and result["error"] is None


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (httpx.Response(500, text="boom"), "answered 500"),
        (httpx.Response(404, text="nope"), "answered 404"),
        (httpx.Response(401, json={"error": {}}), "check the token"),
        (httpx.Response(200, text="<html>maintenance</html>"), "did not answer with JSON"),
        (httpx.Response(200, json=[1, 2]), "not answer with a shared-experts feed"),
        (httpx.Response(200, json={"items": "none"}), "not answer with a shared-experts feed"),
        (httpx.Response(200, json=feed_body(["text"])), "not an object"),
        (httpx.Response(200, json=feed_body([item(id="nope")])), "no valid id"),
        (httpx.Response(200, json=feed_body([item(updated_at="soon")])), "no valid updated_at"),
        (httpx.Response(200, json=feed_body([item()], next="https://other.example/x", cursor="")), "no cursor"),
        (httpx.ConnectError("refused"), "could not reach"),
        (httpx.ReadTimeout("slow"), "could not reach"),
    ],
)
def test_bad_peer_answers_are_recorded_not_raised(answer, message):
    peer = Peer.objects.create(name="ningbo", feed_url="https://ningbo.example/feed", cursor="")
    transport = answering(answer)
    result = sharing.pull(peer, transport=transport)
    assert message in result["error"]
    peer.refresh_from_db()
    assert message in peer.last_error and peer.last_result["error"] == result["error"]
    assert peer.cursor == ""
    if isinstance(answer, Exception) or answer.status_code >= 500:
        assert len(transport.calls) == sharing.TRIES


def test_a_passing_glitch_is_retried():
    peer = Peer.objects.create(name="ningbo", feed_url="https://ningbo.example/feed")
    transport = answering(
        httpx.ConnectError("refused"), httpx.Response(503), httpx.Response(200, json=feed_body([item()]))
    )
    assert sharing.pull(peer, transport=transport)["created"] == 1
    assert len(transport.calls) == 3


def test_pages_before_a_failure_stay_and_the_next_pull_resumes():
    peer = Peer.objects.create(name="ningbo", feed_url="https://ningbo.example/feed", cursor="2026-01-01T00:00:00Z")
    first = feed_body([item()], next="https://ningbo.example/feed?cursor=c2", cursor="c2")
    transport = answering(httpx.Response(200, json=first), httpx.Response(500))
    result = sharing.pull(peer, transport=transport)
    assert result["created"] == 1 and "answered 500" in result["error"]
    peer.refresh_from_db()
    assert peer.cursor == "2026-01-31T08:00:00.000001Z"


def test_next_on_another_site_is_not_followed_with_the_token():
    peer = Peer.objects.create(name="ningbo", feed_url="https://ningbo.example/feed", token="secret")
    first = feed_body([item()], next="https://evil.example/steal", cursor="c2")
    transport = answering(httpx.Response(200, json=first), httpx.Response(200, json=feed_body([])))
    assert sharing.pull(peer, transport=transport)["error"] is None
    second = transport.calls[1].url
    assert second.host == "ningbo.example" and parse_qs(second.query.decode())["cursor"] == ["c2"]


def test_a_feed_that_loops_is_stopped():
    peer = Peer.objects.create(name="ningbo", feed_url="https://ningbo.example/feed")
    looping = feed_body([item()], next="https://ningbo.example/feed?cursor=same", cursor="same")
    result = sharing.pull(peer, transport=answering(httpx.Response(200, json=looping)))
    assert "same page" in result["error"]


def test_an_unexpected_failure_is_recorded_too(monkeypatch):
    peer = Peer.objects.create(name="ningbo", feed_url="https://ningbo.example/feed")
    monkeypatch.setattr(sharing.services, "expert_refresh", lambda expert: 1 / 0)
    result = sharing.pull(peer, transport=answering(httpx.Response(200, json=feed_body([item()]))))
    assert "ZeroDivisionError" in result["error"]
    assert not copies(peer).exists()  # the page was rolled back


# -- the command and the periodic task ---------------------------------------------------------------------


def test_peer_add_command_upserts(capsys):
    call_command("network", "peer-add", "ningbo", "https://ningbo.example/feed", "--city-en", "Ningbo", "--token", "a")
    call_command("network", "peer-add", "ningbo", "https://nb.example/feed", "--city-zh", "宁波市")
    peer = Peer.objects.get(name="ningbo")
    assert peer.feed_url == "https://nb.example/feed" and peer.token == "a"
    assert peer.city_name == {"zh-hans": "宁波市"}
    with pytest.raises(CommandError, match="feed_url"):
        call_command("network", "peer-add", "bad", "not a url")
    assert not Peer.objects.filter(name="bad").exists()


def local_pulls(monkeypatch):
    """Pulls from the peer named "self" go to this instance's feed; the others go out on the network."""
    real_pull = sharing.pull

    def pull(p, *, full=False):
        return real_pull(p, full=full, transport=LocalFeed() if p.name == "self" else None)

    monkeypatch.setattr(sharing, "pull", pull)


def test_pull_command_prints_a_summary_and_fails_clearly(peer, capsys, monkeypatch):
    shared()
    local_pulls(monkeypatch)
    call_command("network", "pull", "self")
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["peer"] == "self" and line["created"] == 1 and line["error"] is None
    Peer.objects.create(name="down", feed_url="http://127.0.0.1:9/feed")
    with pytest.raises(CommandError, match="down: could not reach"):
        call_command("network", "pull", "down")
    with pytest.raises(CommandError, match="Unknown peers: nowhere"):
        call_command("network", "pull", "nowhere")


def test_periodic_task_pulls_every_active_peer_and_survives_a_failing_one(peer, monkeypatch):
    shared()
    Peer.objects.create(name="down", feed_url="http://127.0.0.1:9/feed")
    Peer.objects.create(name="paused", feed_url="http://127.0.0.1:9/feed", is_active=False)
    local_pulls(monkeypatch)
    results = sharing_tasks.pull_shared_experts.call()
    assert set(results) == {"down", "self"}
    assert results["self"]["created"] == 1 and "could not reach" in results["down"]["error"]
    from lawbridge.core import schedule

    assert "network.pull_shared_experts" in {job.name for job in schedule.jobs()}


def test_credential_numbers_of_copies_never_clash(peer):
    shared()
    shared()
    sharing.pull(peer, transport=LocalFeed())
    assert Credential.objects.filter(is_external=True, number=sharing.EXTERNAL_CREDENTIAL_NUMBER).count() == 2


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    query=st.dictionaries(
        st.sampled_from(["updated_since", "cursor", "page_size", "x"]),
        st.one_of(st.text(max_size=80), st.integers().map(str), st.sampled_from(["", "-1", "0", "1e9", "null"])),
        max_size=3,
    )
)
def test_query_strings_never_break_the_feed(query):
    response = Client().get(FEED + "?" + urlencode(query))
    assert response.status_code in (200, 400, 422), (query, response.content[:300])
    if response.status_code != 200:
        assert set(response.json()["error"]) >= {"code", "message"}
