"""Staff sign-in pages: password, TOTP enrolment and verification, backup codes
(ombuds.recovery), logout, and the access log.

Sessions live in the database and expire after OMBUDS_SESSION_SECONDS of inactivity; the key is
cycled after the password and again after the second factor; logging out deletes the row.
"""

from __future__ import annotations

from base64 import b32encode
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from ombuds import recovery
from ombuds.accesslog import (
    AccessAction,
    AccessDetail,
    LogPage,
    actor_kind,
    detail_label,
    log_page,
    record_access,
)
from ombuds.account_changes import tell_member
from ombuds.auth import (
    home_for,
    is_verified,
    no_store,
    role_required,
    safe_next,
    second_factor_url,
    staff_required,
)
from ombuds.auth_forms import (
    AccessLogFilterForm,
    BackupCodeForm,
    LoginForm,
    PasswordCheckForm,
    TokenForm,
)
from ombuds.roles import Role


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = HTTPStatus.OK
) -> HttpResponse:
    return no_store(render(request, template, context, status=status))


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request)
    user = request.user
    if user.is_authenticated and user.is_active and request.method == "GET":
        return redirect(next_url if is_verified(user) else second_factor_url(user, next_url))
    form = LoginForm(request, data=request.POST if request.method == "POST" else None)
    if form.is_valid():
        account = form.get_user()
        auth_login(request, account)  # a new session key, bound to this account
        return redirect(second_factor_url(account, next_url))
    return _page(request, "accounts/login.html", {"form": form, "next": next_url})


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' lockout page (AXES_LOCKOUT_CALLABLE): the login form, refused, 429."""
    form = LoginForm(request, initial={"username": request.POST.get("username", "")})
    context = {"form": form, "next": safe_next(request), "locked": True}
    return _page(request, "accounts/login.html", context, HTTPStatus.TOO_MANY_REQUESTS)


def _password_only(request: HttpRequest) -> HttpResponse | None:
    """The redirect for anyone not at the second-factor step; None for those who are."""
    user = request.user
    if not (user.is_authenticated and user.is_active):
        return redirect_to_login(safe_next(request), reverse("accounts:login"))
    if is_verified(user):
        return redirect(safe_next(request))
    return None


def _signed_in(
    request: HttpRequest, device: Device, detail: str = AccessDetail.TOTP
) -> HttpResponse:
    """The second factor passed: remember the device, cycle the key, log the sign-in."""
    otp_login(request, device)
    request.session.cycle_key()
    record_access(
        user=request.user, request=request, action=AccessAction.LOGIN, case_reference="",
        detail=detail,
    )  # fmt: skip
    return redirect(safe_next(request))


def _check_code(device: TOTPDevice, token: str, *, confirm: bool = False) -> str:
    """Verify a code against the device (locked); '' when right, else the error to show."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, _details = device.verify_is_allowed()
        if not allowed:
            return _("Too many wrong codes. Wait a minute, then enter the newest code.")
        if not device.verify_token(token):
            return _("This code is not right, or it was already used. Enter the newest code.")
        if confirm:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            tell_member(device.user, "second_factor_enrolled")
    return ""


@sensitive_post_parameters("token")
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    detour = _password_only(request)
    if detour is not None:
        return detour
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).order_by("id").first()
    if device is None:
        return redirect(second_factor_url(request.user, safe_next(request)))
    form = TokenForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        error = _check_code(device, form.cleaned_data["token"])
        if not error:
            return _signed_in(request, device)
        form.add_error("token", error)
    next_url = safe_next(request)
    recover_url = reverse("accounts:recover")
    if next_url != home_for(request.user):
        recover_url += "?" + urlencode({"next": next_url})
    context = {"form": form, "next": next_url, "recover_url": recover_url}
    return _page(request, "accounts/verify.html", context)


def _enrolment_device(user: Any) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def _qr_svg(device: TOTPDevice) -> str:
    svg = segno.make(device.config_url, error="m").svg_inline(scale=5, light="#fff")
    return mark_safe(svg)  # noqa: S308 - markup generated by segno from our own data


@sensitive_post_parameters("token")
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    detour = _password_only(request)
    if detour is not None:
        return detour
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect(second_factor_url(request.user, safe_next(request)))
    device = _enrolment_device(request.user)
    form = TokenForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        error = _check_code(device, form.cleaned_data["token"], confirm=True)
        if not error:
            _signed_in(request, device)
            codes = recovery.issue(user=request.user, first=True)  # type: ignore[arg-type]
            return _show_codes(request, codes, first=True)
        form.add_error("token", error)
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "next": safe_next(request),
        "qr": _qr_svg(device),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    return _page(request, "accounts/enrol.html", context)


def _show_codes(request: HttpRequest, codes: list[str], *, first: bool) -> HttpResponse:
    """The one page that ever shows these codes: the answer to the POST that made them."""
    context = {"codes": codes, "first": first, "next": safe_next(request)}
    return _page(request, "accounts/backup_codes_new.html", context)


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def recover(request: HttpRequest) -> HttpResponse:
    """The second-factor step with a backup code instead of an app code."""
    detour = _password_only(request)
    if detour is not None:
        return detour
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect(second_factor_url(request.user, safe_next(request)))
    form = BackupCodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        user = request.user
        if recovery.throttled(user):  # type: ignore[arg-type]
            form.add_error("code", _("Too many wrong codes. Wait a minute, then try again."))
        elif (device := recovery.use(user=user, code=form.cleaned_data["code"])) is None:  # type: ignore[arg-type]
            form.add_error("code", _("This backup code is not right, or it was already used."))
        else:
            left = recovery.remaining(user)  # type: ignore[arg-type]
            messages.warning(request, ngettext(
                "You signed in with a backup code. %(count)d code is left: make a new set soon.",
                "You signed in with a backup code. %(count)d codes are left.",
                left,
            ) % {"count": left})  # fmt: skip
            return _signed_in(request, device, AccessDetail.BACKUP_CODE)
    return _page(request, "accounts/recover.html", {"form": form, "next": safe_next(request)})


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
@staff_required
def backup_codes(request: HttpRequest) -> HttpResponse:
    """How many backup codes are left; a new set (the old one stops working) after the password."""
    form = PasswordCheckForm(request.user, request.POST if request.method == "POST" else None)
    if form.is_valid():
        codes = recovery.issue(user=request.user, first=False)  # type: ignore[arg-type]
        return _show_codes(request, codes, first=False)
    context = {"form": form, "remaining": recovery.remaining(request.user)}  # type: ignore[arg-type]
    return _page(request, "accounts/backup_codes.html", context)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    if is_verified(request.user):
        record_access(
            user=request.user, request=request, action=AccessAction.LOGOUT, case_reference=""
        )
    auth_logout(request)  # deletes the session row: the old key opens nothing
    return redirect("accounts:login")


def _cursor(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None


@require_GET
@role_required(Role.AUDITOR)
def access_log(request: HttpRequest) -> HttpResponse:
    form = AccessLogFilterForm(request.GET or None)
    usable = not form.is_bound or form.is_valid()
    filters = form.filters()
    page = (
        log_page(filters=filters, before=_cursor(request.GET.get("before")))
        if usable
        else LogPage([], None)
    )
    record_access(
        user=request.user, request=request, action=AccessAction.VIEW_ACCESS_LOG,
        case_reference=filters.case_reference,
    )  # fmt: skip
    labels = dict(AccessAction.choices)
    query = request.GET.copy()
    query.pop("before", None)
    context = {
        "form": form,
        "rows": [
            # (the row, its action and detail in words, who acted: staff, petitioner or system)
            (
                entry,
                labels.get(entry.action, entry.action),
                detail_label(entry.detail),
                actor_kind(entry),
            )
            for entry in page.entries
        ],
        "next_cursor": page.next_cursor,
        "query": query.urlencode(),
    }
    return render(request, "accounts/access_log.html", context)
