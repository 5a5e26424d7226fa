"""A staff member's own settings, /staff/profile/: the language of their email and how case
alerts reach them (notifications.alerts). Each member edits only their own account: the page
takes no account from the URL or the form, only the signed-in one."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from ombuds.auth import staff_required
from ombuds.models import User


class AlertPreferenceForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = ["alerts", "language"]
        widgets = {"alerts": forms.RadioSelect, "language": forms.RadioSelect}
        help_texts = {
            "alerts": _(
                "A digest arrives once a day and lists what happened on your cases and what is "
                "due. A change to your own account is always mailed at once."
            ),
        }


@require_http_methods(["GET", "POST"])
@staff_required
def profile(request: HttpRequest) -> HttpResponse:
    member = cast(User, request.user)  # staff_required: a signed-in member
    form = AlertPreferenceForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your settings were saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form, "member": member})
