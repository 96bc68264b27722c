"""Forms about people and organisations. Thin: they parse and validate input, services do the writing."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from lawbridge.core.city import district_choices

from . import services
from .choices import AccountType, Role
from .models import Organisation
from .validators import normalise_uscc, validate_uscc


def language_field(**kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Preferred language"), choices=settings.LANGUAGES, initial=_current_language, **kwargs
    )


def _current_language() -> str:
    from django.utils.translation import get_language

    language = get_language()
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form: who is registering, and for an enterprise, which one."""

    account_type = forms.ChoiceField(
        label=_("I am registering as"),
        choices=[
            (AccountType.INDIVIDUAL, _("an individual (including foreigners)")),
            (AccountType.ENTERPRISE, _("an enterprise")),
        ],
        widget=forms.RadioSelect,
        initial=AccountType.INDIVIDUAL,
    )
    full_name = forms.CharField(
        label=_("Full name"), max_length=200, help_text=_("As in your passport or ID, in Latin or Chinese script.")
    )
    name_latin = forms.CharField(
        label=_("Name in Latin script"),
        max_length=200,
        required=False,
        help_text=_("Only if your name above is not in Latin letters, e.g. ZHANG San."),
    )
    nationality = forms.ChoiceField(label=_("Nationality"), required=False)
    language = language_field()
    company_name = forms.CharField(label=_("Enterprise name"), max_length=200, required=False)
    company_name_en = forms.CharField(label=_("Enterprise name in English"), max_length=200, required=False)
    uscc = forms.CharField(
        label=_("Unified social credit code"),
        max_length=24,
        required=False,
        help_text=_("The 18-character code on the business licence."),
    )
    district_code = forms.ChoiceField(label=_("District"), required=False)

    enterprise_fields = ("company_name", "company_name_en", "uscc", "district_code")
    personal_field_names = ("full_name", "name_latin", "nationality", "language", "email", "password1", "password2")

    def personal_fields(self):
        return [self[name] for name in self.personal_field_names if name in self.fields]

    def company_fields(self):
        return [self[name] for name in self.enterprise_fields]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nationality"].choices = [("", "—")] + list(countries)
        self.fields["district_code"].choices = [("", "—")] + district_choices()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("account_type") == AccountType.ENTERPRISE:
            if not cleaned.get("company_name"):
                self.add_error("company_name", _("Enter the enterprise's registered name."))
            uscc = normalise_uscc(cleaned.get("uscc", ""))
            if not uscc:
                self.add_error("uscc", _("Enter the unified social credit code."))
            else:
                try:
                    validate_uscc(uscc)
                except ValidationError as exc:
                    self.add_error("uscc", exc)
                else:
                    if Organisation.objects.filter(uscc=uscc).exists():
                        self.add_error(
                            "uscc",
                            _("This enterprise is already registered. Ask its administrator to add you as a member."),
                        )
                    cleaned["uscc"] = uscc
        return cleaned

    def signup(self, request, user):
        """Called by allauth once the user row exists."""
        data = self.cleaned_data
        services.individual_register(
            user=user,
            full_name=data["full_name"],
            name_latin=data.get("name_latin", ""),
            nationality=data.get("nationality", ""),
            language=data["language"],
        )
        if data["account_type"] == AccountType.ENTERPRISE:
            services.enterprise_register(
                user=user,
                company_name=data["company_name"],
                company_name_en=data.get("company_name_en", ""),
                uscc=data["uscc"],
                district_code=data.get("district_code", ""),
            )


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    name_latin = forms.CharField(label=_("Name in Latin script"), max_length=200, required=False)
    nationality = forms.ChoiceField(label=_("Nationality"), required=False)
    language = language_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nationality"].choices = [("", "—")] + list(countries)


class NotificationSettingsForm(forms.Form):
    email_kinds = forms.MultipleChoiceField(
        label=_("Also send these notifications to me by email"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email_kinds"].choices = [(kind.code, kind.label) for kind in kinds]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=100, help_text=_("What the token is for, e.g. “ERP sync”.")
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("Expires after"),
        coerce=int,
        choices=[(30, _("30 days")), (90, _("90 days")), (365, _("one year"))],
        initial=90,
    )


class OrganisationForm(forms.Form):
    """What an organisation's own administrator may change. The registered name and credit code are
    changed by platform staff, since verification rests on them."""

    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    district_code = forms.ChoiceField(label=_("District"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district_code"].choices = [("", "—")] + district_choices()

    @classmethod
    def for_organisation(cls, organisation):
        return cls(initial={"name_en": organisation.name_en, "district_code": organisation.district_code})


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    role = forms.ChoiceField(label=_("Role"))
    language = language_field()

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in Role if r in roles]


class StaffAccountForm(InviteForm):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())

    field_order = ["organisation", "role", "email", "full_name", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, roles=list(Role), **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.exclude(kind="enterprise").order_by("kind", "name")
