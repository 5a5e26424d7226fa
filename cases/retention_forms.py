"""The ombudsperson's forms for legal holds and erasure on request (cases.retention)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import TextField
from cases.retention import ErasureGround, HoldEnd


class SetHoldForm(forms.Form):
    reason = TextField(
        label=_("Why the case's personal data must be kept"),
        help_text=_(
            "For example the court, authority or request that needs it, and its reference."
            " Kept encrypted with the case, and shown to ombudspersons only."
        ),
        required=True,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LiftHoldForm(forms.Form):
    ground = forms.ChoiceField(
        label=_("Why the hold ends"), choices=HoldEnd.choices, widget=forms.RadioSelect
    )


class ErasureGroundForm(forms.Form):
    """Step one: why this case is erased before its time."""

    ground = forms.ChoiceField(
        label=_("Why this case is erased now"),
        choices=ErasureGround.choices,
        widget=forms.RadioSelect,
    )


class ErasureConfirmForm(ErasureGroundForm):
    """Step two: the reference typed again, as a deliberate act."""

    reference = forms.CharField(
        label=_("Type the case reference to confirm"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, expected: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected
        self.fields["ground"].widget = forms.HiddenInput()

    def clean_reference(self) -> str:
        typed = "".join(str(self.cleaned_data["reference"]).split()).upper()
        if typed != self.expected.upper():
            raise forms.ValidationError(
                _("This is not the reference of this case. Nothing was erased.")
            )
        return typed
