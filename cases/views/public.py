"""Public pages, no login: file a complaint, read the receipt, follow the case.

Views bind a form, call one service and render or redirect. A case opened with its receipt is
remembered in the session only (never in a URL), for `SESSION_COOKIE_AGE` of inactivity.
"""

from __future__ import annotations

import logging
import time
import uuid
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import DatabaseError
from django.forms import MultipleChoiceField
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from cases import attachments, selectors, services, texts
from cases.forms import AddInformationForm, ComplaintForm, TrackForm, WithdrawForm
from cases.models import Case, Language
from notifications import services as notifications
from notifications.models import Suppression
from ombuds import throttle
from ombuds.accesslog import AccessAction, record_access

TRACKING = "tracking"
NOT_STORED = gettext_lazy(
    "We could not store your complaint because of a problem on our side, and nothing was"
    " filed. What you typed is kept below: please send it again in a few minutes. (Should it"
    " have been stored after all, sending it again shows its receipt: it is never filed twice.)"
)
NOT_ADDED = gettext_lazy(
    "We could not add this to your case because of a problem on our side, and nothing was"
    " added. What you typed is kept below: please send it again in a few minutes."
)

logger = logging.getLogger(__name__)


def _language() -> str:
    language = (get_language() or Language.KOREAN)[:2]
    return language if language in Language.values else Language.KOREAN


def _private(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    response["Cache-Control"] += ", no-store"
    return response


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/home.html")


@require_http_methods(["GET", "POST"])
def complaint(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = ComplaintForm(initial={"submission": uuid.uuid4()}, language=_language())
        return render(request, "cases/complaint.html", {"form": form, "carry_form": "complaint"})
    if request.POST.get("switch_language") in Language.values:
        return _switch_language(request, request.POST["switch_language"])
    form = ComplaintForm(request.POST, request.FILES, language=_language())
    if form.is_bot:
        return render(request, "cases/rejected.html", status=HTTPStatus.BAD_REQUEST)
    try:
        allowed = throttle.allow("intake", request)
    except DatabaseError as error:  # the rate limit's row could not be written either
        form.is_valid()
        return _not_stored(request, form, error)
    if not allowed:
        form.is_valid()
        form.add_error(
            None,
            _(
                "Too many complaints were sent from this connection. Please wait an hour"
                " and send again: what you typed is kept below."
            ),
        )
        return _form_again(request, form, HTTPStatus.TOO_MANY_REQUESTS)
    if not form.is_valid():
        return _form_again(request, form, HTTPStatus.OK)
    reissued = False
    try:
        filed = services.case_file(data=form.cleaned_data, evidence=form.cleaned_data["evidence"])
    except services.DuplicateSubmission as duplicate:
        again = services.case_reissue_receipt(case=duplicate.case)
        if again is None:
            reference = {"reference": duplicate.case.reference}
            return _private(render(request, "cases/already_received.html", reference))
        filed, reissued = again, True
    except (DatabaseError, OSError) as error:
        return _not_stored(request, form, error)
    context: dict[str, Any] = {
        "case": filed.case,
        "access_key": filed.access_key,
        "notified": bool(form.cleaned_data.get("email")),
        "reissued": reissued,
    }
    return _private(render(request, "cases/receipt.html", context))


def _not_stored(request: HttpRequest, form: ComplaintForm, error: Exception) -> HttpResponse:
    """The database or the disk failed before the commit: say so, and keep what was typed. The
    form keeps its submission token, so if it was stored after all, sending it again shows its
    receipt rather than filing it twice."""
    logger.error("a complaint could not be stored (%s)", type(error).__name__)
    form.add_error(None, NOT_STORED)
    return _form_again(request, form, HTTPStatus.SERVICE_UNAVAILABLE)


def _switch_language(request: HttpRequest, language: str) -> HttpResponse:
    """The language buttons submit the complaint form itself, so nothing typed is lost."""
    translation.activate(language)
    request.LANGUAGE_CODE = language
    multiple = {
        n for n, f in ComplaintForm.base_fields.items() if isinstance(f, MultipleChoiceField)
    }
    typed = {
        name: request.POST.getlist(name) if name in multiple else request.POST.get(name)
        for name in ComplaintForm.base_fields
        if name in request.POST
    }
    form = ComplaintForm(initial=typed, language=language)
    lost_files = [f.name for f in request.FILES.getlist("evidence")]
    context = {"form": form, "lost_files": lost_files, "carry_form": "complaint"}
    response = _private(render(request, "cases/complaint.html", context))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE, max_age=settings.LANGUAGE_COOKIE_AGE,
    )  # fmt: skip
    return response


def _form_again(request: HttpRequest, form: ComplaintForm, status: int) -> HttpResponse:
    """Show the form with its errors and all that was typed; name any files to attach again."""
    lost_files = [f.name for f in request.FILES.getlist("evidence")]
    context = {"form": form, "lost_files": lost_files, "carry_form": "complaint"}
    return _private(render(request, "cases/complaint.html", context, status=status))


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST or None)
    status = HTTPStatus.OK
    if request.method == "POST":
        if not throttle.allow("track", request):
            form.is_valid()
            form.add_error(None, _("Too many attempts. Please wait ten minutes and try again."))
            status = HTTPStatus.TOO_MANY_REQUESTS
        elif form.is_valid():
            data = form.cleaned_data
            case = selectors.case_by_receipt(data["reference"], data["access_key"])
            if case is not None:
                services.case_rekey_access_key(case=case, access_key=data["access_key"])
                request.session.cycle_key()
                request.session[TRACKING] = {"case": case.pk, "at": int(time.time())}
                return redirect("cases:tracked")
            form.add_error(
                None,
                _(
                    "We could not open a case with this reference and access key."
                    " Check both and try again."
                ),
            )
    return _private(render(request, "cases/track.html", {"form": form}, status=status))


def _tracked_case(request: HttpRequest) -> Case | None:
    tracking = request.session.get(TRACKING)
    return selectors.tracked_case(tracking["case"]) if tracking else None


def _tracked_page(request: HttpRequest, case: Case, **forms: Any) -> HttpResponse:
    context = {
        "case": case,
        "public_state": texts.PUBLIC_STATE[case.state],
        "outcome_detail": texts.outcome_detail(case),
        "recommendations": texts.recommendations(case),
        "timeline": [
            (event, texts.event_label(event.action)) for event in selectors.public_timeline(case)
        ],
        "add_form": forms.get("add_form") or AddInformationForm(),
        "email": _email_state(case),
        "documents": list(selectors.petitioner_documents(case)),
        **forms,
    }
    return _private(render(request, "cases/tracked.html", context, status=forms.get("status", 200)))


def _email_state(case: Case) -> dict[str, str] | None:
    """Whether this case's updates go by email, for the tracking page (None: no address)."""
    index = selectors.petitioner_email_index(case)
    return {"stopped": notifications.email_stopped(index)} if index else None


@require_POST
def email_updates(request: HttpRequest) -> HttpResponse:
    """The petitioner stops (or starts again) email updates to the address they gave."""
    case = _tracked_case(request)
    if case is None:
        return redirect("cases:track")
    index = selectors.petitioner_email_index(case)
    if index and request.POST.get("updates") == "stop":
        notifications.suppress(index, reason=Suppression.Reason.OPTED_OUT)
        messages.success(request, _("We will not send you email about your case any more."))
    elif index and notifications.email_restart(index):
        messages.success(request, _("We will send you email about your case again."))
    return redirect("cases:tracked")


@require_GET
def tracked(request: HttpRequest) -> HttpResponse:
    case = _tracked_case(request)
    if case is None:
        return redirect("cases:track")
    return _tracked_page(request, case)


@require_GET
def document(request: HttpRequest, uid: uuid.UUID) -> HttpResponseBase:
    """A document of the case file that staff marked for the petitioner, downloaded with the
    tracking page's session; any other file answers 404, as a missing one does. Each download
    is in the access log as the petitioner's (`PETITIONER_DOWNLOAD`: no user, and no client
    address either, which would be the petitioner's personal data kept past the case's erasure)."""
    case = _tracked_case(request)
    if case is None:
        return redirect("cases:track")
    item = get_object_or_404(selectors.petitioner_documents(case), uid=uid)
    record_access(user=None, request=None, action=AccessAction.PETITIONER_DOWNLOAD,
                  case_reference=case.reference, detail=str(item.uid))  # fmt: skip
    return attachments.served(item)


@require_POST
def add_information(request: HttpRequest) -> HttpResponse:
    case = _tracked_case(request)
    if case is None:
        return redirect("cases:track")
    form = AddInformationForm(request.POST, request.FILES)
    if not throttle.allow("track_action", request):
        form.is_valid()
        form.add_error(None, _("Too many additions in a short time. Please wait and try again."))
        return _tracked_page(request, case, add_form=form, status=HTTPStatus.TOO_MANY_REQUESTS)
    if not form.is_valid():
        lost = [f.name for f in request.FILES.getlist("evidence")]
        return _tracked_page(request, case, add_form=form, lost_files=lost)
    try:
        services.case_add_information(
            case=case, message=form.cleaned_data["message"], evidence=form.cleaned_data["evidence"]
        )
    except (DatabaseError, OSError) as error:
        logger.error("information could not be added to a case (%s)", type(error).__name__)
        form.add_error(None, NOT_ADDED)
        lost = [f.name for f in request.FILES.getlist("evidence")]
        status = HTTPStatus.SERVICE_UNAVAILABLE
        return _tracked_page(request, case, add_form=form, lost_files=lost, status=status)
    except services.CaseClosed:
        messages.error(request, _("This case is closed. Please contact the office."))
        return redirect("cases:tracked")
    messages.success(request, _("Thank you. We have added this to your case."))
    return redirect("cases:tracked")


@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest) -> HttpResponse:
    case = _tracked_case(request)
    if case is None:
        return redirect("cases:track")
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not throttle.allow("track_action", request):
            form.add_error(None, _("Too many attempts. Please wait and try again."))
        else:
            try:
                services.case_withdraw_by_petitioner(case=case, reason=form.cleaned_data["reason"])
            except (TransitionNotAllowed, ConcurrentTransition):
                messages.error(request, _("This complaint can no longer be withdrawn."))
            else:
                messages.success(request, _("Your complaint has been withdrawn."))
            return redirect("cases:tracked")
    return _private(render(request, "cases/withdraw.html", {"case": case, "form": form}))


@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    request.session.pop(TRACKING, None)
    request.session.cycle_key()
    return redirect("cases:home")
