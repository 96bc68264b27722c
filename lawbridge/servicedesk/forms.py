"""Forms of the service desk pages. They parse and present; the services validate and write.

Triage forms carry the request's ``version`` as it was when the page was rendered, so a change made meanwhile by
another officer is refused (``services.StaleRequest``) instead of silently overwritten.
"""

import pycountry
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lawbridge.accounts.choices import OrganisationKind, Role
from lawbridge.accounts.models import Organisation
from lawbridge.core.city import district_choices
from lawbridge.network import taxonomy
from lawbridge.network.forms import apply_service_errors, country_choices, language_choices

from . import services
from .choices import NEED_STAGE, Need, Stage, Urgency

__all__ = ["apply_service_errors"]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked like the service checks it (type by content, size)."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > services.MAX_ATTACHMENTS:
            raise ValidationError(_("At most 10 attachments."))
        errors, cleaned = [], []
        for upload in files:
            upload = super().clean(upload, initial)
            if upload.size > services.MAX_ATTACHMENT_BYTES:
                errors.append(_("%(name)s is larger than 10 MB.") % {"name": upload.name})
                continue
            content = upload.read()
            try:
                services.check_attachment(upload.name, content)
            except ValidationError as exc:
                errors += exc.messages
                continue
            cleaned.append((upload.name, content))
        if errors:
            raise ValidationError(errors)
        return cleaned


def need_groups() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """[(stage, stage label, [(need, need label), …]), …] in the order of the chain: prevention, control, remedy."""
    return [
        (stage.value, stage.label, [(need.value, need.label) for need in Need if NEED_STAGE[need] == stage])
        for stage in Stage
    ]


# Short help under each need on the intake page.
NEED_HELP = {
    Need.COMPLIANCE_CHECK: _("Export controls, sanctions, data or anti-corruption rules before you act."),
    Need.CONTRACT_REVIEW: _("Check a contract with a foreign party before you sign."),
    Need.MARKET_ENTRY: _("Investing, setting up or listing abroad."),
    Need.FOREIGN_LAW_QUESTION: _("What the law of another country says on a point."),
    Need.ASSET_FREEZE: _("Money or assets abroad are frozen or an account is blocked."),
    Need.CUSTOMS_SEIZURE: _("Goods are held by customs at home or abroad."),
    Need.PLATFORM_TAKEDOWN: _("A listing was taken down or an online store suspended."),
    Need.COUNTERPARTY_BREACH: _("A foreign party does not pay or deliver and you are still talking."),
    Need.MEDIATION: _("Settle a dispute with the help of a mediator."),
    Need.ARBITRATION: _("A dispute before an arbitral tribunal."),
    Need.LITIGATION: _("A lawsuit in a court at home or abroad."),
    Need.LEGAL_AID: _("Free legal help for those who qualify."),
    Need.NOTARIZATION: _("Documents to be notarized, legalized or apostilled for use abroad."),
}


def enterprises_of(user):
    """The enterprises ``user`` may file for."""
    return Organisation.objects.filter(
        kind=OrganisationKind.ENTERPRISE,
        memberships__user=user,
        memberships__is_active=True,
        memberships__role__in=[Role.ENTERPRISE_MEMBER, Role.ENTERPRISE_ADMIN],
    ).distinct()


def service_points():
    return Organisation.objects.filter(kind=OrganisationKind.SERVICE_POINT).order_by("service_point_level", "name")


class IntakeForm(forms.Form):
    need = forms.ChoiceField(
        label=_("What do you need?"), choices=Need.choices, widget=forms.RadioSelect, label_suffix=""
    )
    title = forms.CharField(
        label=_("In one line"), max_length=200, help_text=_("For example: Goods held by customs in Hamburg.")
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries involved"), widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
    )  # fmt: skip
    languages = forms.MultipleChoiceField(
        label=_("Languages you can work in"), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    industry = forms.ChoiceField(label=_("Industry"), required=False)
    urgency = forms.ChoiceField(
        label=_("How urgent is it?"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        widget=forms.RadioSelect,
        label_suffix="",
    )
    amount = forms.DecimalField(
        label=_("Amount at stake"), min_value=0, max_digits=16, decimal_places=2, required=False
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="CNY")
    deadline = forms.DateField(
        label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("A hearing, a reply or a payment date, if there is one."),
    )  # fmt: skip
    counterparties = forms.CharField(
        label=_("Counterparties"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One name per line: we check that the provider has no conflict of interest."),
    )  # fmt: skip
    description = forms.CharField(
        label=_("What happened or is needed"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000
    )
    attachments = MultipleFileField(
        label=_("Attachments"), help_text=_("PDF, Word (.docx), Excel (.xlsx), PNG or JPEG; each up to 10 MB.")
    )
    district_code = forms.ChoiceField(
        label=_("Your district"), required=False,
        help_text=_("Your request goes to the sub-center of this district; without one, to the service center."),
    )  # fmt: skip
    service_point = forms.ModelChoiceField(
        label=_("Or a service point of your choice"), queryset=Organisation.objects.none(), required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("For"), queryset=Organisation.objects.none(), required=False, empty_label=_("Myself")
    )
    self_service = forms.BooleanField(
        label=_("I would like to choose the provider myself from the matched list"),
        required=False,
        help_text=_("Staff still check the request first; then you see the ranked providers and send the offers."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["countries"].choices = country_choices()
        self.fields["languages"].choices = language_choices()
        self.fields["industry"].choices = [("", "—"), *taxonomy.term_choices("industry")]
        self.fields["district_code"].choices = [("", "—"), *district_choices()]
        self.fields["service_point"].queryset = service_points()
        self.fields["service_point"].label_from_instance = lambda point: point.display_name()
        enterprises = enterprises_of(user) if user is not None else Organisation.objects.none()
        if enterprises.exists():
            self.fields["organisation"].queryset = enterprises
            self.fields["organisation"].label_from_instance = lambda org: org.display_name()
        else:
            del self.fields["organisation"]

    def clean_currency(self):
        value = self.cleaned_data["currency"].strip().upper()
        if pycountry.currencies.get(alpha_3=value) is None:
            raise ValidationError(_("Use a three-letter ISO 4217 currency code, such as CNY."))
        return value

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["counterparties"] = [line.strip() for line in data["counterparties"].splitlines() if line.strip()]
        data.setdefault("organisation", None)
        return data


class VersionForm(forms.Form):
    """Carries the version of the request the page showed."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AcceptForm(VersionForm):
    pass


class AskForm(VersionForm):
    question = forms.CharField(
        label=_("What is missing?"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000, label_suffix=""
    )


class MergeForm(VersionForm):
    into = forms.CharField(
        label=_("Number of the request that carries on"), max_length=24, help_text=_("For example HZ-2026-000123.")
    )


class ReasonForm(VersionForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)
    attachments = MultipleFileField(label=_("More attachments"))


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How was the service?"), coerce=int, widget=forms.RadioSelect, label_suffix="",
        choices=[(n, str(n)) for n in range(1, 6)],
    )  # fmt: skip
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome for the requester"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you decline?"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000, label_suffix=""
    )


class OffersForm(forms.Form):
    experts = forms.MultipleChoiceField(
        label=_("Providers"), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose one to three providers.")},
    )  # fmt: skip

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["experts"].choices = list(choices)

    def clean_experts(self):
        chosen = self.cleaned_data["experts"]
        if not 1 <= len(chosen) <= services.MAX_OFFERS_AT_ONCE:
            raise ValidationError(_("Offer to one to three providers at a time."))
        return chosen
