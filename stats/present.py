"""Payloads as people read them: labelled tables, CSV, and SVG bar charts drawn on the server.

A suppressed figure is written `[c]` everywhere (the UK Government Analysis Function's
confidentiality marker); the pages explain it beside every table. A table none of whose figures
could be shown (withheld whole: docs/statistics.md, "Linked tables") is not drawn at all: its
figures are not published, so no `[c]` stands for a figure the totals beside it determine.
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass
from typing import Any

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from stats.dimensions import Labeller, dimension_name, labeller
from stats.tables import Payload

MARKER = "[c]"


def figure(value: int | float | None) -> str:
    if value is None:
        return MARKER
    return number_format(value, force_grouping=True)


Row = tuple[Any, list[str], str | None]  # label, cells, row total (two-way tables only)


@dataclass(frozen=True)
class TableView:
    key: str
    title: Any
    row_header: Any
    columns: list[Any]
    rows: list[Row]
    totals: tuple[list[str], str]  # column totals, grand total
    note: Any = ""
    # For a chart: (label, value or None) of each row of a one-way table.
    bars: tuple[tuple[Any, int | None], ...] = ()
    withheld: bool = False  # no category's figure is published: the table is not shown

    @property
    def two_way(self) -> bool:
        return bool(self.rows) and self.rows[0][2] is not None


def oneway_view(key: str, title: Any, dimension: str, payload: Payload,
                label: Labeller | None = None) -> TableView:  # fmt: skip
    name = labeller(dimension) if label is None else label
    cells = payload["cells"]
    rows: list[Row] = [(name(code), [figure(cells[code])], None) for code in payload["rows"]]
    withheld = bool(payload["rows"]) and all(cells[code] is None for code in payload["rows"])
    note = "" if payload["exact"] else _("A complaint may concern several of these, so the "
                                         "counts add up to more than the total.")  # fmt: skip
    bars = tuple((name(code), cells[code]) for code in payload["rows"])
    header = dimension_name(dimension) if dimension else title
    totals: tuple[list[str], str] = ([], figure(payload["total"]))
    return TableView(key, title, header, [_("Complaints")], rows, totals, note, bars, withheld)


def twoway_view(key: str, title: Any, dims: tuple[str, str], payload: Payload,
                labels: tuple[Labeller, Labeller] | None = None) -> TableView:  # fmt: skip
    row_label, col_label = labels or (labeller(dims[0]), labeller(dims[1]))
    cells, cols = payload["cells"], payload["cols"]
    rows: list[Row] = [
        (row_label(a), [figure(cells[f"{a}|{b}"]) for b in cols],
         figure(payload["row_totals"][a]))
        for a in payload["rows"]
    ]  # fmt: skip
    totals = ([figure(payload["col_totals"][b]) for b in cols], figure(payload["total"]))
    notes = []
    if not payload["exact_rows"]:
        notes.append(_("A complaint may fall in several columns: a row adds up to more than "
                       "its total."))  # fmt: skip
    if not payload["exact_cols"]:
        notes.append(_("A complaint may fall in several rows: a column adds up to more than "
                       "its total."))  # fmt: skip
    header = dimension_name(dims[0]) if dims[0] else title
    inner = [cells[f"{a}|{b}"] for a in payload["rows"] for b in cols]
    withheld = bool(inner) and all(value is None for value in inner)
    return TableView(key, title, header, [col_label(b) for b in cols], rows, totals,
                     " ".join(str(n) for n in notes), withheld=withheld)  # fmt: skip


def withheld_text() -> str:
    return _("Not published for this period: there are too few complaints to show any figure "
             "of this table without letting a protected one be worked out.")  # fmt: skip


def as_csv(view: TableView, notes: list[tuple[Any, Any]]) -> bytes:
    """UTF-8 with BOM; header, one row per category, a total row; a blank line, then notes."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    total = _("Total")
    if view.withheld:
        writer.writerow([view.row_header, *view.columns, *([total] if view.two_way else [])])
        writer.writerow([])
        writer.writerows([name, value] for name, value in notes)
        writer.writerow([_("Withheld"), withheld_text()])
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    if view.two_way:
        writer.writerow([view.row_header, *view.columns, total])
        writer.writerows([label, *cells, row_total] for label, cells, row_total in view.rows)
        writer.writerow([total, *view.totals[0], view.totals[1]])
    else:
        writer.writerow([view.row_header, *view.columns])
        writer.writerows([label, *cells] for label, cells, _none in view.rows)
        writer.writerow([total, view.totals[1]])
    writer.writerow([])
    writer.writerows([name, value] for name, value in notes)
    if view.note:
        writer.writerow([_("Note"), view.note])
    writer.writerow([MARKER, _("Suppressed to protect confidentiality")])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# Charts ----------------------------------------------------------------------------------------

BAR_COLOUR = "#1d4f91"  # 8.6:1 on white
TEXT_COLOUR = "#1a1a1a"
LABEL_WIDTH, BAR_WIDTH, ROW_HEIGHT = 260, 320, 24


def bar_chart(view: TableView, chart_id: str) -> SafeString:
    """A horizontal bar chart of a one-way table: an image with a title and a description;
    the table beside it carries the same figures for screen readers and keyboards."""
    shown = [value for _label, value in view.bars if value is not None]
    top = max(shown, default=0) or 1
    height = ROW_HEIGHT * len(view.bars) + 8
    bars = []
    for i, (label, value) in enumerate(view.bars):
        y = 4 + i * ROW_HEIGHT
        width = 0 if value is None else round(BAR_WIDTH * value / top)
        bars.append((LABEL_WIDTH - 8, y + 16, _short(str(label)), LABEL_WIDTH, y + 4, width,
                     LABEL_WIDTH + width + 6, y + 16, figure(value)))  # fmt: skip
    rows = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="16" fill="' + BAR_COLOUR + '"></rect>'
        '<text x="{}" y="{}">{}</text>',
        bars,
    )
    description = _("Bar chart of the table below: one bar per category; [c] marks a "
                    "suppressed figure, drawn without a bar.")  # fmt: skip
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" width="100%" '
        'viewBox="0 0 {} {}" aria-labelledby="{}-title {}-desc" font-size="13" fill="{}">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        LABEL_WIDTH + BAR_WIDTH + 70, height, chart_id, chart_id, TEXT_COLOUR,
        chart_id, view.title, chart_id, description, rows,
    )  # fmt: skip


def _short(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def table_markup(view: TableView) -> SafeString:
    """The table's markup, written in Python (a template include per cell cost most of a
    page's time): header row, a row per category, a total row; every text escaped."""
    esc = html.escape
    if view.withheld:
        return SafeString(f'<p class="stats-withheld">{esc(withheld_text())}</p>')
    total = esc(str(_("Total")))
    head = "".join(f'<th scope="col" class="number">{esc(str(c))}</th>' for c in view.columns)
    if view.two_way:
        head += f'<th scope="col" class="number">{total}</th>'
    body = []
    for label, cells, row_total in view.rows:
        tds = "".join(f'<td class="number">{esc(c)}</td>' for c in cells)
        if row_total is not None:
            tds += f'<td class="number">{esc(row_total)}</td>'
        body.append(f'<tr><th scope="row">{esc(str(label))}</th>{tds}</tr>')
    foot = "".join(f'<td class="number">{esc(c)}</td>' for c in view.totals[0])
    foot += f'<td class="number">{esc(view.totals[1])}</td>'
    return SafeString(
        f'<table class="stats"><caption class="visually-hidden">{esc(str(view.title))}'
        f'</caption><thead><tr><th scope="col">{esc(str(view.row_header))}</th>{head}</tr>'
        f'</thead><tbody>{"".join(body)}</tbody><tfoot><tr><th scope="row">{total}</th>'
        f"{foot}</tr></tfoot></table>"
    )
