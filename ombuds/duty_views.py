"""The two-person requests page, /staff/duties/ (ombuds.duties): system administrators ask,
ombudspersons decide. Every other role gets the usual 403."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from ombuds import duties
from ombuds.auth import role_required
from ombuds.models import DutyRequest, User
from ombuds.roles import Role, roles_of


class DutyRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("What"), choices=DutyRequest.Kind.choices)
    username = forms.CharField(label=_("Staff member (username)"), max_length=150)
    role = forms.ChoiceField(
        label=_("Case role (to grant or remove)"),
        required=False,
        choices=[("", "—"), *((r.value, r.label) for r in duties.CASE_ROLES)],
    )

    def clean_username(self) -> User:
        user = User.objects.filter(username=self.cleaned_data["username"]).first()
        if user is None:
            raise forms.ValidationError(_("There is no staff member with this username."))
        return user


def _page(request: HttpRequest, form: DutyRequestForm | None = None) -> HttpResponse:
    duties.expire_stale()
    roles = roles_of(request.user)
    recent = DutyRequest.objects.select_related("subject", "requested_by", "decided_by")
    context: dict[str, Any] = {
        "asks": Role.SYSADMIN in roles,
        "decides": Role.OMBUDSPERSON in roles,
        "form": form or DutyRequestForm(),
        "pending": recent.filter(status=DutyRequest.Status.PENDING).order_by("expires_at"),
        "recent": recent.exclude(status=DutyRequest.Status.PENDING).order_by("-decided_at")[:50],
    }
    return render(request, "staff/duties.html", context)


@require_http_methods(["GET", "POST"])
@role_required(Role.SYSADMIN, Role.OMBUDSPERSON)
def duties_page(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    form = DutyRequestForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            duties.request_change(kind=data["kind"], subject=data["username"],
                                  requested_by=request.user, role=data["role"])  # type: ignore[arg-type]  # fmt: skip
        except duties.DutyRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Asked. It takes effect once an ombudsperson approves."))
            return redirect("accounts:duties")
    return _page(request, form)


@require_POST
@role_required(Role.OMBUDSPERSON)
def duty_decide(request: HttpRequest) -> HttpResponse:
    number = request.POST.get("request", "")
    asked = get_object_or_404(DutyRequest, pk=int(number) if number.isdigit() else 0)
    approve = request.POST.get("decision") == "approve"
    try:
        duties.decide(request=asked, approver=request.user, approve=approve)  # type: ignore[arg-type]
    except duties.DutyRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Approved: done.") if approve else _("Refused."))
    return redirect("accounts:duties")
