"""The system administrator's account manager: Django's admin at /staff/admin/, and nothing more.

Only staff accounts and role groups are registered here, never a case model (separation of
duties, docs/design.md §3). The site needs an active, verified (second factor) member of the
sysadmin role with `is_staff` (`ombuds.roles.grant_sysadmin`); signing in goes through the staff
login. Roles are read-only here: they change through the two-person rule (`ombuds.duties`).
Admin autodiscovery is off (SimpleAdminConfig), so no other app's admin module is ever loaded.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.views import redirect_to_login
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, QuerySet
from django.db.models.fields.related import ManyToManyField
from django.forms import ModelMultipleChoiceField
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.admin import OTPAdminSite
from django_otp.plugins.otp_totp.models import TOTPDevice

from ombuds import accounts, duties
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
NEEDS_APPROVAL = _(
    "Another member's password can be set only after an ombudsperson approved its reset:"
    " ask for it on the two-person requests page."
)


def role_label(group: Group) -> str:
    """A role group by its translated name, never its code."""
    return str(dict(Role.choices).get(group.name, group.name))


class RoleFilter(admin.SimpleListFilter):
    title = _("Role")
    parameter_name = "role"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(Role.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(groups__name=self.value()) if self.value() else queryset


@admin.register(User, site=site)
class StaffAdmin(UserAdmin):  # type: ignore[type-arg]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Access"), {"fields": ("is_active", "role_names")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    list_display = (
        "username", "first_name", "last_name", "role_names", "is_active", "two_factor",
        "last_login",
    )  # fmt: skip
    list_filter = ("is_active", RoleFilter)
    # No search box: the admin's search is a GET (`?q=`), and a staff member's name or email
    # typed there would reach URLs and logs. The list is short; filter by role or status.
    search_fields = ()
    # Roles change only through the two-person rule (ombuds.duties, /staff/duties/): here they
    # are shown, never edited, for anyone; by their translated names, never their group codes.
    readonly_fields = ("last_login", "date_joined", "role_names")
    actions = ["request_second_factor_reset"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        enrolled = Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
        return (
            super()
            .get_queryset(request)
            .prefetch_related("groups")
            .annotate(enrolled=ExpressionWrapper(enrolled, output_field=BooleanField()))
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """Nobody switches themselves off."""
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            fields += ("is_active",)
        return fields

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Another member's password is set only after an ombudsperson approved its reset, and
        only once (ombuds.duties); one's own, as ever."""
        subject = self.get_object(request, id)
        if subject is None or subject.pk == request.user.pk:
            return super().user_change_password(request, id, form_url)
        allowed = duties.password_reset_allowed(subject=subject, by=request.user)  # type: ignore[arg-type]
        if allowed is None:
            self.message_user(request, NEEDS_APPROVAL, messages.ERROR)
            return HttpResponseRedirect(reverse("accounts:duties"))
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == HTTPStatus.FOUND:
            duties.password_reset_used(allowed, by=request.user)  # type: ignore[arg-type]
        return response

    @admin.display(description=_("Roles"))
    def role_names(self, obj: User) -> str:
        labels = dict(Role.choices)
        return ", ".join(sorted(str(labels[g.name]) for g in obj.groups.all() if g.name in labels))

    @admin.display(description=_("Second factor"), boolean=True)
    def two_factor(self, obj: User) -> bool:
        return bool(getattr(obj, "enrolled", False))

    @admin.action(
        description=_("Ask to reset the second factor (an ombudsperson approves)"),
        permissions=["change"],
    )
    def request_second_factor_reset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        asked = 0
        for subject in queryset:
            try:
                duties.request_change(kind=duties.Kind.RESET_SECOND_FACTOR, subject=subject,
                                      requested_by=request.user)  # type: ignore[arg-type]  # fmt: skip
            except duties.DutyRefused as refused:
                self.message_user(request, str(refused), messages.ERROR)
            else:
                asked += 1
        message = ngettext(
            "%(count)d second-factor reset now waits for an ombudsperson's approval.",
            "%(count)d second-factor resets now wait for an ombudsperson's approval.",
            asked,
        ) % {"count": asked}
        self.message_user(request, message, messages.SUCCESS)


@admin.register(Group, site=site)
class RoleGroupAdmin(GroupAdmin):
    """Groups are roles: their names are fixed, and they carry account permissions only."""

    list_display = ("role",)
    search_fields = ()  # a GET search, as above; there are five roles

    @admin.display(description=_("Role"), ordering="name")
    def role(self, obj: Group) -> str:
        return role_label(obj)

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
