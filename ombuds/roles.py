"""Staff roles are Django groups; per-case rights come from django-guardian (docs/design.md §3)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import Group, Permission
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from ombuds.models import User


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


# The system administrator manages accounts and role groups in the admin (ombuds/admin.py) and
# nothing else: no delete (deactivate instead), and no permission on any case model.
SYSADMIN_PERMISSIONS = {
    ("ombuds", "user"): ("view_user", "add_user", "change_user"),
    ("auth", "group"): ("view_group", "add_group", "change_group"),
}


def account_permissions() -> Q:
    """The permissions that concern accounts and groups, and only those."""
    query = Q(pk__in=[])
    for (app_label, model), _codenames in SYSADMIN_PERMISSIONS.items():
        query |= Q(content_type__app_label=app_label, content_type__model=model)
    return query


def grant_sysadmin(user: User) -> None:
    """Make `user` a system administrator: the role, the admin site, the account permissions."""
    group = ensure_groups()[Role.SYSADMIN]
    wanted = Q(pk__in=[])
    for (app_label, model), codenames in SYSADMIN_PERMISSIONS.items():
        wanted |= Q(
            content_type__app_label=app_label, content_type__model=model, codename__in=codenames
        )
    group.permissions.add(*Permission.objects.filter(wanted))
    user.groups.add(group)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
