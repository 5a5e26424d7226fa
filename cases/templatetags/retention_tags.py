"""`{% if request.user|may_keep_or_erase:case %}`: whether the case page offers holds and
erasure on request (cases.retention)."""

from __future__ import annotations

from typing import Any

from django import template

from cases import retention
from cases.models import Case

register = template.Library()


@register.filter
def may_keep_or_erase(user: Any, case: Case) -> bool:
    return retention.may_keep_or_erase(user, case)
