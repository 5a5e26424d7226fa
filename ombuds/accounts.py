"""Staff sign-in pages: password, TOTP enrolment and verification, logout, and the access log.

Sessions live in the database and expire after OMBUDS_SESSION_SECONDS of inactivity; the key is
cycled after the password and again after the second factor; logging out deletes the row.
"""

from __future__ import annotations

from base64 import b32encode
from http import HTTPStatus
from typing import Any

import segno
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from ombuds.accesslog import (
    AccessAction,
    AccessDetail,
    LogPage,
    detail_label,
    log_page,
    record_access,
)
from ombuds.auth import is_verified, no_store, role_required, safe_next, second_factor_url
from ombuds.auth_forms import AccessLogFilterForm, LoginForm, TokenForm
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


def _signed_in(request: HttpRequest, device: TOTPDevice) -> HttpResponse:
    """The second factor passed: remember the device, cycle the key, log the sign-in."""
    otp_login(request, device)
    request.session.cycle_key()
    record_access(
        user=request.user, request=request, action=AccessAction.LOGIN, case_reference="",
        detail=AccessDetail.TOTP,
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
    return _page(request, "accounts/verify.html", {"form": form, "next": safe_next(request)})


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
            return _signed_in(request, device)
        form.add_error("token", error)
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "next": safe_next(request),
        "qr": _qr_svg(device),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    return _page(request, "accounts/enrol.html", context)


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
            (entry, labels.get(entry.action, entry.action), detail_label(entry.detail))
            for entry in page.entries
        ],
        "next_cursor": page.next_cursor,
        "query": query.urlencode(),
    }
    return render(request, "accounts/access_log.html", context)
