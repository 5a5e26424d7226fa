from __future__ import annotations

from datetime import date

from django import template

from notifications import labels

register = template.Library()


@register.filter
def label(code: str, kind: str) -> str:
    """`{{ ground|label:"inadmissible_ground" }}`: a registered code in words."""
    return labels.label(kind, code)


@register.filter
def as_date(value: str) -> date | str:
    """An ISO date from a notification's context, as a date for `|date` to format."""
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return value
