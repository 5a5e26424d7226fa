"""Form widgets written in Python where Django's template-rendered ones cost too much.

Django renders a `<select>` through its template engine with an include per option: 3,000 to
5,000 Python function calls for one of our choice lists, and the staff queue's four filters
were a quarter of the page's time. `PlainSelect` writes the same markup directly.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class PlainSelect(forms.Select):
    """A single-choice `<select>` with flat choices (no option groups), rendered in Python.

    The markup is Django's own: the widget's and the bound field's attributes on the element
    (`id`, `required`, `aria-*`), and `selected` on the first option whose value matches.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        wanted = {str(v) for v in self.format_value(value)}
        options = []
        for option_value, label in self.choices:
            key = "" if option_value is None else str(option_value)
            chosen = key in wanted
            wanted -= {key} if chosen else set()  # only the first match, as Django does
            options.append((key, " selected" if chosen else "", label))
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            format_html_join("", '<option value="{}"{}>{}</option>', options),
        )
