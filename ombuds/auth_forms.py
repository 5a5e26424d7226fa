"""Forms of the staff sign-in and of the auditors' access-log page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from ombuds.accesslog import AccessAction, LogFilters
from ombuds.models import User


class LoginForm(AuthenticationForm):
    """Username and password; `authenticate` runs django-axes' lockout check first."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(autocomplete="username", autofocus=True)
        self.fields["password"].widget.attrs.update(autocomplete="current-password")


class TokenForm(forms.Form):
    """A six-digit code from the authenticator app."""

    token = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("Six digits. A new code appears every 30 seconds."),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        token = "".join(str(self.cleaned_data["token"]).split())
        if not token.isdigit():
            raise forms.ValidationError(_("Enter the digits only."))
        return token


class BackupCodeForm(forms.Form):
    """One of the member's one-time backup codes (ombuds.recovery)."""

    code = forms.CharField(
        label=_("Backup code"),
        help_text=_("Ten letters and digits, from the list you kept. Each code works once."),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "autofocus": True,
                   "spellcheck": "false"}
        ),
    )  # fmt: skip


class PasswordCheckForm(forms.Form):
    """The member's own password, asked again before a sensitive change to their account."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = str(self.cleaned_data["password"])
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."))
        return password


class AccessLogFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    user = forms.ModelChoiceField(
        label=_("Staff member"),
        required=False,
        queryset=User.objects.order_by("username"),
        empty_label=_("Everyone"),
    )
    case_reference = forms.CharField(label=_("Case reference"), required=False, max_length=40)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Any")), *AccessAction.choices]
    )

    def filters(self) -> LogFilters:
        if not self.is_bound or not self.is_valid():
            return LogFilters()
        data = self.cleaned_data
        return LogFilters(
            date_from=data["date_from"],
            date_to=data["date_to"],
            user_id=data["user"].pk if data["user"] else None,
            case_reference=data["case_reference"].strip(),
            action=data["action"],
        )
