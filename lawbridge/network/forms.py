"""Forms of the network pages. They parse and present; the services validate and write."""

import pycountry
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lawbridge.core.city import district_choices

from . import taxonomy
from .choices import (
    Availability,
    CredentialKind,
    ExpertKind,
    FeeBasis,
    InstitutionKind,
    LanguageLevel,
    Tier,
    Vocabulary,
)
from .models import ServicePoint


def country_choices() -> list[tuple[str, str]]:
    choices = [(c.alpha_2, taxonomy.country_name(c.alpha_2)) for c in pycountry.countries]
    return sorted(choices, key=lambda pair: pair[1])


def language_choices() -> list[tuple[str, str]]:
    codes = sorted({lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2")})
    return sorted(((code, taxonomy.language_name(code)) for code in codes), key=lambda pair: pair[1])


def apply_service_errors(form: forms.Form, exc: ValidationError, also: forms.Form | None = None) -> None:
    """Put a service's ValidationError on the form: per field where the field exists (on ``also``, a second form
    on the same page, for its own fields), else on the form."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            if also is not None and field in also.fields and field not in form.fields:
                also.add_error(field, messages)
            else:
                form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)


def parse_language_levels(text: str) -> list[tuple[str, str]]:
    """'ja:fluent, en:native' → [("ja", "fluent"), ("en", "native")] (level optional)."""
    pairs = []
    for part in text.replace("，", ",").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        code, _sep, level = part.partition(":")
        pairs.append((code.strip().lower(), level.strip().lower() or LanguageLevel.WORKING))
    return pairs


def parse_places(text: str, first: str) -> list[dict]:
    """Lines of 'name or city, CC' → [{first: …, "country": "CC"}]."""
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        name, _sep, country = line.rpartition(",")
        if not name:
            name, country = country, ""
        rows.append({first: name.strip(), "country": country.strip().upper()})
    return rows


def format_places(rows: list[dict], first: str) -> str:
    return "\n".join(f"{row.get(first, '')}, {row.get('country', '')}".strip(", ") for row in rows or [])


class TermChoiceField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, vocabulary: str, **kwargs):
        super().__init__(choices=(), required=False, **kwargs)
        self.vocabulary = vocabulary

    def refresh(self) -> None:
        self.choices = taxonomy.term_choices(self.vocabulary)


class InstitutionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of institution"), choices=InstitutionKind.choices)
    name = forms.CharField(label=_("Name (as registered)"), max_length=200)
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    licence_number = forms.CharField(
        label=_("Licence number"),
        max_length=60,
        required=False,
        help_text=_("Practice licence or registration number."),
    )
    district_code = forms.ChoiceField(label=_("District"), required=False)
    practice_areas = TermChoiceField(Vocabulary.PRACTICE_AREA, label=_("Practice areas"))
    jurisdictions = forms.MultipleChoiceField(
        label=_("Jurisdictions covered"), required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"), required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    service_points = forms.ModelMultipleChoiceField(
        label=_("Service points it sits in"), queryset=ServicePoint.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    address_zh = forms.CharField(label=_("Address in Chinese"), max_length=300, required=False)
    address_en = forms.CharField(label=_("Address in English"), max_length=300, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("Email address"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    foreign_offices = forms.CharField(
        label=_("Offices abroad"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: city, two-letter country code (for example: Tokyo, JP)."),
    )  # fmt: skip
    partner_firms = forms.CharField(
        label=_("Partner firms abroad"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: firm name, two-letter country code."),
    )  # fmt: skip
    description_zh = forms.CharField(
        label=_("Description in Chinese"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    description_en = forms.CharField(
        label=_("Description in English"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district_code"].choices = [("", "—"), *district_choices()]
        self.fields["practice_areas"].refresh()
        self.fields["jurisdictions"].choices = country_choices()
        self.fields["languages"].choices = language_choices()
        self.fields["service_points"].queryset = ServicePoint.objects.select_related("organisation")
        self.fields["service_points"].label_from_instance = lambda point: point.name()

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["foreign_offices"] = parse_places(data["foreign_offices"], "city")
        data["partner_firms"] = parse_places(data["partner_firms"], "name")
        data["description"] = {
            k: v for k, v in {"zh-hans": data.pop("description_zh"), "en": data.pop("description_en")}.items() if v
        }
        data["service_points"] = list(data["service_points"])
        return data

    @classmethod
    def initial_for(cls, institution) -> dict:
        org = institution.organisation
        return {
            "kind": institution.kind,
            "name": org.name,
            "name_en": org.name_en,
            "licence_number": institution.licence_number,
            "district_code": org.district_code,
            "practice_areas": [t.code for t in institution.practice_areas.all()],
            "jurisdictions": institution.jurisdictions,
            "languages": institution.languages,
            "service_points": list(institution.service_points.all()),
            "address_zh": institution.address_zh,
            "address_en": institution.address_en,
            "phone": institution.phone,
            "email": institution.email,
            "website": institution.website,
            "foreign_offices": format_places(institution.foreign_offices, "city"),
            "partner_firms": format_places(institution.partner_firms, "name"),
            "description_zh": institution.description.get("zh-hans", ""),
            "description_en": institution.description.get("en", ""),
        }


class ExpertForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ExpertKind.choices)
    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("In the script the expert writes it."))
    name_latin = forms.CharField(label=_("Name in Latin script"), max_length=200, required=False)
    email = forms.EmailField(label=_("Email address"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    district_code = forms.ChoiceField(label=_("District where the expert works"), required=False)
    home_city = forms.ChoiceField(label=_("Home city"))
    practice_areas = TermChoiceField(Vocabulary.PRACTICE_AREA, label=_("Practice areas"))
    industries = TermChoiceField(Vocabulary.INDUSTRY, label=_("Industries"))
    jurisdictions = forms.MultipleChoiceField(
        label=_("Jurisdictions the expert can advise on"), required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )  # fmt: skip
    languages = forms.CharField(
        label=_("Languages and levels"), max_length=300,
        help_text=_("Language codes with a level, separated by commas: for example zh:native, en:fluent, ja:working. "
                    "Levels: native, fluent, working, basic."),
    )  # fmt: skip
    years_of_practice = forms.IntegerField(label=_("Years of practice"), min_value=0, max_value=80, required=False)
    tier = forms.ChoiceField(label=_("Tier"), choices=Tier.choices, initial=Tier.STANDARD)
    max_matters = forms.IntegerField(label=_("Most matters at once"), min_value=1, max_value=500, initial=10)
    availability = forms.ChoiceField(label=_("Availability"), choices=Availability.choices)
    fee_min = forms.DecimalField(label=_("Fee from"), min_value=0, max_digits=12, decimal_places=2, required=False)
    fee_max = forms.DecimalField(label=_("Fee up to"), min_value=0, max_digits=12, decimal_places=2, required=False)
    fee_currency = forms.CharField(label=_("Currency"), max_length=3, initial="CNY")
    fee_basis = forms.ChoiceField(label=_("Fee basis"), choices=FeeBasis.choices)
    bio_zh = forms.CharField(
        label=_("Short biography in Chinese"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    bio_en = forms.CharField(
        label=_("Short biography in English"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_shared = forms.BooleanField(label=_("Share this profile with other Yangtze River Delta cities"), required=False)

    def __init__(self, *args, may_set_tier: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district_code"].choices = [("", "—"), *district_choices()]
        self.fields["home_city"].choices = taxonomy.term_choices(Vocabulary.CITY)
        self.fields["home_city"].initial = taxonomy.home_city_code()
        self.fields["practice_areas"].refresh()
        self.fields["industries"].refresh()
        self.fields["jurisdictions"].choices = country_choices()
        if not may_set_tier:
            del self.fields["tier"]  # the pool a person is in is the city's decision

    def clean_fee_currency(self):
        value = self.cleaned_data["fee_currency"].upper()
        if pycountry.currencies.get(alpha_3=value) is None:
            raise ValidationError(_("Use a three-letter ISO 4217 currency code, such as CNY."))
        return value

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["languages"] = parse_language_levels(data["languages"])
        data["bios"] = {k: v for k, v in {"zh-hans": data.pop("bio_zh"), "en": data.pop("bio_en")}.items() if v}
        return data

    @classmethod
    def initial_for(cls, expert) -> dict:
        return {
            "kind": expert.kind,
            "name": expert.name,
            "name_latin": expert.name_latin,
            "email": expert.email,
            "phone": expert.phone,
            "district_code": expert.district_code,
            "home_city": expert.home_city,
            "practice_areas": [t.code for t in expert.practice_areas.all()],
            "industries": [t.code for t in expert.industries.all()],
            "jurisdictions": expert.jurisdictions,
            "languages": ", ".join(f"{lang.code}:{lang.level}" for lang in expert.languages.all()),
            "years_of_practice": expert.years_of_practice,
            "tier": expert.tier,
            "max_matters": expert.max_matters,
            "availability": expert.availability,
            "fee_min": expert.fee_min,
            "fee_max": expert.fee_max,
            "fee_currency": expert.fee_currency,
            "fee_basis": expert.fee_basis,
            "bio_zh": expert.bios.get("zh-hans", ""),
            "bio_en": expert.bios.get("en", ""),
            "is_shared": expert.is_shared,
        }


class CredentialForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of credential"), choices=CredentialKind.choices)
    issuer = forms.CharField(label=_("Issued by"), max_length=200)
    number = forms.CharField(label=_("Number"), max_length=60)
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, prefix="credential", **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Verify and publish")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (shown to the applicant)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why, so the applicant can put it right."))
        return data
