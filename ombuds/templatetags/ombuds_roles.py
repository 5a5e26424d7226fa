"""`{{ user|roles }}`: the set of role names, so that menus show only what a role may open."""

from __future__ import annotations

from typing import Any

from django import template

from ombuds.roles import roles_of

register = template.Library()


@register.filter
def roles(user: Any) -> set[str]:
    return roles_of(user)
