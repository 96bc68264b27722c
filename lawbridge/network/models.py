"""The 1+N service points, legal service institutions and the talent pool of experts.

Service points and institutions are profiles of an ``accounts.Organisation`` (which holds the name,
district, parent and memberships); experts are people, with or without an account. Experts pulled from
another city's Lawbridge are read-only rows with a ``source``.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lawbridge.core.city import localized

from .choices import (
    Availability,
    CredentialKind,
    CredentialStatus,
    ExpertKind,
    FeeBasis,
    InstitutionKind,
    LanguageLevel,
    ReviewStatus,
    Tier,
    Vocabulary,
)


class Term(models.Model):
    """One entry of a bilingual list (practice areas, industries, service kinds, cities), loaded from data files."""

    vocabulary = models.CharField(_("list"), max_length=20, choices=Vocabulary.choices)
    code = models.SlugField(_("code"), max_length=60)
    name_zh = models.CharField(_("name in Chinese"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=160)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    is_strategic = models.BooleanField(
        _("strategic emerging industry"), default=False, help_text=_("Named in Article 8 of the decision.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        ordering = ["vocabulary", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["vocabulary", "code"], name="network_term_unique_code")]

    def __str__(self) -> str:
        return self.label()

    def label(self, language: str | None = None) -> str:
        return localized({"zh-hans": self.name_zh, "en": self.name_en}, language)


class ContactMixin(models.Model):
    address_zh = models.CharField(_("address in Chinese"), max_length=300, blank=True)
    address_en = models.CharField(_("address in English"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        abstract = True

    def address(self, language: str | None = None) -> str:
        return localized({k: v for k, v in {"zh-hans": self.address_zh, "en": self.address_en}.items() if v}, language)


class ReviewMixin(models.Model):
    """Verification by service-point staff: a draft, then waiting, then verified or rejected with a reason."""

    status = models.CharField(_("status"), max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        abstract = True


class ServicePoint(ContactMixin):
    """The profile of a 1+N service point: where it is, when it is open, what it offers and in which languages."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="service_point",
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    opening_hours = models.JSONField(
        _("opening hours"),
        default=list,
        blank=True,
        help_text=_('A list of {"days": [1..7], "opens": "09:00", "closes": "17:30"}; 1 is Monday.'),
    )
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    services = models.ManyToManyField(
        Term,
        verbose_name=_("services"),
        blank=True,
        related_name="service_points",
        limit_choices_to={"vocabulary": Vocabulary.SERVICE_KIND},
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        ordering = ["organisation__service_point_level", "organisation__district_code", "organisation__name"]

    def __str__(self) -> str:
        return str(self.organisation)

    def name(self, language: str | None = None) -> str:
        return self.organisation.display_name(language)


class Institution(ReviewMixin, ContactMixin):
    """The profile of a legal service institution: law firm, arbitration commission, notary office and the like."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="institution",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=InstitutionKind.choices)
    licence_number = models.CharField(_("licence number"), max_length=60, blank=True)
    jurisdictions = models.JSONField(_("jurisdictions covered"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    practice_areas = models.ManyToManyField(
        Term, verbose_name=_("practice areas"), blank=True, related_name="institutions"
    )
    service_points = models.ManyToManyField(
        ServicePoint, verbose_name=_("service points"), blank=True, related_name="institutions"
    )
    foreign_offices = models.JSONField(
        _("offices abroad"), default=list, blank=True, help_text=_('A list of {"city": "…", "country": "JP"}.')
    )
    partner_firms = models.JSONField(
        _("partner firms abroad"), default=list, blank=True, help_text=_('A list of {"name": "…", "country": "DE"}.')
    )
    description = models.JSONField(_("description"), default=dict, blank=True)
    search_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["organisation__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["licence_number"],
                condition=~models.Q(licence_number=""),
                name="network_institution_unique_licence",
            )
        ]

    def __str__(self) -> str:
        return str(self.organisation)

    def name(self, language: str | None = None) -> str:
        return self.organisation.display_name(language)

    @property
    def is_public(self) -> bool:
        return self.status == ReviewStatus.VERIFIED

    def description_text(self, language: str | None = None) -> str:
        return localized(self.description, language) if self.description else ""


class Peer(models.Model):
    """Another Lawbridge instance (another Yangtze River Delta city) whose shared experts this one pulls."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    city_name = models.JSONField(_("city"), default=dict, help_text=_('{"zh-hans": "上海市", "en": "Shanghai"}'))
    feed_url = models.URLField(_("feed address"), max_length=500)
    token = models.CharField(_("access token"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    cursor = models.CharField(_("changes pulled up to"), max_length=64, blank=True)
    last_pulled_at = models.DateTimeField(_("last pulled"), null=True, blank=True)
    last_result = models.JSONField(_("last result"), default=dict, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("peer city")
        verbose_name_plural = _("peer cities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def city(self, language: str | None = None) -> str:
        return localized(self.city_name, language) if self.city_name else self.name


def home_city_default() -> str:
    """The city this instance serves (``LAWBRIDGE_CITY``'s slug)."""
    from lawbridge.core.city import city

    return city()["slug"]


class Expert(ReviewMixin, models.Model):
    """A member of the talent pool: lawyer, arbitrator, mediator, notary, appraiser, foreign-law expert, translator."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert_profile",
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="experts",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=ExpertKind.choices)
    name = models.CharField(_("name"), max_length=200, help_text=_("In the script the expert writes it."))
    name_latin = models.CharField(_("name in Latin script"), max_length=200, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    district_code = models.CharField(_("district"), max_length=12, blank=True)
    home_city = models.CharField(_("home city"), max_length=60, default=home_city_default)
    practice_areas = models.ManyToManyField(Term, verbose_name=_("practice areas"), blank=True, related_name="+")
    industries = models.ManyToManyField(Term, verbose_name=_("industries"), blank=True, related_name="+")
    jurisdictions = models.JSONField(_("jurisdictions"), default=list, blank=True)
    years_of_practice = models.PositiveSmallIntegerField(_("years of practice"), null=True, blank=True)
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, default=Tier.STANDARD)
    open_matters = models.PositiveSmallIntegerField(_("open matters"), default=0)
    max_matters = models.PositiveSmallIntegerField(_("most matters at once"), default=10)
    availability = models.CharField(
        _("availability"), max_length=12, choices=Availability.choices, default=Availability.AVAILABLE
    )
    fee_min = models.DecimalField(_("fee from"), max_digits=12, decimal_places=2, null=True, blank=True)
    fee_max = models.DecimalField(_("fee up to"), max_digits=12, decimal_places=2, null=True, blank=True)
    fee_currency = models.CharField(_("currency"), max_length=3, default="CNY")
    fee_basis = models.CharField(_("fee basis"), max_length=12, choices=FeeBasis.choices, default=FeeBasis.HOURLY)
    bios = models.JSONField(_("short biography"), default=dict, blank=True)
    is_shared = models.BooleanField(
        _("shared with Delta cities"), default=False, help_text=_("Published in the feed other cities pull.")
    )
    was_shared = models.BooleanField(default=False, editable=False)
    # Worked out from the credentials (services.expert_refresh): no verified credential, or one lapsed, hides
    # the expert from matching.
    credentials_ok = models.BooleanField(_("credentials valid"), default=False, editable=False)
    credentials_expire_on = models.DateField(_("credentials valid until"), null=True, blank=True, editable=False)
    # Filled in by the service desk and mediation as matters close.
    matters_handled = models.PositiveIntegerField(_("matters handled"), default=0)
    median_response_hours = models.DecimalField(
        _("median response time (hours)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    rating_average = models.DecimalField(_("average rating"), max_digits=3, decimal_places=2, null=True, blank=True)
    rating_count = models.PositiveIntegerField(_("ratings"), default=0)
    # Set on profiles pulled from another city.
    source = models.ForeignKey(
        Peer, verbose_name=_("source city"), null=True, blank=True, on_delete=models.CASCADE, related_name="experts"
    )
    external_id = models.UUIDField(_("id at the source"), null=True, blank=True)
    external_institution = models.JSONField(_("institution at the source"), default=dict, blank=True)
    external_url = models.URLField(_("profile at the source"), max_length=500, blank=True)
    external_updated_at = models.DateTimeField(_("updated at the source"), null=True, blank=True)
    search_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["status", "kind"], name="network_expert_status_kind"),
            models.Index(fields=["status", "district_code"], name="network_expert_status_district"),
            models.Index(fields=["is_shared", "updated_at"], name="network_expert_shared"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=models.Q(source__isnull=False),
                name="network_expert_unique_external",
            )
        ]

    def __str__(self) -> str:
        return self.display_name()

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("network:expert", args=[self.public_id])

    def display_name(self, language: str | None = None) -> str:
        language = language or get_language() or ""
        if not language.startswith("zh") and self.name_latin and self.name_latin != self.name:
            return f"{self.name_latin} ({self.name})"
        return self.name

    @property
    def is_external(self) -> bool:
        return self.source_id is not None

    @property
    def is_public(self) -> bool:
        """Verified, and so is the institution it belongs to (an expert of a pending firm is not listed yet)."""
        if self.status != ReviewStatus.VERIFIED:
            return False
        return self.institution_id is None or self.institution.status == ReviewStatus.VERIFIED

    @property
    def is_at_capacity(self) -> bool:
        return self.open_matters >= self.max_matters

    @property
    def is_matchable(self) -> bool:
        return (
            self.is_public
            and self.credentials_ok
            and not self.is_at_capacity
            and self.availability != Availability.UNAVAILABLE
        )

    def bio(self, language: str | None = None) -> str:
        return localized(self.bios, language) if self.bios else ""

    def institution_name(self, language: str | None = None) -> str:
        if self.institution_id:
            return self.institution.name(language)
        return localized(self.external_institution, language) if self.external_institution else ""


class ExpertLanguage(models.Model):
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(
        _("language"), max_length=8, help_text=_("ISO 639-1 code, or ISO 639-3 where there is none.")
    )
    level = models.CharField(_("level"), max_length=8, choices=LanguageLevel.choices, default=LanguageLevel.WORKING)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        ordering = ["expert", "code"]
        constraints = [models.UniqueConstraint(fields=["expert", "code"], name="network_expertlanguage_unique")]

    def __str__(self) -> str:
        return f"{self.code}:{self.level}"


class Credential(models.Model):
    """A licence, appointment or certificate; verified by service-point staff; watched for expiry."""

    expert = models.ForeignKey(Expert, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="credentials")
    kind = models.CharField(_("kind"), max_length=24, choices=CredentialKind.choices)
    issuer = models.CharField(_("issued by"), max_length=200)
    number = models.CharField(_("number"), max_length=60)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=CredentialStatus.choices, default=CredentialStatus.UNVERIFIED
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    # Days before expiry of the last reminder sent (30, 7, 0), so each is sent once.
    reminded_days = models.SmallIntegerField(null=True, blank=True, editable=False)
    is_external = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")
        ordering = ["expert", "kind", "-expires_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "number"],
                condition=models.Q(is_external=False),
                name="network_credential_unique_number",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def is_expired(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.expires_on is not None and self.expires_on < today


class ExpertFacet(models.Model):
    """The directory's inverted index: one row per (expert, facet, value), rebuilt when the expert changes.

    Facet counts and filters read this table alone, which keeps a search with facets fast at 50,000 experts.
    """

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="facets")
    facet = models.CharField(max_length=16)
    value = models.CharField(max_length=60)

    class Meta:
        indexes = [
            models.Index(fields=["facet", "value", "expert"], name="network_facet_lookup"),
            models.Index(fields=["expert", "facet", "value"], name="network_facet_by_expert"),
        ]

    def __str__(self) -> str:
        return f"{self.facet}={self.value}"


class ImportJob(models.Model):
    """A bulk import of institutions and experts from CSV or XLSX: checked in full first, then committed as one."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked, ready to import")
        INVALID = "invalid", _("Has errors")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("file"), upload_to="network/imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows processed"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def percent(self) -> int:
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0
