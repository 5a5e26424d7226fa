"""Staff pages: queues, the case page, one page per action, evidence downloads, registration.

Every view needs a verified second factor and a role that works on cases (`case_staff`: auditors
and system administrators see no case, so every page here answers them 403, before any lookup);
a case URL answers 404 to anyone who may not see the case (`access_case`), and every view of
personal data is access-logged.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from functools import wraps
from http import HTTPStatus
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.db import DatabaseError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from cases import (
    access,
    actions,
    attachments,
    followup,
    news,
    people,
    queues,
    selectors,
    services,
    texts,
)
from cases import transitions as t
from cases.models import Channel
from cases.staff_forms import VIEW_LABELS, PersonSearchForm, QueueFilterForm, StaffComplaintForm
from cases.views import carry
from ombuds.accesslog import AccessAction, record_access
from ombuds.auth import staff_required
from ombuds.roles import Role, roles_of

CASE_ROLES = {Role.INTAKE_OFFICER, Role.INVESTIGATOR, Role.OMBUDSPERSON}
FILTER_FIELDS = tuple(QueueFilterForm.base_fields)
View = TypeVar("View", bound=Callable[..., HttpResponseBase])
NOT_SAVED = gettext_lazy(
    "This could not be saved because of a problem on our side, and nothing was changed. What"
    " you typed is kept below: please try again in a few minutes."
)

UNFINISHED = gettext_lazy(
    "Not every recommendation is implemented or refused: say why monitoring closes now."
)

logger = logging.getLogger(__name__)


def case_staff(view: View) -> View:
    """`staff_required`, then 403 for staff whose roles work on no case (docs/design.md §3)."""

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not roles_of(request.user) & CASE_ROLES:
            return render(request, "staff/not_allowed.html", status=HTTPStatus.FORBIDDEN)
        return view(request, *args, **kwargs)

    return cast(View, staff_required(cast(Callable[..., HttpResponse], checked)))


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store, private"
    return response


@require_GET
@case_staff
def queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    filters = form.filters()
    page = queues.case_queue(
        user=request.user, filters=filters, cursor=request.GET.get("after", "")
    )
    query = request.GET.copy()
    query.pop("after", None)
    typed = [(name, value) for name in FILTER_FIELDS for value in request.GET.getlist(name)]
    context = {
        "form": form,
        "filtering": any(value for name, value in typed if name != "view"),
        # The filter form's markup depends on these values and the language only, so it is
        # cached (a fifth of the page's time). No personal data is among them: people are
        # found through the POSTed search (`search`), never a URL.
        "filters_key": urlencode(typed),
        "page": page,
        "views": VIEW_LABELS,
        "current_view": filters.view,
        "query": query.urlencode(),
        "may_register": bool(roles_of(request.user) & {Role.INTAKE_OFFICER, Role.OMBUDSPERSON}),
    }
    return _no_store(render(request, "staff/queue.html", context))


@require_http_methods(["GET", "POST"])
@case_staff
def search(request: HttpRequest) -> HttpResponse:
    """Find a person's cases by exact name, phone or email (blind indexes: cases.people).

    A POST, so that the terms reach neither a URL nor a server log; the results are the cases
    this member may see; each search is access-logged with the fields used, never the terms."""
    if (language := carry.switch_requested(request)) is not None:  # nothing searched
        carry.activate(request, language)
        typed = carry.typed(PersonSearchForm.base_fields, request.POST)
        again = {"form": PersonSearchForm(initial=typed), "carry_form": carry.FORM_ID}
        return carry.remember(_no_store(render(request, "staff/search.html", again)), language)
    form = PersonSearchForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "rows": None, "carry_form": carry.FORM_ID}
    if request.method == "POST" and form.is_valid():
        found = people.cases_of(request.user, **form.cleaned_data)
        context["rows"], context["more"] = queues.listed(found, people.CASES_LIMIT)
        record_access(user=request.user, request=request, action=AccessAction.SEARCH,
                      case_reference="", detail=",".join(form.used()))  # fmt: skip
    return _no_store(render(request, "staff/search.html", context))


@require_GET
@case_staff
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = access.access_case(request.user, reference)
    record_access(user=request.user, request=request, action="view_case",
                  case_reference=case.reference)  # fmt: skip
    available = actions.available(request.user, case)
    context = {
        "page": selectors.staff_case_page(case),
        "actions": available,
        "news_cleared": news.case_seen(case=case, user=request.user),
        "may_resume": any(a.name == actions.ActionName.RESUME_SCREENING for a in available),
        "public_state": texts.PUBLIC_STATE[case.state],
    }
    return _no_store(render(request, "staff/case.html", context))


def _action_page(
    request: HttpRequest, case: Any, name: str, form: Any, status: int = HTTPStatus.OK, **extra: Any
) -> HttpResponse:
    spec = actions.STAFF_ACTIONS[name]
    carry.name_lost_files(request, form)
    context = {"case": case, "action": name, "spec": spec, "form": form,
               "carry_form": carry.FORM_ID, "tally": getattr(form, "tally", None),
               **extra}  # fmt: skip
    return _no_store(render(request, "staff/action.html", context, status=status))


@require_http_methods(["GET", "POST"])
@case_staff
def case_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    case = access.access_case(request.user, reference)
    spec = actions.STAFF_ACTIONS.get(action)
    if spec is None:
        raise Http404
    seen = _stale_version(request, case)
    if seen is not None and roles_of(request.user) & spec.roles:
        # Someone acted since this form was opened: say so, even if the action is no longer
        # possible (a "not allowed" page would hide why).
        return _changed(request, case, action, spec.bind(request.POST, case=case), seen=seen)
    if not actions.may(request.user, action, case):
        return render(request, "staff/not_allowed.html", {"case": case},
                      status=HTTPStatus.FORBIDDEN)  # fmt: skip
    if (language := carry.switch_requested(request)) is not None:
        carry.activate(request, language)  # the same form, in that language, as typed
        typed = carry.typed(spec.bind(case=case).fields, request.POST)
        again = _action_page(request, case, action, spec.bind(initial=typed, case=case))
        return carry.remember(again, language)
    form = spec.bind(request.POST or None, request.FILES or None, case=case)
    if request.method != "POST" or not form.is_valid():
        return _action_page(request, case, action, form)
    step = t.Step(
        actor=request.user,  # type: ignore[arg-type]
        version=form.cleaned_data["version"],
        message=form.cleaned_data["message"],
        note=form.cleaned_data["note"],
    )
    try:
        t.case_act(case=case, step=step, action=spec.name, **form.extra())
    except t.CaseChanged as changed:
        return _changed(request, changed.case, action, form, seen=step.version)
    except t.NotAllowed:
        return render(request, "staff/not_allowed.html", {"case": case},
                      status=HTTPStatus.CONFLICT)  # fmt: skip
    except followup.Unfinished:
        form.add_error("note", UNFINISHED)
        return _action_page(request, case, action, form, HTTPStatus.CONFLICT)
    except DatabaseError as error:
        logger.error("a staff action could not be saved (%s)", type(error).__name__)
        form.add_error(None, NOT_SAVED)
        return _action_page(request, case, action, form, HTTPStatus.SERVICE_UNAVAILABLE)
    messages.success(request, _("Done: %(action)s.") % {"action": spec.label})
    if not access.can_view(request.user, case):
        return redirect("staff:queue")
    return redirect("staff:case", reference=case.reference)


def _stale_version(request: HttpRequest, case: Any) -> int | None:
    """The case version a POSTed form was opened at, when the case has changed since."""
    seen = request.POST.get("version", "") if request.method == "POST" else ""
    if not (seen.isdigit() and len(seen) < 10) or int(seen) == case.version:
        return None
    return int(seen)


def _changed(
    request: HttpRequest, current: Any, action: str, form: Any, *, seen: int
) -> HttpResponse:
    """Someone else acted first: show what changed, keep what this person typed."""
    data = form.data.copy()
    data["version"] = str(current.version)
    again = actions.STAFF_ACTIONS[action].bind(data, case=current)
    again.is_valid()
    changes = list(
        current.events.filter(version__gt=seen).select_related("actor", "data_key").order_by("pk")
    )
    return _action_page(request, current, action, again, HTTPStatus.CONFLICT, changes=changes,
                        still_allowed=actions.may(request.user, action, current))  # fmt: skip


@require_GET
@case_staff
def attachment(
    request: HttpRequest, reference: str, uid: uuid.UUID, preview: bool = False
) -> FileResponse:
    """Evidence or a document of the case file: downloaded, or with `preview` (images and PDFs
    only) shown in the browser, sandboxed (`attachments.served`). Either is access-logged."""
    case = access.access_case(request.user, reference)
    item = get_object_or_404(case.attachments.select_related("data_key"), uid=uid)
    if preview and not item.previewable:
        raise Http404
    action = AccessAction.PREVIEW_ATTACHMENT if preview else AccessAction.DOWNLOAD_ATTACHMENT
    record_access(user=request.user, request=request, action=action,
                  case_reference=case.reference, detail=str(item.uid))  # fmt: skip
    return attachments.served(item, inline=preview)


@require_GET
@case_staff
def case_print(request: HttpRequest, reference: str) -> HttpResponse:
    """The case file on paper, for a deliberation meeting: timeline, notes, documents and
    recommendations on one page (a print stylesheet). Access-logged like the case page."""
    case = access.access_case(request.user, reference)
    record_access(user=request.user, request=request, action=AccessAction.PRINT_CASE,
                  case_reference=case.reference)  # fmt: skip
    context = {"page": selectors.staff_case_page(case), "printed_at": timezone.now()}
    return _no_store(render(request, "staff/case_print.html", context))


@require_http_methods(["GET", "POST"])
@case_staff
def register(request: HttpRequest) -> HttpResponse:
    """Register a complaint taken by phone, in person or by letter, or open an own-motion case."""
    roles = roles_of(request.user)
    if not roles & {Role.INTAKE_OFFICER, Role.OMBUDSPERSON}:
        return render(request, "staff/not_allowed.html", status=HTTPStatus.FORBIDDEN)
    own_motion, page = Role.OMBUDSPERSON in roles, "staff/register.html"
    lost = [f.name for f in request.FILES.getlist("evidence")]
    if request.method != "POST":
        form = StaffComplaintForm(initial={"submission": uuid.uuid4()}, own_motion=own_motion)
        return _no_store(render(request, page, {"form": form, "carry_form": carry.FORM_ID}))
    if (language := carry.switch_requested(request)) is not None:
        carry.activate(request, language)
        typed = carry.typed(StaffComplaintForm.base_fields, request.POST)
        form = carry.name_lost_files(
            request, StaffComplaintForm(initial=typed, own_motion=own_motion)
        )
        context = {"form": form, "carry_form": carry.FORM_ID, "lost_files": lost}
        return carry.remember(_no_store(render(request, page, context)), language)
    form = StaffComplaintForm(request.POST, request.FILES, own_motion=own_motion)
    if not form.is_valid():
        carry.name_lost_files(request, form)
        context = {"form": form, "lost_files": lost, "carry_form": carry.FORM_ID}
        return _no_store(render(request, page, context))
    try:
        filed = services.case_file(
            data=form.cleaned_data, evidence=form.cleaned_data["evidence"],
            channel=form.cleaned_data["channel"], actor=request.user,  # type: ignore[arg-type]
        )  # fmt: skip
    except services.DuplicateSubmission as duplicate:
        return redirect("staff:case", reference=duplicate.case.reference)
    except (DatabaseError, OSError) as error:
        logger.error("a registered complaint could not be stored (%s)", type(error).__name__)
        form.add_error(None, NOT_SAVED)
        carry.name_lost_files(request, form)
        context = {"form": form, "lost_files": lost}
        return _no_store(
            render(request, "staff/register.html", context, status=HTTPStatus.SERVICE_UNAVAILABLE)
        )
    context = {"case": filed.case, "access_key": filed.access_key,
               "own_motion": filed.case.channel == Channel.OWN_MOTION}  # fmt: skip
    return _no_store(render(request, "staff/registered.html", context))
