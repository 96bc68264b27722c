"""People, the organisations they belong to, the roles they hold there, and their API tokens."""

import hashlib

import rules
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .choices import STAFF_ROLES, AccountType, OrganisationKind, Role, ServicePointLevel
from .validators import validate_uscc


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("account_type", AccountType.STAFF)
        return self._create_user(email, password, **extra_fields)


def default_language() -> str:
    return settings.LANGUAGE_CODE


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address: an individual, an enterprise's member or a staff member."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(
        _("full name"), max_length=200, help_text=_("As in your passport or ID, in Latin or Chinese script.")
    )
    name_latin = models.CharField(
        _("name in Latin script"),
        max_length=200,
        blank=True,
        help_text=_("If your name is written in another script, how it is spelt in Latin letters."),
    )
    nationality = CountryField(_("nationality"), blank=True)
    language = models.CharField(_("preferred language"), max_length=16, default=default_language)
    account_type = models.CharField(
        _("account type"), max_length=16, choices=AccountType.choices, default=AccountType.INDIVIDUAL
    )
    is_staff = models.BooleanField(
        _("may use the admin site"), default=False, help_text=_("Platform administrators only.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def has_perm(self, perm, obj=None) -> bool:
        # Django lets an active superuser pass every check before asking the backends; for the
        # platform's own rules (rules.py, default deny) the rule alone decides, superuser or not.
        if rules.perm_exists(perm):
            return self.is_active and rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name or self.email

    @property
    def roles(self) -> frozenset[str]:
        """The roles this user holds in any organisation (cached per instance)."""
        cached = getattr(self, "_roles_cache", None)
        if cached is None:
            cached = frozenset(self.memberships.filter(is_active=True).values_list("role", flat=True))
            if self.is_superuser:
                cached |= {Role.PLATFORM_ADMIN}
            self._roles_cache = cached
        return cached

    def forget_cached_roles(self) -> None:
        """Call after changing memberships, so rules see the new roles."""
        self.__dict__.pop("_roles_cache", None)
        self.__dict__.pop("_districts_cache", None)

    @property
    def service_districts(self) -> frozenset[str]:
        """District codes of the sub-centers and workstations where this user works (cached per instance)."""
        cached = getattr(self, "_districts_cache", None)
        if cached is None:
            cached = frozenset(
                self.memberships.filter(
                    is_active=True, role__in=[Role.SUBCENTER_STAFF, Role.WORKSTATION_STAFF]
                ).values_list("organisation__district_code", flat=True)
            )
            self._districts_cache = cached
        return cached

    @property
    def needs_two_factor(self) -> bool:
        return bool(self.roles & STAFF_ROLES)


class Organisation(models.Model):
    """An enterprise, a legal service institution, a government or judicial body, or a 1+N service point."""

    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True, validators=[validate_uscc])
    country = CountryField(_("country"), default="CN")
    district_code = models.CharField(
        _("district"), max_length=12, blank=True, help_text=_("Administrative division code from the city data.")
    )
    service_point_level = models.CharField(
        _("service point level"), max_length=16, choices=ServicePointLevel.choices, blank=True
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_verified = models.BooleanField(_("verified"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"], condition=~models.Q(uscc=""), name="%(app_label)s_%(class)s_unique_uscc"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str | None = None) -> str:
        from django.utils.translation import get_language

        language = language or get_language() or ""
        if not language.startswith("zh") and self.name_en:
            return self.name_en
        return self.name


class Membership(models.Model):
    """A user's role in an organisation. One user may hold several."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    invitation_pending = models.BooleanField(
        _("invitation pending"),
        default=False,
        help_text=_("An existing user was invited and has not yet accepted; the role takes effect on acceptance."),
    )
    invited_by = models.ForeignKey(
        User, verbose_name=_("invited by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__name", "user__email", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="%(app_label)s_%(class)s_unique_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is kept; the token itself is shown once, when made."""

    PREFIX = "lbt_"

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(_("ends with"), max_length=8)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"{self.name} (…{self.hint})"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @property
    def is_usable(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()
