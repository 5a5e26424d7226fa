"""The office's list of respondent bodies (ombudsperson), and coding a case's respondent."""

from __future__ import annotations

from http import HTTPStatus

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases import access
from cases.models import RespondentBody
from cases.respondents import (
    CaseChanged,
    CodeRespondentForm,
    RespondentBodyForm,
    body_label,
    case_code_respondent,
    may_code,
)
from cases.views.staff import _no_store, case_staff
from ombuds.roles import Role, roles_of


@require_http_methods(["GET", "POST"])
@case_staff
def code_respondent(request: HttpRequest, reference: str) -> HttpResponse:
    case = access.access_case(request.user, reference)
    if not may_code(request.user, case):
        return render(request, "staff/not_allowed.html", {"case": case},
                      status=HTTPStatus.FORBIDDEN)  # fmt: skip
    initial = {"version": case.version, "body": case.respondent_body_id}
    form = CodeRespondentForm(request.POST or None, initial=initial)
    status = HTTPStatus.OK
    if request.method == "POST" and form.is_valid():
        try:
            case_code_respondent(
                case=case, actor=request.user,  # type: ignore[arg-type]
                version=form.cleaned_data["version"], body=form.cleaned_data["body"],
            )  # fmt: skip
        except CaseChanged:
            form.add_error(None, _("Someone changed this case after you opened it. Choose again."))
            form = CodeRespondentForm(request.POST, initial={"version": case.version})
            status = HTTPStatus.CONFLICT
        else:
            messages.success(request, _("The respondent body is recorded."))
            return redirect("staff:case", reference=case.reference)
    context = {"case": case, "form": form}
    return _no_store(render(request, "staff/code_respondent.html", context, status=status))


@require_http_methods(["GET", "POST"])
@case_staff
def respondent_bodies(request: HttpRequest) -> HttpResponse:
    """The list, and one form: a new body, or the body named by `?edit=<id>`."""
    if Role.OMBUDSPERSON not in roles_of(request.user):
        return render(request, "staff/not_allowed.html", status=HTTPStatus.FORBIDDEN)
    edit = request.GET.get("edit", "")
    body = RespondentBody.objects.filter(pk=edit).first() if edit.isdigit() else None
    form = RespondentBodyForm(request.POST or None, instance=body)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The list of respondent bodies is saved."))
        return redirect("staff:respondent_bodies")
    context = {
        "form": form,
        "editing": body,
        "bodies": [(b, body_label(b)) for b in RespondentBody.objects.all()],
    }
    return _no_store(render(request, "staff/respondent_bodies.html", context))
