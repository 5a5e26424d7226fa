"""Staff authentication: who may see a staff page, and where everyone else is sent.

A staff member signs in with a password (django-axes locks a username + client address after 5
failures, before the password is hashed), then with a TOTP code (django-otp). Views use:

- `staff_required(view)`: anonymous or inactive → the login page (`?next=` the page);
  password only → `accounts:enrol` (no confirmed device yet) or `accounts:verify`;
  verified → the view runs, and its response is never cached.
- `role_required(*roles)(view)`: as `staff_required`, then 403 (`forbidden`) unless the user
  holds one of the roles (`ombuds.roles.Role`).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from functools import wraps
from http import HTTPStatus
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.plugins.otp_totp.models import TOTPDevice

from ombuds import crypto
from ombuds.roles import Role, roles_of
from ombuds.throttle import client_address

View = TypeVar("View", bound=Callable[..., HttpResponseBase])
DEFAULT_NEXT = "/staff/"


def is_verified(user: Any) -> bool:
    """Signed in, active, and past the second factor in this session."""
    if not (getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)):
        return False
    check = getattr(user, "is_verified", None)  # installed by django_otp's OTPMiddleware
    return bool(check is not None and check())


def safe_next(request: HttpRequest) -> str:
    """The `next` page asked for, if it is on this site; else the staff home."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else home_for(request.user)


def home_for(user: Any) -> str:
    """The first page for a role: auditors and administrators see no case, so no case queue."""
    roles = roles_of(user)
    if roles & {Role.INTAKE_OFFICER, Role.INVESTIGATOR, Role.OMBUDSPERSON} or not roles:
        return DEFAULT_NEXT
    if Role.AUDITOR in roles:
        return reverse("accounts:access_log")
    return reverse("admin:index")


def second_factor_url(user: Any, next_url: str) -> str:
    """Where a password-only user goes: enrolment first time, verification afterwards. Backup
    codes alone (ombuds.recovery) do not count: without an app, a member enrols again."""
    enrolled = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    step = "accounts:verify" if enrolled else "accounts:enrol"
    if next_url in {DEFAULT_NEXT, home_for(user)}:
        return reverse(step)
    return reverse(step) + "?" + urlencode({"next": next_url})


R = TypeVar("R", bound=HttpResponseBase)


def no_store(response: R) -> R:
    add_never_cache_headers(response)
    if "no-store" not in response["Cache-Control"]:
        response["Cache-Control"] += ", no-store"
    return response


def forbidden(request: HttpRequest) -> HttpResponse:
    """403 for a signed-in staff member whose role does not allow the page."""
    return no_store(render(request, "staff/not_allowed.html", status=HTTPStatus.FORBIDDEN))


def _gate(request: HttpRequest) -> HttpResponse | None:
    """None when the request may go on; otherwise the redirect that takes it there."""
    user = request.user
    if not (user.is_authenticated and user.is_active):
        return redirect_to_login(request.get_full_path(), reverse("accounts:login"))
    if not is_verified(user):
        return HttpResponseRedirect(second_factor_url(user, request.get_full_path()))
    return None


def staff_required(view: View) -> View:
    """The view runs only for an active staff member verified by a second factor."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        detour = _gate(request)
        if detour is not None:
            return detour
        return no_store(view(request, *args, **kwargs))

    return cast(View, wrapped)


def role_required(*roles: str) -> Callable[[View], View]:
    """As `staff_required`, then 403 for staff holding none of `roles`."""
    if not roles:
        raise ValueError("role_required needs at least one role")

    def decorator(view: View) -> View:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not roles_of(request.user) & set(roles):
                return forbidden(request)
            return view(request, *args, **kwargs)

        return staff_required(cast(View, checked))

    return decorator


def pseudonymous_address(request: HttpRequest) -> str:
    """The client address as django-axes stores it: a keyed pseudonym, not the address.

    Axes keeps an address column per failed attempt (an IP address field, `inet` on
    PostgreSQL); a private IPv6 address (fd00::/8) made of a keyed hash fits it, locks out the
    same client the same way, and says nothing about where the client is.
    """
    digest = crypto.keyed_hash(client_address(request), purpose="axes-client")
    return str(ipaddress.IPv6Address(bytes.fromhex("fd" + digest[:30])))
