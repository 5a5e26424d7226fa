"""Staff roles are Django groups; per-case rights come from django-guardian (DESIGN.md §3)."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    INTAKE_OFFICER = "intake_officer", _("Intake officer")
    INVESTIGATOR = "investigator", _("Investigator")
    OMBUDSPERSON = "ombudsperson", _("Ombudsperson")
    AUDITOR = "auditor", _("Auditor")
    SYSADMIN = "sysadmin", _("System administrator")


def ensure_groups() -> dict[str, Group]:
    return {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}


def roles_of(user: object) -> set[str]:
    """The roles of a user, read once per request and cached on the user object."""
    cached: set[str] | None = getattr(user, "_ombuds_roles", None)
    if cached is None:
        if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
            cached = set()
        else:
            cached = set(user.groups.values_list("name", flat=True))  # type: ignore[attr-defined]
        user._ombuds_roles = cached  # type: ignore[attr-defined]
    return cached
