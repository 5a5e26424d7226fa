"""Statistics pages for auditors and the ombudsperson: dashboard, cross-tabulation, CSV, report.

Every page reads one release (stats.releases) and shows only its suppressed tables; every view
and export is written to the access log (who, when, which table, which filters).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from http import HTTPStatus
from typing import Any, TypeVar, cast

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ombuds.accesslog import AccessAction, record_access
from ombuds.auth import staff_required
from ombuds.roles import Role, roles_of
from stats.dimensions import DIMENSIONS
from stats.forms import CrossTabForm, FilterForm, PeriodForm
from stats.present import TableView, as_csv, bar_chart
from stats.releases import Period, crosstab_key, release_for, transpose
from stats.releases import tables as release_tables
from stats.reports import (
    CHARTED,
    Chosen,
    base_views,
    closed_section,
    key_figures,
    one_view,
    view_for,
)

STATS_ROLES = {Role.AUDITOR, Role.OMBUDSPERSON}
View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def stats_staff(view: View) -> View:
    """`staff_required`, then 403 unless an auditor or the ombudsperson (DESIGN §3)."""

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not roles_of(request.user) & STATS_ROLES:
            return render(request, "staff/not_allowed.html", status=HTTPStatus.FORBIDDEN)
        return view(request, *args, **kwargs)

    return cast(View, staff_required(cast(Callable[..., HttpResponse], checked)))


def _log(request: HttpRequest, action: str, table: str, period: Period,
         chosen: Chosen | None = None) -> None:  # fmt: skip
    detail = f"t={table},p={period.start.isoformat()}/{period.end.isoformat()}"
    if chosen:
        detail += "".join(f",f={name}:{code}" for name, code in chosen)
    record_access(user=request.user, request=request, action=action, case_reference="",
                  detail=detail[:100])  # fmt: skip


def _charts(views: list[TableView]) -> list[tuple[TableView, Any]]:
    charted = [v.key in CHARTED and not v.withheld for v in views]
    return [(v, bar_chart(v, f"chart-{v.key.replace(':', '-')}") if drawn else None)
            for v, drawn in zip(views, charted, strict=True)]  # fmt: skip


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store, private"
    return response


@require_GET
@stats_staff
def dashboard(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    period, chosen = form.period(), form.chosen_filter()
    release = release_for(period)
    views = base_views(release, chosen)
    context = {
        "form": form, "period": period, "release": release, "chosen": chosen,
        "tables": _charts(views), "query": request.GET.urlencode(),
        "closed": None if chosen else closed_section(release),
    }  # fmt: skip
    _log(request, AccessAction.VIEW_STATISTICS, "dashboard", period, chosen)
    return _no_store(render(request, "stats/dashboard.html", context))


@require_GET
@stats_staff
def crosstab(request: HttpRequest) -> HttpResponse:
    form = CrossTabForm(request.GET or None)
    period, dims = form.period(), form.dimensions()
    release = release_for(period)
    view = _crosstab_view(release, dims)
    context = {"form": form, "period": period, "release": release, "view": view,
               "query": request.GET.urlencode()}  # fmt: skip
    _log(request, AccessAction.VIEW_STATISTICS, f"x:{dims[0]}:{dims[1]}", period)
    return _no_store(render(request, "stats/crosstab.html", context))


def _crosstab_view(release: Any, dims: tuple[str, str]) -> TableView:
    key = crosstab_key(*dims)
    payload = release_tables(release, [key])[key]
    if key != f"x:{dims[0]}:{dims[1]}":
        payload = transpose(payload)
    title = _("%(rows)s by %(cols)s") % {
        "rows": DIMENSIONS[dims[0]].name, "cols": DIMENSIONS[dims[1]].name
    }  # fmt: skip
    from stats.present import twoway_view

    return twoway_view(f"x:{dims[0]}:{dims[1]}", title, dims, payload)


@require_GET
@stats_staff
def export(request: HttpRequest) -> HttpResponse:
    """One table as CSV: `table` is a dashboard table's key, or `crosstab` with rows and cols."""
    form = FilterForm(request.GET or None)
    period, chosen = form.period(), form.chosen_filter()
    release = release_for(period)
    table = request.GET.get("table", "one:right")
    if table == "crosstab":
        cross = CrossTabForm(request.GET)
        view = _crosstab_view(release, cross.dimensions())
        chosen = []
    else:
        view = view_for(release, table, chosen) or one_view(release, "one:right", [])
    notes = [
        (_("Period"), f"{period.start.isoformat()}/{period.end.isoformat()}"),
        (_("Threshold k"), str(release.k)),
        (_("Figures as of"), release.as_of.isoformat()),
        (_("Generated at"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
    ]
    if chosen:
        notes.append((_("Filter"), ", ".join(f"{name}={code}" for name, code in chosen)))
    _log(request, AccessAction.EXPORT_STATISTICS, view.key, period, chosen)
    response = HttpResponse(as_csv(view, notes), content_type="text/csv; charset=utf-8")
    name = f"ombuds-{view.key.replace(':', '-')}-{period.start}-{period.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return _no_store(response)


@require_GET
@stats_staff
def report(request: HttpRequest) -> HttpResponse:
    """The annual report of a year (last year unless chosen), ready to print or publish."""
    form = PeriodForm(request.GET or None)
    year = (form.cleaned_data.get("year") if form.is_bound and form.is_valid() else None) or (
        timezone.localdate().year - 1
    )
    period = PeriodForm({"year": year}).period()
    release = release_for(period)
    views = base_views(release, [])
    closed = closed_section(release)
    context = {
        "year": year, "period": period, "release": release, "tables": _charts(views),
        "closed": closed, "figures": key_figures(release, views, closed),
        "query": f"year={year}",
    }  # fmt: skip
    _log(request, AccessAction.VIEW_STATISTICS, "report", period)
    return _no_store(render(request, "stats/report.html", context))
