"""factory_boy factories and helpers shared by every app's tests."""

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP

from lawbridge.accounts.choices import ROLES_BY_KIND, STAFF_ROLES, OrganisationKind, Role
from lawbridge.accounts.models import Membership, Organisation, User
from lawbridge.accounts.validators import USCC_ALPHABET, uscc_check_character

PASSWORD = "correct-horse-battery-9"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP"


def valid_uscc(n: int) -> str:
    body = "91330100" + "".join(USCC_ALPHABET[(n // 31**i) % 31] for i in range(9))
    return body + uscc_check_character(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Test User {n}")
    language = "en"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if not create:
            return
        obj.save()  # keeps the password set above
        if extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, primary=True, verified=True)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.ENTERPRISE
    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    name_en = factory.Sequence(lambda n: f"Test Enterprise {n} Co., Ltd.")
    slug = factory.Sequence(lambda n: f"org-{n}")
    uscc = factory.LazyAttributeSequence(
        lambda o, n: valid_uscc(n + 1) if o.kind == OrganisationKind.ENTERPRISE else ""
    )
    is_verified = True


def kind_for_role(role: str) -> str:
    return next(kind for kind, roles in ROLES_BY_KIND.items() if role in roles)


def make_user(
    role: str | None = None, *, organisation: Organisation | None = None, totp: bool = True, **fields
) -> User:
    """A user holding ``role`` in an organisation of the right kind (a new one unless given).

    Staff roles get a TOTP authenticator (secret TOTP_SECRET) unless ``totp=False``.
    """
    user = UserFactory(**fields)
    if role is None:
        return user
    if organisation is None:
        organisation = OrganisationFactory(kind=kind_for_role(role))
    Membership.objects.create(user=user, organisation=organisation, role=role)
    if role == Role.PLATFORM_ADMIN:
        user.is_staff = user.is_superuser = True
        user.save()
    user.forget_cached_roles()
    if role in STAFF_ROLES and totp:
        TOTP.activate(user, TOTP_SECRET)
    return user


ALL_ROLES = [r.value for r in Role]
# The roles that see every organisation in the directory (accounts.view_all_organisations).
SEES_ALL = frozenset(
    {
        Role.PLATFORM_ADMIN,
        Role.WORKSTATION_STAFF,
        Role.SUBCENTER_STAFF,
        Role.CENTER_STAFF,
        Role.SUPERVISOR,
        Role.GOVERNMENT_LIAISON,
    }
)


# -- the network ---------------------------------------------------------------------------------------------

_counter = iter(range(1, 10**9))


def make_institution(
    *, status: str = "verified", kind: str = "law_firm", district_code: str = "330108", admin=None, **fields
):
    """An institution (with its organisation) straight through the services, reviewed to ``status``."""
    from lawbridge.network import services
    from lawbridge.network.models import Institution

    n = next(_counter)
    applicant = admin or make_user()
    institution = services.institution_apply(
        actor=applicant,
        kind=kind,
        name=fields.pop("name", f"测试律师事务所{n}"),
        name_en=fields.pop("name_en", f"Test Law Firm {n}"),
        district_code=district_code,
        licence_number=fields.pop("licence_number", f"3310{n:010d}"),
        **fields,
    )
    if status != "pending":
        Institution.objects.filter(pk=institution.pk).update(status=status)
        institution.refresh_from_db()
    applicant.forget_cached_roles()
    return institution


def make_expert(*, institution=None, status: str = "verified", expires_on=None, **fields):
    """An expert with one practising licence, verified unless ``status`` says otherwise."""
    from datetime import date, timedelta

    from lawbridge.network import services
    from lawbridge.network.choices import CredentialStatus, ReviewStatus
    from lawbridge.network.models import Expert

    n = next(_counter)
    if institution is None:
        institution = make_institution()
    credential = {
        "kind": "practising_licence",
        "issuer": "浙江省司法厅",
        "number": f"1330{n:011d}",
        "issued_on": date(2015, 1, 1),
        "expires_on": expires_on if expires_on is not None else date.today() + timedelta(days=365),
    }
    defaults = {
        "kind": "lawyer",
        "name": f"测试专家{n}",
        "name_latin": f"Expert {n}",
        "languages": [("zh", "native"), ("en", "fluent")],
        "practice_areas": ["international-contracts"],
        "jurisdictions": ["CN"],
        "credentials": [credential],
    }
    defaults.update(fields)
    expert = services.expert_create(actor=None, institution=institution, **defaults)
    if status != ReviewStatus.DRAFT:
        Expert.objects.filter(pk=expert.pk).update(status=status)
        if status == ReviewStatus.VERIFIED:
            expert.credentials.update(status=CredentialStatus.VERIFIED)
        expert.refresh_from_db()
        services.expert_refresh(expert)
    return expert


def signed_in(user):
    """A test client signed in as ``user``. Staff roles already have a TOTP authenticator from make_user, so the
    two-factor gate lets them through."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def service_point(level: str, *, district_code: str = "", parent=None, **fields):
    """A 1+N service point (an organisation of kind service_point) at ``level``."""
    from lawbridge.accounts.choices import OrganisationKind

    return OrganisationFactory(
        kind=OrganisationKind.SERVICE_POINT,
        service_point_level=level,
        district_code=district_code,
        parent=parent,
        uscc="",
        **fields,
    )
