"""The system administrator's account manager: Django's admin at /staff/admin/, and nothing more.

Only staff accounts and role groups are registered here, never a case model (separation of
duties, DESIGN.md §3). The site needs an active, verified (second factor) member of the sysadmin
role with `is_staff` (`ombuds.roles.grant_sysadmin`); signing in goes through the staff login.
Admin autodiscovery is off (SimpleAdminConfig), so no other app's admin module is ever loaded.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.views import redirect_to_login
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, QuerySet
from django.db.models.fields.related import ManyToManyField
from django.forms import ModelForm, ModelMultipleChoiceField
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.admin import OTPAdminSite
from django_otp.plugins.otp_totp.models import TOTPDevice

from ombuds import accounts
from ombuds.auth import forbidden, is_verified, safe_next
from ombuds.models import User
from ombuds.roles import Role, account_permissions, roles_of


class AccountsAdminSite(OTPAdminSite):
    site_header = _("Staff accounts")
    site_title = _("Staff accounts")
    index_title = _("Staff accounts and roles")
    site_url = "/staff/"
    enable_nav_sidebar = False

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(super().has_permission(request) and Role.SYSADMIN in roles_of(request.user))

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """Sign in through the staff login; a verified non-administrator is refused."""
        if is_verified(request.user):
            return forbidden(request)
        return redirect_to_login(safe_next(request), reverse("accounts:login"))

    def logout(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        return accounts.logout(request)


site = AccountsAdminSite(name="admin")


@admin.register(User, site=site)
class StaffAdmin(UserAdmin):  # type: ignore[type-arg]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Access"), {"fields": ("is_active", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    list_display = (
        "username", "first_name", "last_name", "role_names", "is_active", "two_factor",
        "last_login",
    )  # fmt: skip
    list_filter = ("is_active", "groups")
    filter_horizontal = ("groups",)
    readonly_fields = ("last_login", "date_joined")
    actions = ["reset_two_factor"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        enrolled = Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
        return (
            super()
            .get_queryset(request)
            .prefetch_related("groups")
            .annotate(enrolled=ExpressionWrapper(enrolled, output_field=BooleanField()))
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """Nobody changes their own roles or switches themselves off."""
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            fields += ("is_active", "groups")
        return fields

    def save_related(
        self, request: HttpRequest, form: ModelForm[User], formsets: Any, change: Any
    ) -> None:
        """The admin site is for the sysadmin role only: `is_staff` follows it."""
        super().save_related(request, form, formsets, change)
        user = form.instance
        wanted = user.groups.filter(name=Role.SYSADMIN).exists()
        if user.is_staff != wanted:
            user.is_staff = wanted
            user.save(update_fields=["is_staff"])

    @admin.display(description=_("Roles"))
    def role_names(self, obj: User) -> str:
        labels = dict(Role.choices)
        return ", ".join(sorted(str(labels[g.name]) for g in obj.groups.all() if g.name in labels))

    @admin.display(description=_("Second factor"), boolean=True)
    def two_factor(self, obj: User) -> bool:
        return bool(getattr(obj, "enrolled", False))

    @admin.action(
        description=_("Reset the second factor (they enrol a new device at next sign-in)"),
        permissions=["change"],
    )
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        users = queryset.count()
        TOTPDevice.objects.filter(user__in=queryset).delete()
        message = ngettext(
            "The second factor of %(count)d staff member was reset.",
            "The second factors of %(count)d staff members were reset.",
            users,
        ) % {"count": users}
        self.message_user(request, message, messages.SUCCESS)


@admin.register(Group, site=site)
class RoleGroupAdmin(GroupAdmin):
    """Groups are roles: their names are fixed, and they carry account permissions only."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.name in Role.values:
            return ("name",)
        return ()

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelMultipleChoiceField[Any] | None:
        if db_field.name == "permissions":
            kwargs["queryset"] = Permission.objects.filter(account_permissions())
        return super().formfield_for_manytomany(db_field, request, **kwargs)
