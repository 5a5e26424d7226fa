"""Render form fields with their help and error texts tied to the input for screen readers."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()


def described_by(field: BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-help")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    if lost_files(field):
        ids.append(f"{field.auto_id}-lost")
    return " ".join(ids)


@register.filter
def lost_files(field: BoundField) -> str:
    """The files sent in this field that the page shown again did not keep, comma-separated
    ('' when none: `cases.views.carry.name_lost_files`)."""
    return ", ".join(getattr(field.form, "lost_files", {}).get(field.name, []))


@register.filter
def describedby(field: BoundField) -> str:
    return described_by(field)


@register.filter
def widget(field: BoundField) -> SafeString:
    attrs: dict[str, str | bool] = {}
    if ids := described_by(field):
        attrs["aria-describedby"] = ids
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def anchor(field: BoundField) -> str:
    """The id to jump to from the error summary: the input, or a group's first choice."""
    if field.widget_type in {"radioselect", "checkboxselectmultiple"}:
        return f"{field.auto_id}_0"
    return str(field.auto_id)
