"""`{{ event.action|event_label }}`: the translated name of a timeline entry for staff;
`{{ event.reason_code|ground_label }}`: the translated name of a coded ground."""

from __future__ import annotations

from django import template
from django.utils.functional import Promise

from cases import actions
from cases.models import InadmissibleReason

register = template.Library()


@register.filter
def event_label(action: str) -> Promise | str:
    return actions.staff_label(action)


@register.filter
def ground_label(code: str) -> Promise | str:
    return InadmissibleReason(code).label if code in InadmissibleReason.values else code
