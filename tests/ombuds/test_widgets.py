"""`PlainSelect` writes the markup Django's template-rendered `Select` writes."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.test.html import parse_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from ombuds.widgets import PlainSelect

CHOICES = [("", _("Any state")), ("screening", _("Screening")), ("a&b", '<"quoted">'),
           ("dup", "First"), ("dup", "Second")]  # fmt: skip


def both(value: Any, **attrs: Any) -> tuple[Any, Any]:
    ours = PlainSelect(choices=CHOICES, attrs={"class": "pick"})
    django = forms.Select(choices=CHOICES, attrs={"class": "pick"})
    return (parse_html(ours.render("state", value, attrs)),
            parse_html(django.render("state", value, attrs)))  # fmt: skip


@pytest.mark.parametrize("value", [None, "", "screening", "a&b", "dup", "missing", 7])
def test_the_markup_is_djangos(value: Any) -> None:
    ours, django = both(value, id="id_state", required=True, **{"aria-invalid": "true"})
    assert ours == django


def test_labels_are_translated_and_escaped() -> None:
    with override("ko"):
        html = PlainSelect(choices=CHOICES).render("state", "screening")
    assert "&lt;&quot;quoted&quot;&gt;" in html
    assert '<"quoted">' not in html
    assert 'value="a&amp;b"' in html
    assert '<option value="screening" selected>사전 검토</option>' in html
    assert '<option value="">모든 상태</option>' in html
