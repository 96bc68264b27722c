"""Writes of the network: applications, expert profiles, verification, credential standing and the expiry sweep."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from lawbridge.accounts.choices import OrganisationKind, Role, ServicePointLevel
from lawbridge.accounts.models import Membership
from lawbridge.core.audit import entries_for
from lawbridge.core.models import Notification
from lawbridge.network import selectors, services
from lawbridge.network.choices import Availability, CredentialStatus, ReviewStatus
from lawbridge.network.models import Credential, Expert, ExpertFacet, Institution
from tests.factories import OrganisationFactory, make_expert, make_institution, make_user

pytestmark = pytest.mark.django_db

TODAY = date(2030, 6, 1)


def events(obj) -> list[str]:
    return [entry.additional_data.get("event") for entry in entries_for(obj) if entry.additional_data]


def field_errors(exc_info) -> dict[str, list[str]]:
    return exc_info.value.message_dict


def district_staff(district_code: str, role: str = Role.SUBCENTER_STAFF):
    point = OrganisationFactory(
        kind=OrganisationKind.SERVICE_POINT,
        district_code=district_code,
        service_point_level=ServicePointLevel.SUBCENTER,
    )
    return make_user(role, organisation=point)


def licence(number: str, *, expires_on=None, kind: str = "practising_licence") -> dict:
    return {
        "kind": kind,
        "issuer": "浙江省司法厅",
        "number": number,
        "issued_on": date(2015, 1, 1),
        "expires_on": expires_on,
    }


# --- institution_apply --------------------------------------------------------------------------------------


def apply(actor, **fields):
    values = {"kind": "law_firm", "name": "杭州涉外律师事务所", "name_en": "Hangzhou Foreign Law Firm"}
    values.update(fields)
    return services.institution_apply(actor=actor, district_code=values.pop("district_code", "330108"), **values)


def test_an_application_waits_for_verification_and_makes_the_applicant_its_admin():
    applicant = make_user(None)
    institution = apply(
        applicant,
        licence_number="31330000123",
        jurisdictions=["jp", "de"],
        languages=["JA", "zh"],
        practice_areas=["international-contracts"],
    )
    assert institution.status == ReviewStatus.PENDING
    assert institution.jurisdictions == ["DE", "JP"]
    assert institution.languages == ["ja", "zh"]
    assert [t.code for t in institution.practice_areas.all()] == ["international-contracts"]
    organisation = institution.organisation
    assert organisation.kind == OrganisationKind.INSTITUTION
    assert organisation.district_code == "330108"
    assert not organisation.is_verified
    assert Membership.objects.filter(user=applicant, organisation=organisation, role=Role.INSTITUTION_ADMIN).exists()
    assert "network.institution.applied" in events(institution)
    assert "hangzhou foreign law firm" in institution.search_text


def test_an_application_can_stay_a_draft():
    assert apply(make_user(None), submit=False).status == ReviewStatus.DRAFT


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"jurisdictions": ["JP", "XX"]}, "jurisdictions"),
        ({"languages": ["ja", "xx"]}, "languages"),
        ({"foreign_offices": [{"city": "Atlantis", "country": "QQ"}]}, "foreign_offices"),
        ({"kind": "bank"}, "kind"),
        ({"district_code": "110101"}, "district_code"),
        ({"practice_areas": ["alchemy"]}, "practice_areas"),
    ],
)
def test_an_application_with_unknown_codes_is_refused_with_the_field(fields, field):
    with pytest.raises(ValidationError) as exc_info:
        apply(make_user(None), **fields)
    assert field in field_errors(exc_info)
    assert not Institution.objects.exists()


def test_a_duplicate_licence_number_is_refused():
    apply(make_user(None), licence_number="31330000123")
    with pytest.raises(ValidationError) as exc_info:
        apply(make_user(None), name="另一家律所", licence_number=" 31330000123 ")
    assert "licence_number" in field_errors(exc_info)
    assert Institution.objects.count() == 1


def test_an_anonymous_visitor_cannot_apply():
    with pytest.raises(PermissionDenied):
        apply(AnonymousUser())


def test_institution_review_needs_a_reason_to_reject_and_notifies_the_admins():
    admin = make_user(None, language="en")
    institution = make_institution(status=ReviewStatus.PENDING, admin=admin)
    staff = district_staff("330108")
    with pytest.raises(ValidationError) as exc_info:
        services.institution_review(actor=staff, institution=institution, approve=False, reason="  ")
    assert "reason" in field_errors(exc_info)
    institution.refresh_from_db()
    assert institution.status == ReviewStatus.PENDING

    services.institution_review(actor=staff, institution=institution, approve=False, reason="Licence expired")
    institution.refresh_from_db()
    assert (institution.status, institution.rejection_reason) == (ReviewStatus.REJECTED, "Licence expired")
    note = Notification.objects.get(user=admin, kind="network.institution.reviewed")
    assert "Licence expired" in note.body

    services.institution_review(actor=staff, institution=institution, approve=True)
    institution.refresh_from_db()
    assert institution.status == ReviewStatus.VERIFIED
    assert institution.rejection_reason == ""
    assert institution.organisation.is_verified
    assert institution.reviewed_by == staff
    assert Notification.objects.filter(user=admin, kind="network.institution.reviewed").count() == 2
    assert {"network.institution.rejected", "network.institution.verified"} <= set(events(institution))


def test_staff_of_another_district_cannot_review_an_institution():
    institution = make_institution(status=ReviewStatus.PENDING, district_code="330108")
    with pytest.raises(PermissionDenied):
        services.institution_review(actor=district_staff("330106"), institution=institution, approve=True)


# --- expert_create ------------------------------------------------------------------------------------------


@pytest.fixture
def institution(db):
    return make_institution(status=ReviewStatus.VERIFIED, district_code="330108")


@pytest.fixture
def admin(institution):
    return Membership.objects.get(organisation=institution.organisation, role=Role.INSTITUTION_ADMIN).user


def create(actor, institution, **fields):
    values = {
        "kind": "lawyer",
        "name": "王芳",
        "name_latin": "Wang Fang",
        "languages": [("zh", "native"), ("ja", "fluent")],
        "practice_areas": ["international-contracts"],
        "jurisdictions": ["JP"],
        "credentials": [licence("13301201510000001", expires_on=date.today() + timedelta(days=400))],
    }
    values.update(fields)
    return services.expert_create(actor=actor, institution=institution, **values)


def test_an_institution_admin_adds_a_draft_expert(institution, admin):
    expert = create(admin, institution)
    assert expert.status == ReviewStatus.DRAFT
    assert expert.district_code == "330108"  # from the institution
    assert not expert.credentials_ok  # the credential is not verified yet
    assert set(ExpertFacet.objects.filter(expert=expert).values_list("facet", "value")) >= {
        ("kind", "lawyer"),
        ("language", "ja"),
        ("jurisdiction", "JP"),
        ("practice_area", "international-contracts"),
        ("district", "330108"),
    }
    assert "network.expert.created" in events(expert)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"practice_areas": ["international-contracts", "alchemy"]}, "practice_areas"),
        ({"industries": ["space-mining"]}, "industries"),
        ({"fee_min": Decimal("900"), "fee_max": Decimal("500")}, "fee_max"),
        ({"jurisdictions": ["JP", "XX"]}, "jurisdictions"),
        ({"languages": [("xx", "native")]}, "languages"),
        ({"languages": [("ja", "perfect")]}, "languages"),
        ({"home_city": "atlantis"}, "home_city"),
        ({"kind": "wizard"}, "kind"),
        ({"credentials": [licence("1", expires_on=date(2010, 1, 1)) | {"issued_on": date(2020, 1, 1)}]}, "expires_on"),
    ],
)
def test_expert_create_refuses_bad_values_with_the_field(institution, admin, fields, field):
    with pytest.raises(ValidationError) as exc_info:
        create(admin, institution, **fields)
    assert field in field_errors(exc_info)
    assert not Expert.objects.exists()


def test_a_fee_range_in_order_is_accepted(institution, admin):
    expert = create(admin, institution, fee_min=Decimal("500"), fee_max=Decimal("500"))
    assert (expert.fee_min, expert.fee_max) == (Decimal("500"), Decimal("500"))


def test_a_credential_number_held_by_another_expert_is_refused(institution, admin):
    create(admin, institution, credentials=[licence("13301201510000009")])
    with pytest.raises(ValidationError) as exc_info:
        create(admin, institution, name="李四", credentials=[licence("13301201510000009")])
    assert "number" in field_errors(exc_info)
    assert Expert.objects.count() == 1
    # The same number of another kind of credential is someone else's document.
    create(admin, institution, name="李四", credentials=[licence("13301201510000009", kind="translator_certificate")])


def test_only_the_institutions_admins_add_experts(institution):
    outsider = make_institution().organisation.memberships.get().user  # the admin of another institution
    with pytest.raises(PermissionDenied):
        create(outsider, institution)


def test_an_institution_admin_cannot_create_verified_profiles(institution, admin):
    with pytest.raises(PermissionDenied):
        create(admin, institution, status=ReviewStatus.VERIFIED)


def test_submitting_needs_a_credential(institution, admin):
    expert = create(admin, institution, credentials=[])
    with pytest.raises(ValidationError):
        services.expert_submit(actor=admin, expert=expert)
    services.credential_add(actor=admin, expert=expert, **licence("13301201510000077"))
    assert services.expert_submit(actor=admin, expert=expert).status == ReviewStatus.PENDING


# --- expert_review ------------------------------------------------------------------------------------------


@pytest.fixture
def pending(institution, admin):
    expert = create(admin, institution, submit=True)
    assert expert.status == ReviewStatus.PENDING
    return expert


def test_rejecting_without_a_reason_is_refused(pending):
    staff = district_staff("330108")
    with pytest.raises(ValidationError) as exc_info:
        services.expert_review(actor=staff, expert=pending, approve=False, reason=" ")
    assert "reason" in field_errors(exc_info)
    pending.refresh_from_db()
    assert pending.status == ReviewStatus.PENDING
    assert not Notification.objects.exists()


def test_approving_verifies_the_credentials_and_notifies_the_admin_and_the_expert(pending, admin):
    expert_user = make_user(None)
    Expert.objects.filter(pk=pending.pk).update(user=expert_user)
    pending.refresh_from_db()
    staff = district_staff("330108")
    services.expert_review(actor=staff, expert=pending, approve=True)
    pending.refresh_from_db()
    assert pending.status == ReviewStatus.VERIFIED
    assert pending.reviewed_by == staff
    assert pending.credentials_ok
    credential = pending.credentials.get()
    assert (credential.status, credential.verified_by) == (CredentialStatus.VERIFIED, staff)
    assert credential.verified_at is not None
    for user in (admin, expert_user):
        note = Notification.objects.get(user=user, kind="network.expert.reviewed")
        assert pending.name in note.title
        assert note.url == f"/network/experts/{pending.public_id}/"
    assert pending in selectors.matchable_experts()
    assert "network.expert.verified" in events(pending)


def test_a_rejection_tells_the_admin_why(pending, admin):
    services.expert_review(
        actor=district_staff("330108"), expert=pending, approve=False, reason="证书号码与司法厅记录不符"
    )
    pending.refresh_from_db()
    assert pending.status == ReviewStatus.REJECTED
    assert pending.rejection_reason == "证书号码与司法厅记录不符"
    assert pending.credentials.get().status == CredentialStatus.UNVERIFIED
    note = Notification.objects.get(user=admin, kind="network.expert.reviewed")
    assert "证书号码与司法厅记录不符" in note.body
    # Correcting the profile sends it back to the queue.
    services.expert_update(actor=admin, expert=pending, years_of_practice=8)
    pending.refresh_from_db()
    assert pending.status == ReviewStatus.PENDING


def test_an_expert_without_a_credential_cannot_be_verified(institution, admin):
    expert = create(admin, institution, credentials=[])
    with pytest.raises(ValidationError):
        services.expert_review(actor=make_user(Role.CENTER_STAFF), expert=expert, approve=True)


def test_staff_of_another_district_cannot_review(pending):
    with pytest.raises(PermissionDenied):
        services.expert_review(actor=district_staff("330106"), expert=pending, approve=True)


def test_a_rejected_credential_stays_rejected_when_the_expert_is_approved(pending):
    second = services.credential_add(
        actor=None, expert=pending, **licence("FQ-1", kind="foreign_qualification", expires_on=None)
    )
    Credential.objects.filter(pk=second.pk).update(status=CredentialStatus.REJECTED)
    services.expert_review(actor=make_user(Role.CENTER_STAFF), expert=pending, approve=True)
    second.refresh_from_db()
    assert second.status == CredentialStatus.REJECTED


# --- credentials_state --------------------------------------------------------------------------------------


def cred(kind="practising_licence", expires_on=None, status=CredentialStatus.VERIFIED) -> Credential:
    return Credential(kind=kind, issuer="x", number="n", expires_on=expires_on, status=status)


def test_no_verified_credential_is_not_good_standing():
    assert services.credentials_state([], TODAY) == (False, None)
    assert services.credentials_state([cred(status=CredentialStatus.UNVERIFIED)], TODAY) == (False, None)
    assert services.credentials_state([cred(status=CredentialStatus.REJECTED)], TODAY) == (False, None)


def test_a_credential_without_expiry_is_good_indefinitely():
    assert services.credentials_state([cred()], TODAY) == (True, None)


def test_a_renewal_replaces_the_expired_credential_of_the_same_kind():
    old = cred(expires_on=TODAY - timedelta(days=10))
    new = cred(expires_on=TODAY + timedelta(days=365))
    assert services.credentials_state([old, new], TODAY) == (True, TODAY + timedelta(days=365))
    assert services.credentials_state([new, old], TODAY) == (True, TODAY + timedelta(days=365))


def test_an_unverified_renewal_does_not_count():
    old = cred(expires_on=TODAY - timedelta(days=10))
    new = cred(expires_on=TODAY + timedelta(days=365), status=CredentialStatus.UNVERIFIED)
    assert services.credentials_state([old, new], TODAY) == (False, TODAY - timedelta(days=10))


def test_a_lapsed_kind_spoils_the_standing_even_if_another_kind_is_valid():
    licence_ok = cred(expires_on=TODAY + timedelta(days=365))
    lapsed = cred(kind="foreign_qualification", expires_on=TODAY - timedelta(days=1))
    assert services.credentials_state([licence_ok, lapsed], TODAY) == (False, TODAY - timedelta(days=1))


def test_standing_lasts_until_the_earliest_expiry_including_that_day():
    a = cred(expires_on=TODAY + timedelta(days=30))
    b = cred(kind="translator_certificate", expires_on=TODAY)
    assert services.credentials_state([a, b], TODAY) == (True, TODAY)
    assert services.credentials_state([a, b], TODAY + timedelta(days=1)) == (False, TODAY)


# --- credential_expiry_sweep --------------------------------------------------------------------------------


@pytest.fixture
def expiring():
    """A verified expert with an account, whose licence expires on 2030-07-01, and the people to tell."""
    admin = make_user(None)
    institution = make_institution(admin=admin, district_code="330108")
    expert_user = make_user(None)
    expert = make_expert(institution=institution, expires_on=date(2030, 7, 1), user=expert_user)
    district = district_staff("330108")
    workstation = district_staff("330108", role=Role.WORKSTATION_STAFF)
    elsewhere = district_staff("330106")
    center = make_user(Role.CENTER_STAFF)
    services.expert_refresh(expert, today=date(2030, 5, 1))
    return {
        "expert": expert,
        "told": [expert_user, admin, district, workstation],
        "not_told": [elsewhere, center],
    }


def reminders(user) -> list[str]:
    return list(
        Notification.objects.filter(user=user, kind="network.credential.expiring")
        .order_by("id")
        .values_list("title", flat=True)
    )


def test_reminders_go_out_at_30_7_and_0_days_once_each(expiring):
    expiry = date(2030, 7, 1)
    schedule = [
        (expiry - timedelta(days=31), 0),
        (expiry - timedelta(days=30), 1),
        (expiry - timedelta(days=30), 1),  # the same day again: nothing new
        (expiry - timedelta(days=29), 1),
        (expiry - timedelta(days=8), 1),
        (expiry - timedelta(days=7), 2),
        (expiry - timedelta(days=3), 2),
        (expiry, 3),
        (expiry + timedelta(days=1), 3),
    ]
    for today, expected in schedule:
        services.credential_expiry_sweep(today=today)
        for user in expiring["told"]:
            assert len(reminders(user)) == expected, (today, user)
    for user in expiring["not_told"]:
        assert reminders(user) == []
    titles = reminders(expiring["told"][0])
    assert "expires in 30 days" in titles[0]
    assert "expires in 7 days" in titles[1]
    assert "expires today" in titles[2]  # still valid today, lapses tomorrow


def test_a_first_sweep_late_sends_only_the_latest_reminder(expiring):
    services.credential_expiry_sweep(today=date(2030, 6, 27))  # 4 days left
    services.credential_expiry_sweep(today=date(2030, 6, 28))
    assert len(reminders(expiring["told"][0])) == 1
    assert "expires in 4 days" in reminders(expiring["told"][0])[0]


def test_an_expired_credential_takes_the_expert_out_of_matching(expiring):
    expert = expiring["expert"]
    services.credential_expiry_sweep(today=date(2030, 7, 1))
    expert.refresh_from_db()
    assert expert.credentials_ok
    assert expert in selectors.matchable_experts()

    result = services.credential_expiry_sweep(today=date(2030, 7, 2))
    assert result["lapsed"] == 1
    expert.refresh_from_db()
    assert not expert.credentials_ok
    assert expert not in selectors.matchable_experts()
    # Still listed (it is verified), with a warning on the profile.
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/network/experts/{expert.public_id}/")
    assert page.status_code == 200
    assert "is not offered for new matters until it is renewed" in page.content.decode()
    # A second sweep has nothing left to take out.
    assert services.credential_expiry_sweep(today=date(2030, 7, 3))["lapsed"] == 0


def test_a_renewal_brings_the_expert_back(expiring):
    expert = expiring["expert"]
    services.credential_expiry_sweep(today=date(2030, 7, 2))
    renewal = services.credential_add(actor=None, expert=expert, **licence("RENEWED-1", expires_on=date(2035, 7, 1)))
    services.expert_refresh(expert, today=date(2030, 7, 2))
    expert.refresh_from_db()
    assert not expert.credentials_ok  # the renewal is not verified yet
    Credential.objects.filter(pk=renewal.pk).update(status=CredentialStatus.VERIFIED)
    services.expert_refresh(expert, today=date(2030, 7, 2))
    expert.refresh_from_db()
    assert expert.credentials_ok
    assert expert.credentials_expire_on == date(2035, 7, 1)


def test_a_credential_already_renewed_is_not_reminded_about(expiring):
    expert = expiring["expert"]
    renewal = services.credential_add(actor=None, expert=expert, **licence("RENEWED-2", expires_on=date(2035, 7, 1)))
    Credential.objects.filter(pk=renewal.pk).update(status=CredentialStatus.VERIFIED)
    services.credential_expiry_sweep(today=date(2030, 6, 24))  # the old one: 7 days left
    assert reminders(expiring["told"][0]) == []


def test_unverified_and_external_credentials_are_not_swept(expiring):
    expert = expiring["expert"]
    Credential.objects.filter(expert=expert).update(status=CredentialStatus.UNVERIFIED)
    assert services.credential_expiry_sweep(today=date(2030, 6, 24))["reminded"] == 0


def test_inactive_people_are_not_reminded(expiring):
    expert_user = expiring["told"][0]
    expert_user.is_active = False
    expert_user.save()
    services.credential_expiry_sweep(today=date(2030, 6, 24))
    assert reminders(expert_user) == []
    assert len(reminders(expiring["told"][1])) == 1


# --- expert_outcomes_record ---------------------------------------------------------------------------------


def test_outcomes_are_recorded_and_unset_figures_left_alone():
    expert = make_expert()
    before = expert.updated_at
    services.expert_outcomes_record(
        expert=expert, matters_handled=12, median_response_hours=Decimal("5.5"), rating_average=Decimal("4.25")
    )
    expert.refresh_from_db()
    assert expert.matters_handled == 12
    assert expert.median_response_hours == Decimal("5.5")
    assert expert.rating_average == Decimal("4.25")
    assert expert.rating_count == 0
    assert expert.updated_at > before
    services.expert_outcomes_record(expert=expert, rating_count=3)
    expert.refresh_from_db()
    assert (expert.matters_handled, expert.rating_count) == (12, 3)


def test_open_matters_at_capacity_take_the_expert_out_of_matching():
    expert = make_expert(max_matters=2)
    assert expert in selectors.matchable_experts()
    services.expert_outcomes_record(expert=expert, open_matters=2)
    assert expert not in selectors.matchable_experts()
    services.expert_outcomes_record(expert=expert, open_matters=1)
    assert expert in selectors.matchable_experts()


def test_unavailable_experts_are_not_matched():
    expert = make_expert(availability=Availability.UNAVAILABLE)
    assert expert not in selectors.matchable_experts()
    limited = make_expert(availability=Availability.LIMITED)
    assert limited in selectors.matchable_experts()
