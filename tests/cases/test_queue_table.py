"""The queue's body rows, built by `{% queue_rows %}`, print what the template loop printed.

The reference below is the loop the tag replaced, kept here so that the two can be compared on
rows with every shape a queue has: each urgency, no due date, no investigator, and values that
must be escaped, in both languages.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.template import Context, Template
from django.utils import translation

from cases.queues import Row
from cases.templatetags.queue_table import queue_rows

REFERENCE = Template(
    """{% load i18n %}{% translate "Overdue" as overdue %}{% translate "Due soon" as due_soon %}{% translate "New information" as news %}{% translate "Respondent reply due" as reply %}
  {% for row in rows %}
    <tr>
      <td><a href="{{ row.url }}">{{ row.reference }}</a>{% if row.news %} <strong class="badge badge-news">{{ news }}</strong>{% endif %}</td>
      <td>{{ row.state }}</td>
      <td>{{ row.received }}</td>
      <td>{{ row.due }}{% if row.urgency == "overdue" %} <strong class="badge badge-overdue">{{ overdue }}</strong>{% elif row.urgency == "due_soon" %} <strong class="badge badge-soon">{{ due_soon }}</strong>{% endif %}{% if row.reply_due %}<br><span class="reply-due">{{ reply }} {{ row.reply_due }}</span>{% if row.reply_urgency == "overdue" %} <strong class="badge badge-overdue">{{ overdue }}</strong>{% elif row.reply_urgency == "due_soon" %} <strong class="badge badge-soon">{{ due_soon }}</strong>{% endif %}{% endif %}</td>
      <td>{{ row.respondent }}</td>
      <td>{{ row.rights }}</td>
      <td>{{ row.investigator|default:"—" }}</td>
    </tr>
  {% endfor %}"""  # noqa: E501
)


def row(pk: int, **values: Any) -> Row:
    fields = {
        "reference": f"2026-AAAA-{pk:04d}",
        "url": f"/staff/cases/2026-AAAA-{pk:04d}/",
        "state": "Investigation",
        "received": "2026-11-02",
        "due": "2026-12-01",
        "urgency": "",
        "respondent": "City department",
        "rights": "Equality, Health",
        "investigator": "kim",
    }
    return Row(pk=pk, **{**fields, **values})


ROWS = [
    row(1, urgency="overdue"),
    row(2, urgency="due_soon", investigator=""),
    row(3, due="", urgency="", state="Closed (Resolved)"),
    row(4, reference='<b>"x"</b>&', url='/staff/cases/a"b/?c=&d', rights="<script>", state="A&B"),
    row(5, respondent="", rights="", investigator="<img src=x>"),
    row(6, news=True),
    row(7, reply_due="2026-11-20", reply_urgency="overdue"),
    row(8, urgency="", reply_due="2026-12-03", reply_urgency="due_soon"),
    row(9, reply_due="2027-01-03"),
]


def compact(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_tag_prints_what_the_template_loop_printed(language: str) -> None:
    with translation.override(language):
        expected = compact(REFERENCE.render(Context({"rows": ROWS})))
        printed = compact(queue_rows(ROWS))
    assert printed == expected
    assert printed.count("<tr>") == len(ROWS)
    assert "<script>" not in printed
    assert "<img" not in printed
    assert "&lt;script&gt;" in printed
    if language == "ko":  # the badges are translated
        assert "기한 경과</strong>" in printed
        assert "기한 임박</strong>" in printed


def test_no_rows_print_nothing() -> None:
    assert queue_rows([]) == ""
