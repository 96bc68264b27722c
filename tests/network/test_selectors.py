"""Reads of the network: the directory (text search, facets and their counts), who sees what, matching pools and
the verification queue."""

import uuid
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from lawbridge.accounts.choices import OrganisationKind, Role, ServicePointLevel
from lawbridge.network import selectors, services
from lawbridge.network.choices import Availability, ReviewStatus
from lawbridge.network.models import Expert, Peer
from tests.factories import ALL_ROLES, OrganisationFactory, make_expert, make_institution, make_user

pytestmark = pytest.mark.django_db


def ids(page_or_queryset) -> set[int]:
    items = page_or_queryset.items if hasattr(page_or_queryset, "items") else page_or_queryset
    return {e.pk for e in items}


def counts(page, facet: str) -> dict[str, int]:
    return {v.value: v.count for v in next(f for f in page.facets if f.name == facet).values}


def directory(**kwargs):
    return selectors.expert_directory(user=AnonymousUser(), **kwargs)


def district_staff(district_code: str, role: str = Role.SUBCENTER_STAFF):
    point = OrganisationFactory(
        kind=OrganisationKind.SERVICE_POINT,
        district_code=district_code,
        service_point_level=ServicePointLevel.SUBCENTER,
    )
    return make_user(role, organisation=point)


# --- facets -------------------------------------------------------------------------------------------------


@pytest.fixture
def pool(db):
    institution = make_institution()
    made = {
        "a": {"kind": "lawyer", "languages": [("ja", "fluent")], "jurisdictions": ["JP"]},
        "b": {"kind": "lawyer", "languages": [("ja", "fluent")], "jurisdictions": ["US"]},
        "c": {"kind": "arbitrator", "languages": [("de", "native")], "jurisdictions": ["DE"]},
        "d": {"kind": "lawyer", "languages": [("en", "fluent")], "jurisdictions": ["JP"]},
        "e": {"kind": "mediator", "languages": [("ja", "basic"), ("en", "fluent")], "jurisdictions": ["JP", "US"]},
    }
    return {key: make_expert(institution=institution, **fields) for key, fields in made.items()}


def test_without_filters_every_value_is_counted(pool):
    page = directory()
    assert page.total == 5
    assert counts(page, "language") == {"ja": 3, "de": 1, "en": 2}
    assert counts(page, "jurisdiction") == {"JP": 3, "US": 2, "DE": 1}
    assert counts(page, "kind") == {"lawyer": 3, "arbitrator": 1, "mediator": 1}


def test_a_facets_own_filter_does_not_reduce_its_own_counts(pool):
    page = directory(filters={"language": ["ja"]})
    assert ids(page) == {pool["a"].pk, pool["b"].pk, pool["e"].pk}
    # Language counts ignore the language filter, so the other languages stay pickable with their counts.
    assert counts(page, "language") == {"ja": 3, "de": 1, "en": 2}
    # Other facets are counted within the Japanese speakers.
    assert counts(page, "jurisdiction") == {"JP": 2, "US": 2}
    assert counts(page, "kind") == {"lawyer": 2, "mediator": 1}


def test_values_within_a_facet_are_alternatives_and_facets_combine(pool):
    assert ids(directory(filters={"language": ["ja", "de"]})) == {pool[k].pk for k in "abce"}
    page = directory(filters={"language": ["ja", "de"], "kind": ["lawyer"]})
    assert ids(page) == {pool["a"].pk, pool["b"].pk}
    assert counts(page, "language") == {"ja": 2, "en": 1, "de": 0}  # lawyers only; a chosen value stays listed
    assert counts(page, "kind") == {"lawyer": 2, "arbitrator": 1, "mediator": 1}  # ja or de speakers, every kind
    page = directory(filters={"language": ["ja"], "jurisdiction": ["jp"], "kind": ["lawyer", "mediator"]})
    assert ids(page) == {pool["a"].pk, pool["e"].pk}
    assert counts(page, "jurisdiction") == {"JP": 2, "US": 2}


def test_a_selected_value_without_results_is_still_listed_as_selected(pool):
    page = directory(filters={"language": ["sw"]})
    assert page.total == 0
    swahili = next(v for v in page.facets[3].values if v.value == "sw")
    assert (swahili.count, swahili.selected) == (0, True)
    assert page.facets[3].name == "language"


def test_selected_values_come_first_and_carry_labels(pool):
    page = directory(filters={"language": ["de"]})
    values = next(f for f in page.facets if f.name == "language").values
    assert values[0].value == "de" and values[0].selected
    assert values[0].label == "German"
    jurisdiction = next(f for f in page.facets if f.name == "jurisdiction").values
    assert [v.label for v in jurisdiction] == ["Germany"]


def test_unknown_facet_values_give_no_results(pool):
    assert directory(filters={"kind": ["wizard"]}).total == 0
    assert directory(filters={"practice_area": ["alchemy"]}).total == 0


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"q": "<script>alert(1)</script>"}, "invalid_query"),
        ({"q": "x" * 101}, "query_too_long"),
        ({"q": "a b c d e f g h i"}, "query_too_long"),
        ({"page_size": 1000}, "page_size_too_large"),
        ({"page_size": 0}, "page_size_too_large"),
        ({"page": 0}, "invalid_page"),
        ({"page": -1}, "invalid_page"),
        ({"page": "two"}, "invalid_page"),
        ({"filters": {"colour": ["red"]}}, "unknown_facet"),
        ({"filters": {"kind": ["law'yer"]}}, "invalid_filter"),
        ({"filters": {"language": [f"l{i}" for i in range(21)]}}, "too_many_values"),
        ({"order": "random"}, "invalid_order"),
    ],
)
def test_bad_parameters_raise_a_directory_error_with_a_code(kwargs, code):
    with pytest.raises(selectors.DirectoryError) as exc_info:
        directory(**kwargs)
    assert exc_info.value.code == code
    assert str(exc_info.value.message)


def test_paging(pool):
    first = directory(page_size=2, order="name")
    second = directory(page_size=2, page=2, order="name")
    third = directory(page_size=2, page=3, order="name")
    assert (first.total, first.pages, first.has_next, first.has_previous) == (5, 3, True, False)
    assert (third.has_next, third.has_previous) == (False, True)
    seen = [e.pk for p in (first, second, third) for e in p.items]
    assert sorted(seen) == sorted(e.pk for e in pool.values())


def test_relevance_puts_higher_talent_pools_first():
    standard = make_expert(name="甲")
    national = make_expert(name="乙", tier="national_pool")
    city = make_expert(name="丙", tier="city_pool")
    assert [e.pk for e in directory().items] == [national.pk, city.pk, standard.pk]


# --- free text ----------------------------------------------------------------------------------------------


@pytest.fixture
def names(db):
    return {
        "zhang": make_expert(name="张伟", name_latin="Zhang Wei"),
        "li": make_expert(name="李娜", name_latin="Li Na"),
        "muller": make_expert(kind="foreign_law_expert", name="Hans Müller", name_latin=""),
        "wang": make_expert(name="王志伟", name_latin=""),
    }


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("张伟", {"zhang"}),
        ("Zhang Wei", {"zhang"}),
        ("zhang wei", {"zhang"}),
        ("ZHANGWEI", {"zhang"}),
        ("zhangwei", {"zhang"}),
        ("zw", {"zhang", "wang"}),  # initials match anywhere: w-zw
        ("zhw", set()),
        ("wzw", {"wang"}),
        ("wangzhiwei", {"wang"}),
        ("李娜", {"li"}),
        ("muller", {"muller"}),
        ("MÜLLER", {"muller"}),
        ("Müller hans", {"muller"}),
        ("ｍｕｌｌｅｒ", {"muller"}),  # full-width letters
        ("wei", {"zhang", "wang"}),
        ("zhang li", set()),  # every word must match
    ],
)
def test_text_search_finds_names_in_any_script_and_pinyin(names, query, found):
    assert ids(directory(q=query)) == {names[k].pk for k in found}


def test_text_search_finds_the_institution_name():
    institution = make_institution(name="天元律师事务所", name_en="Tian Yuan Law Firm")
    expert = make_expert(institution=institution)
    make_expert()
    assert ids(directory(q="天元")) == {expert.pk}
    assert ids(directory(q="tian yuan")) == {expert.pk}
    assert ids(directory(q="tianyuan")) == {expert.pk}  # the pinyin of the name


# --- who sees what ------------------------------------------------------------------------------------------

STAFF_WHO_SEE_EVERYTHING = {
    Role.PLATFORM_ADMIN,
    Role.WORKSTATION_STAFF,
    Role.SUBCENTER_STAFF,
    Role.CENTER_STAFF,
    Role.SUPERVISOR,
}


@pytest.mark.parametrize("subject", [*ALL_ROLES, "individual", "anonymous"])
def test_visible_experts_per_role(subject):
    institution = make_institution()
    verified = make_expert(institution=institution)
    draft = make_expert(institution=institution, status=ReviewStatus.DRAFT)
    pending = make_expert(institution=institution, status=ReviewStatus.PENDING)
    elsewhere = make_expert(status=ReviewStatus.REJECTED)
    if subject == "anonymous":
        user = AnonymousUser()
    elif subject == "individual":
        user = make_user(None)
    elif subject == Role.INSTITUTION_ADMIN:
        user = make_user(subject, organisation=institution.organisation)
    else:
        user = make_user(subject)
    if subject in STAFF_WHO_SEE_EVERYTHING:
        expected = {verified, draft, pending, elsewhere}
    elif subject == Role.INSTITUTION_ADMIN:
        expected = {verified, draft, pending}
    else:
        expected = {verified}
    assert set(selectors.visible_experts(user)) == expected
    # The selector and the rule agree.
    for expert in (verified, draft, pending, elsewhere):
        assert user.has_perm("network.view_expert", expert) is (expert in expected)


def test_an_expert_sees_their_own_draft():
    user = make_user(None)
    own = make_expert(status=ReviewStatus.DRAFT, user=user)
    make_expert(status=ReviewStatus.DRAFT)
    assert set(selectors.visible_experts(user)) == {own}
    assert ids(selectors.expert_directory(user=user)) == {own.pk}


def test_drafts_are_not_in_the_public_directory_but_are_in_the_staffs():
    make_expert()
    draft = make_expert(status=ReviewStatus.DRAFT)
    assert draft.pk not in ids(directory())
    assert draft.pk in ids(selectors.expert_directory(user=make_user(Role.CENTER_STAFF)))


def test_visible_institutions():
    verified = make_institution()
    admin = make_user(None)
    own_pending = make_institution(status=ReviewStatus.PENDING, admin=admin)
    other_pending = make_institution(status=ReviewStatus.PENDING)
    assert set(selectors.visible_institutions(AnonymousUser())) == {verified}
    assert set(selectors.visible_institutions(admin)) == {verified, own_pending}
    assert set(selectors.visible_institutions(make_user(Role.SUPERVISOR))) == {verified, own_pending, other_pending}


# --- matching -----------------------------------------------------------------------------------------------


def test_matchable_experts_are_verified_in_force_with_room_and_taking_matters():
    ok = make_expert(max_matters=3, open_matters=2)
    limited = make_expert(availability=Availability.LIMITED)
    make_expert(max_matters=3, open_matters=3)  # at capacity
    make_expert(availability=Availability.UNAVAILABLE)
    make_expert(status=ReviewStatus.PENDING)
    make_expert(status=ReviewStatus.REJECTED)
    lapsed = make_expert(expires_on=date.today() + timedelta(days=3))
    services.expert_refresh(lapsed, today=date.today() + timedelta(days=4))
    assert set(selectors.matchable_experts()) == {ok, limited}
    page = directory(matchable_only=True)
    assert ids(page) == {ok.pk, limited.pk}


def test_external_experts_can_be_left_out():
    local = make_expert()
    peer = Peer.objects.create(name="shanghai", feed_url="https://sh.example/feed")
    external = Expert.objects.create(
        kind="lawyer", name="外地专家", source=peer, external_id=uuid.uuid4(), status=ReviewStatus.VERIFIED
    )
    services.expert_refresh(external)
    assert ids(directory()) == {local.pk, external.pk}
    assert ids(directory(include_external=False)) == {local.pk}


# --- the verification queue ---------------------------------------------------------------------------------


@pytest.fixture
def waiting(db):
    here = make_institution(status=ReviewStatus.PENDING, district_code="330108")
    there = make_institution(status=ReviewStatus.PENDING, district_code="330106")
    make_institution(status=ReviewStatus.VERIFIED, district_code="330108")
    expert_here = make_expert(institution=make_institution(district_code="330108"), status=ReviewStatus.PENDING)
    expert_there = make_expert(institution=make_institution(district_code="330106"), status=ReviewStatus.PENDING)
    make_expert(institution=make_institution(district_code="330108"), status=ReviewStatus.DRAFT)
    peer = Peer.objects.create(name="ningbo", feed_url="https://nb.example/feed")
    Expert.objects.create(
        kind="lawyer", name="外地", source=peer, external_id=uuid.uuid4(), status="pending", district_code="330108"
    )
    return {"here": (here, expert_here), "there": (there, expert_there)}


def queue_of(user):
    queue = selectors.review_queue(user)
    return set(queue["institutions"]), set(queue["experts"])


@pytest.mark.parametrize("role", [Role.SUBCENTER_STAFF, Role.WORKSTATION_STAFF])
def test_district_staff_see_only_their_districts(waiting, role):
    institutions, experts = queue_of(district_staff("330108", role=role))
    assert institutions == {waiting["here"][0]}
    assert experts == {waiting["here"][1]}


@pytest.mark.parametrize("role", [Role.CENTER_STAFF, Role.PLATFORM_ADMIN])
def test_the_center_sees_every_district(waiting, role):
    institutions, experts = queue_of(make_user(role))
    assert institutions == {waiting["here"][0], waiting["there"][0]}
    assert experts == {waiting["here"][1], waiting["there"][1]}


def test_staff_at_two_sub_centers_see_both_districts(waiting):
    staff = district_staff("330108")
    other = OrganisationFactory(
        kind=OrganisationKind.SERVICE_POINT, district_code="330106", service_point_level=ServicePointLevel.SUBCENTER
    )
    from lawbridge.accounts.models import Membership

    Membership.objects.create(user=staff, organisation=other, role=Role.SUBCENTER_STAFF)
    staff.forget_cached_roles()
    institutions, experts = queue_of(staff)
    assert institutions == {waiting["here"][0], waiting["there"][0]}
    assert experts == {waiting["here"][1], waiting["there"][1]}


# --- institutions -------------------------------------------------------------------------------------------


def test_institution_directory_counts_facets_disjunctively():
    make_institution(kind="law_firm", languages=["ja", "zh"], district_code="330108")
    make_institution(kind="law_firm", languages=["en"], district_code="330106")
    make_institution(kind="notary", languages=["ja"], district_code="330108")
    make_institution(kind="notary", status=ReviewStatus.PENDING, languages=["ja"])
    page = selectors.institution_directory(user=AnonymousUser(), filters={"language": ["ja"]})
    assert page.total == 2
    assert counts(page, "language") == {"ja": 2, "zh": 1, "en": 1}
    assert counts(page, "kind") == {"law_firm": 1, "notary": 1}
    page = selectors.institution_directory(user=AnonymousUser(), filters={"language": ["ja"], "kind": ["notary"]})
    assert page.total == 1
    assert counts(page, "kind") == {"law_firm": 1, "notary": 1}
    assert counts(page, "district") == {"330108": 1}


def test_institution_directory_text_search():
    found = make_institution(name="锦天城律师事务所", name_en="AllBright Law Offices")
    make_institution()
    assert ids(selectors.institution_directory(user=AnonymousUser(), q="allbright")) == {found.pk}
    assert ids(selectors.institution_directory(user=AnonymousUser(), q="锦天城")) == {found.pk}


# --- cost ---------------------------------------------------------------------------------------------------


def test_the_directory_takes_a_fixed_number_of_queries(django_assert_max_num_queries):
    institution = make_institution()
    for _n in range(25):
        make_expert(institution=institution, languages=[("ja", "fluent"), ("en", "fluent")])
    # The first search after a change also (re)builds the in-memory facet index: three more queries, however many
    # experts there are (on PostgreSQL the facet rows stream through a server-side cursor).
    with django_assert_max_num_queries(11):
        page = directory(filters={"language": ["ja"]}, page_size=20)
        for expert in page.items:
            list(expert.languages.all())
            expert.institution.organisation.name  # noqa: B018
    assert len(page.items) == 20
