"""`{{ event.action|event_label }}`: the translated name of a timeline entry for staff."""

from __future__ import annotations

from django import template
from django.utils.functional import Promise

from cases import actions

register = template.Library()


@register.filter
def event_label(action: str) -> Promise | str:
    return actions.staff_label(action)
