"""Shared steps for the accounts tests: logging in, and computing TOTP codes."""

from django.http import HttpResponse
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def log_in(client: Client, email: str, password: str, ip: str = "10.1.1.1") -> HttpResponse:
    return client.post("/login/", {"username": email, "password": password}, REMOTE_ADDR=ip)


def code_for(device: TOTPDevice, windows_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or that many 30-second windows later)."""
    device.refresh_from_db()
    value = totp(
        device.bin_key, device.step, device.t0, device.digits, device.drift + windows_ahead
    )
    return f"{value:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """A code that is not accepted now, even with the one-window tolerance."""
    accepted = {code_for(device, ahead) for ahead in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in accepted)
