"""The tables of the dashboard and the annual report, labelled, from one release."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from cases.codes import Outcome
from stats.dimensions import DIMENSIONS, NONE, labeller
from stats.models import Release
from stats.present import TableView, figure, oneway_view, twoway_view
from stats.releases import BASE_KEYS, filtered_tables, tables
from stats.tables import Payload

TITLES: dict[str, Any] = {
    "one:month": _("Complaints received by month"),
    "one:right": _("Complaints by right concerned"),
    "one:group": _("Complaints by vulnerable group"),
    "one:respondent_type": _("Complaints by kind of respondent"),
    "one:body": _("Complaints by respondent body"),
    "one:channel": _("Complaints by channel"),
    "one:filing_mode": _("Complaints by filing mode"),
    "one:state": _("Complaints by current state"),
    "one:outcome": _("Complaints by outcome"),
    "closed_month": _("Complaints closed by month"),
    "deadline": _("Closed within the processing deadline"),
    "extension": _("Deadline extensions"),
    "recommendations": _("Recommendations and responses by respondent body"),
}
CHARTED = {"one:month", "one:right", "one:outcome", "one:respondent_type", "closed_month"}
ROW_LABELS = {
    "deadline": {"late": _("Closed after the deadline"), "on_time": _("Closed on time")},
    "extension": {"extended": _("Deadline extended"), "not_extended": _("Not extended")},
}
RESPONSE_LABELS = {
    "accepted": _("Accepted"), "partially_accepted": _("Partially accepted"),
    "plan_received": _("Implementation plan received"),
    "not_accepted": _("Refused (not accepted)"), "implemented": _("Implemented"),
    NONE: _("No response yet"),
}  # fmt: skip


Chosen = list[tuple[str, str]]  # the filters: (dimension, category), none, one or two


def one_view(release: Release, key: str, chosen: Chosen) -> TableView:
    payload = _payloads(release, [key], chosen)[key]
    return oneway_view(key, TITLES[key], key.split(":", 1)[1], payload)


def _payloads(release: Release, keys: list[str],
              chosen: Chosen) -> dict[str, Payload]:  # fmt: skip
    if not chosen:
        return tables(release, keys)
    return filtered_tables(release, chosen)


def base_views(release: Release, chosen: Chosen) -> list[TableView]:
    """One table per dimension: the whole period, or the cases in the chosen category."""
    found = _payloads(release, BASE_KEYS, chosen)
    keys = [key for key in BASE_KEYS if key in found]
    return [oneway_view(key, TITLES[key], key.split(":", 1)[1], found[key]) for key in keys]


def view_for(release: Release, key: str, chosen: Chosen) -> TableView | None:
    """A dashboard table by its key (for the CSV export); None for an unknown key."""
    if key in BASE_KEYS:
        views = {v.key: v for v in base_views(release, chosen)}
        return views.get(key)
    if key in {"closed_month", "deadline", "extension", "recommendations"}:
        return closed_section(release)["views"].get(key)
    return None


@dataclass(frozen=True)
class Rate:
    body: Any
    issued: str
    implemented: str
    accepted: str


def closed_section(release: Release) -> dict[str, Any]:
    """Closure by month, deadlines, extensions, durations and recommendations (whole period)."""
    found = tables(release, ["closed_month", "deadline", "extension", "durations",
                             "recommendations"])  # fmt: skip
    views = {
        "closed_month": oneway_view(
            "closed_month", TITLES["closed_month"], "closed_month", found["closed_month"]
        ),
        **{
            key: oneway_view(key, TITLES[key], "", found[key], ROW_LABELS[key].__getitem__)
            for key in ("deadline", "extension")
        },
    }
    bodies = labeller("body")
    views["recommendations"] = twoway_view(
        "recommendations", TITLES["recommendations"], ("body", ""), found["recommendations"],
        (bodies, RESPONSE_LABELS.__getitem__),
    )  # fmt: skip
    return {
        "views": views,
        "durations": {k: figure(v) for k, v in found["durations"].items()},
        "rates": _rates(found["recommendations"], bodies, release.k),
    }


def _share(part: int | None, whole: int | None, k: int) -> str:
    """A percentage of published figures over at least k cases; else [c]."""
    if part is None or whole is None or whole < k:
        return figure(None)
    return f"{100 * part / whole:.0f}%"


def _rates(payload: Payload, bodies: Any, k: int) -> list[Rate]:
    """Per body: implemented share of recommendations issued, accepted share of responses."""
    found = []
    for body in payload["rows"]:
        issued = payload["row_totals"][body]
        if issued == 0:
            continue
        cells = {r: payload["cells"][f"{body}|{r}"] for r in payload["cols"]}
        # Accepted in whole or part: whatever the body said since (a plan, the work done).
        said = [cells[r] for r in ("accepted", "partially_accepted", "plan_received",
                                   "implemented")]  # fmt: skip
        accepted = None if None in said else sum(s for s in said if s is not None)
        waiting = cells[NONE]
        answered = None if issued is None or waiting is None else issued - waiting
        found.append(Rate(bodies(body), figure(issued), _share(cells["implemented"], issued, k),
                          _share(accepted, answered, k)))  # fmt: skip
    return found


def key_figures(release: Release, views: list[TableView], closed: dict[str, Any]) -> list[Any]:
    """The year's key figures, each a published figure or [c]."""
    by_key = {v.key: v for v in views}
    deadline = tables(release, ["deadline"])["deadline"]
    recommendations = tables(release, ["recommendations"])["recommendations"]
    outcome = tables(release, ["one:outcome"])["one:outcome"]
    late_share = _share(deadline["cells"]["late"], deadline["total"], release.k)
    return [
        (_("Complaints received"), by_key["one:month"].totals[1]),
        (_("Complaints closed"), figure(deadline["total"])),
        (_("Upheld, with recommendations"), figure(outcome["cells"][Outcome.UPHELD])),
        (_("Median business days to close"), closed["durations"]["median"]),
        (_("90th percentile of business days to close"), closed["durations"]["p90"]),
        (_("Closed after the deadline"), late_share),
        (_("Recommendations issued"), figure(recommendations["total"])),
        (_("Recommendations implemented"),
         _share(recommendations["col_totals"]["implemented"], recommendations["total"],
                release.k)),
    ]  # fmt: skip


__all__ = ["CHARTED", "DIMENSIONS", "base_views", "closed_section", "key_figures", "one_view"]
