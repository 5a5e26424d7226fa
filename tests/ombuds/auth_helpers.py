"""Helpers for the sign-in tests: real TOTP codes from a device's key, and the login POSTs."""

from __future__ import annotations

import time
from typing import Any

from django.test import Client, RequestFactory
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct horse battery 9"  # tests.conftest.make_staff's password


def enrolled(user: Any) -> TOTPDevice:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first() or (
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    )


def _step(device: TOTPDevice) -> int:
    return int((time.time() - device.t0) // device.step) + device.drift


def totp_code(device: TOTPDevice, *, ahead: int = 0) -> str:
    """The code an authenticator app shows now (or `ahead` steps later), never one already used."""
    device.refresh_from_db()
    ahead = max(ahead, device.last_t + 1 - _step(device))
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + ahead)
    return f"{code:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """A code that none of the accepted time steps produces."""
    device.refresh_from_db()
    accepted = {
        totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset)
        for offset in (-2, -1, 0, 1, 2)
    }
    return f"{next(n for n in range(10**6) if n not in accepted):06d}"


def password_login(client: Client, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    data = {"username": username, "password": password, **extra.pop("data", {})}
    return client.post(reverse("accounts:login"), data, **extra)


def request_from(address: str = "203.0.113.7") -> Any:
    return RequestFactory().get("/staff/", REMOTE_ADDR=address)
