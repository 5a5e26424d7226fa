"""Public forms: file a complaint, open a case with its receipt, add information, withdraw."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import attachments, receipts
from cases.models import (
    DiscriminationGround,
    FilingMode,
    Language,
    RespondentType,
    Right,
    VulnerableGroup,
)

PHONE_RE = re.compile(r"^\+?[0-9 ()\-.]{7,24}$")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_TEXT = 20_000


def clean_text(value: str) -> str:
    """Drop control characters (NULs included) that no person types; keep newlines and tabs."""
    return CONTROL_RE.sub("", value).strip()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files in one input, each checked by content; cleans to [(file, content type)]."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[tuple[UploadedFile, str]]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > settings.OMBUDS_MAX_ATTACHMENTS:
            raise ValidationError(
                _("Please attach at most %(count)s files.")
                % {"count": settings.OMBUDS_MAX_ATTACHMENTS}
            )
        checked, errors = [], []
        for upload in files:
            try:
                checked.append((upload, attachments.validate_upload(upload)))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return checked


class TextField(forms.CharField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> str:
        return clean_text(super().to_python(value) or "")


class PhoneField(TextField):
    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and not PHONE_RE.match(value):
            raise ValidationError(
                _("Enter a phone number using digits, for example 010-1234-5678.")
            )


class FixedChoicesMixin:
    """For a choice field whose choices are set once, where it is declared: each form gets a
    shallow copy of them. Django copies a form's fields for every form made, and deep-copies
    every choice of every choice field; the choices are immutable (value, label) pairs, and
    copying the complaint form's eighty of them deeply was a tenth of an intake POST."""

    _choices: list[Any]

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        result = forms.Field.__deepcopy__(self, memo)  # type: ignore[attr-defined]
        result._choices = list(self._choices)
        return result


class FixedChoiceField(FixedChoicesMixin, forms.ChoiceField):
    pass


class DistinctChoicesField(FixedChoicesMixin, forms.MultipleChoiceField):
    """Several choices; one sent twice (a repeated key) counts once."""

    def clean(self, value: Any) -> list[str]:
        return list(dict.fromkeys(super().clean(value)))


class ComplaintForm(forms.Form):
    """The complaint, in three parts: who is complaining, what happened, and evidence."""

    filing_mode = FixedChoiceField(
        label=_("How are you filing this complaint?"),
        choices=FilingMode.choices,
        widget=forms.RadioSelect,
        initial=FilingMode.SELF,
    )
    name = TextField(
        label=_("Your name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        max_length=254,
        help_text=_("We will tell you by email when your case moves on."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    no_email_updates = forms.BooleanField(
        label=_("Do not send me email updates: I will check the tracking page"),
        required=False,
    )
    phone = PhoneField(
        label=_("Phone number"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    address = TextField(
        label=_("Postal address"),
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    language = FixedChoiceField(
        label=_("Language for our replies"),
        choices=Language.choices,
        widget=forms.RadioSelect,
    )
    victim_name = TextField(label=_("Name of the person affected"), max_length=100)
    victim_contact = TextField(
        label=_("How can we reach the person affected?"),
        max_length=300,
        help_text=_("A phone number, email or address, if you know one."),
    )
    relationship = TextField(label=_("Your relationship to them"), max_length=100)
    victim_consents = FixedChoiceField(
        label=_("Does the person affected agree to this complaint?"),
        choices=[("yes", _("Yes")), ("no", _("No")), ("unknown", _("I have not been able to ask"))],
        widget=forms.RadioSelect,
        required=False,
    )

    narrative = TextField(
        label=_("What happened?"),
        required=True,
        max_length=MAX_TEXT,
        help_text=_("Describe what happened, who was involved and how it affected you."),
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    incident_date = forms.DateField(
        label=_("When did it happen?"),
        required=False,
        help_text=_(
            "The date, or the first date if it went on for a while. Leave empty if unsure."
        ),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    incident_place = TextField(label=_("Where did it happen?"), max_length=300)
    respondent_type = FixedChoiceField(
        label=_("Who do you complain about?"),
        choices=RespondentType.choices,
        widget=forms.RadioSelect,
    )
    respondent_name = TextField(
        label=_("Name of the office, agency or facility"),
        required=True,
        max_length=200,
        help_text=_("For example: Dong-gu Office, Welfare Policy Division."),
    )
    rights = DistinctChoicesField(
        label=_("Which rights are concerned?"),
        choices=Right.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose all that apply."),
    )
    discrimination_ground = FixedChoiceField(
        label=_("If you were treated unequally: on what ground?"),
        choices=[("", _("Choose a ground")), *DiscriminationGround.choices],
        required=False,
    )
    vulnerable_groups = DistinctChoicesField(
        label=_("Do any of these describe the person affected? (optional)"),
        choices=VulnerableGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Only if you wish: this helps us see who is affected. It is never published."),
    )
    desired_outcome = TextField(
        label=_("What would you like to happen?"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    evidence = EvidenceField(
        label=_("Evidence (optional)"),
        required=False,
        help_text=_("Photos, PDF or office documents, up to 5 files of 10 MB each."),
    )
    privacy_consent = forms.BooleanField(
        label=_(
            "I agree that the office collects and uses the personal information in this form"
            " to handle my complaint."
        ),
        error_messages={"required": _("We need your agreement to handle the complaint.")},
    )
    # A field people never see: a bot that fills it in is turned away.
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    submission = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, language: str = Language.KOREAN, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = language

    def clean_incident_date(self) -> Any:
        value = self.cleaned_data["incident_date"]
        if value and value > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return value

    IDENTITY = ("name", "email", "phone", "address", "victim_name", "victim_contact")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._clean_people(data)
        if Right.EQUALITY in data.get("rights", []) and not data.get("discrimination_ground"):
            self.add_error(
                "discrimination_ground", _("Please choose the ground of discrimination.")
            )
        return data

    def _clean_people(self, data: dict[str, Any]) -> None:
        mode = data.get("filing_mode")
        if mode == FilingMode.ANONYMOUS:
            data.update(dict.fromkeys(self.IDENTITY, ""))
            return
        self._require(data, "name", _("Please tell us your name, or choose to file anonymously."))
        if not (data.get("email") or data.get("phone") or data.get("address")):
            self.add_error(
                "email", _("Give at least one way to reach you: email, phone or address.")
            )
        if mode == FilingMode.ON_BEHALF:
            self._require(data, "victim_name", _("Please tell us who was affected."))
            self._require(
                data, "victim_consents", _("Please tell us whether the person affected agrees.")
            )

    def _require(self, data: dict[str, Any], name: str, message: Any) -> None:
        if not data.get(name) and name not in self.errors:
            self.add_error(name, message)

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class TrackForm(forms.Form):
    reference = forms.CharField(
        label=_("Case reference"),
        max_length=40,
        help_text=_("For example 2026-7KQ3-MX4D"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    access_key = forms.CharField(
        label=_("Access key"),
        max_length=80,
        help_text=_("The secret key on your receipt. Dashes and spaces do not matter."),
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["reference"] = receipts.normalise_reference(data.get("reference", ""))
        data["access_key"] = receipts.normalise_access_key(data.get("access_key", ""))
        return data


class AddInformationForm(forms.Form):
    message = TextField(
        label=_("Additional information"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    evidence = EvidenceField(
        label=_("More evidence (optional)"),
        required=False,
        help_text=_("Photos, PDF or office documents, up to 5 files of 10 MB each."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("message") and not data.get("evidence") and not self.errors:
            raise ValidationError(_("Write something or attach a file."))
        return data


class WithdrawForm(forms.Form):
    reason = TextField(
        label=_("Why are you withdrawing? (optional)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that withdrawing closes my complaint."),
        error_messages={"required": _("Please confirm that you want to withdraw.")},
    )
