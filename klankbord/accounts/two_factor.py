"""Optional TOTP two-factor authentication (django-otp)."""

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from klankbord.accounts.models import User


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed device for setup; reused so reloading the page keeps the same secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def device_verify(device: TOTPDevice, code: str) -> bool:
    code = "".join(ch for ch in code if ch.isdigit())
    return bool(code) and device.verify_token(code)


@transaction.atomic
def two_factor_confirm(*, user: User, device: TOTPDevice, code: str) -> bool:
    if not device_verify(device, code):
        return False
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


def two_factor_disable(*, user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()


def qr_code_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode()
