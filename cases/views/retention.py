"""The ombudsperson's retention pages: legal holds and erasure on a petitioner's request
(cases.retention, docs/design.md §4).

On a closed case not yet erased, the ombudsperson sets a hold (with a reason, kept sealed) or
lifts it (with a coded ground); erases the case in two steps (a coded ground, then a page that
restates the reference and what goes, and asks for the reference typed again); and lists the
held cases. Everyone else gets the usual answers: 404 for a case they may not see
(`access_case`), 403 otherwise. Every change is in the hash-chained access log.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases import access, retention
from cases.models import Case
from cases.retention_forms import ErasureConfirmForm, ErasureGroundForm, LiftHoldForm, SetHoldForm
from cases.views.staff import _no_store, case_staff
from notifications.models import Notification
from ombuds.roles import Role, roles_of


def _refused(request: HttpRequest, case: Case | None = None) -> HttpResponse:
    context = {"case": case} if case is not None else {}
    return render(request, "staff/not_allowed.html", context, status=HTTPStatus.FORBIDDEN)


@require_GET
@case_staff
def held_cases(request: HttpRequest) -> HttpResponse:
    if Role.OMBUDSPERSON not in roles_of(request.user):
        return _refused(request)
    rows = retention.held(request.user).only(
        "reference", "state", "outcome", "closed_at", "legal_hold_since"
    )
    return _no_store(render(request, "staff/held_cases.html", {"rows": rows}))


@require_http_methods(["GET", "POST"])
@case_staff
def legal_hold(request: HttpRequest, reference: str) -> HttpResponse:
    case = access.access_case(request.user, reference)
    if not retention.may_keep_or_erase(request.user, case):
        return _refused(request, case)
    held = case.legal_hold_since is not None
    form_class = LiftHoldForm if held else SetHoldForm
    form = form_class(request.POST if request.method == "POST" else None)
    if form.is_valid():
        actor = request.user
        if held:
            retention.lift_legal_hold(case, actor=actor, ground=form.cleaned_data["ground"])  # type: ignore[arg-type]
            messages.success(request, _("The legal hold is lifted."))
        else:
            retention.set_legal_hold(case, actor=actor, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
            messages.success(request, _("The case is under legal hold."))
        return redirect("staff:case", reference=case.reference)
    context = {"case": case, "form": form, "held": held}
    return _no_store(render(request, "staff/legal_hold.html", context))


def _what_goes(case: Case) -> dict[str, Any]:
    """What erasure destroys, counted (no names: this page restates, it does not show)."""
    return {
        "people": case.people.count(),
        "files": case.attachments.count(),
        "entries": case.events.count(),
        "mail": Notification.objects.filter(data_key=case.data_key).count(),
    }


@require_http_methods(["GET", "POST"])
@case_staff
def erase(request: HttpRequest, reference: str) -> HttpResponse:
    case = access.access_case(request.user, reference)
    if not retention.may_keep_or_erase(request.user, case):
        return _refused(request, case)
    if request.method == "POST" and request.POST.get("step") == "confirm":
        confirm = ErasureConfirmForm(request.POST, expected=case.reference)
        if confirm.is_valid():
            ground = confirm.cleaned_data["ground"]
            retention.erase(case, rule=retention.ON_REQUEST, actor=request.user, ground=ground)  # type: ignore[arg-type]
            messages.success(request, _("The personal data of this case is erased."))
            return redirect("staff:case", reference=case.reference)
        return _confirm_page(request, case, confirm)
    first = ErasureGroundForm(request.POST if request.method == "POST" else None)
    if first.is_valid():
        initial = {"ground": first.cleaned_data["ground"]}
        confirm = ErasureConfirmForm(initial=initial, expected=case.reference)
        return _confirm_page(request, case, confirm)
    context = {"case": case, "form": first}
    return _no_store(render(request, "staff/erase.html", context))


def _confirm_page(request: HttpRequest, case: Case, form: ErasureConfirmForm) -> HttpResponse:
    ground = form.data.get("ground") if form.is_bound else form.initial.get("ground")
    context = {
        "case": case,
        "form": form,
        "ground_label": dict(retention.ErasureGround.choices).get(str(ground), ""),
        "goes": _what_goes(case),
    }
    return _no_store(render(request, "staff/erase_confirm.html", context))
