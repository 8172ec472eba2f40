"""Optional TOTP two-factor authentication (django-otp)."""

import base64
from io import BytesIO
from typing import Any

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.db.models.signals import post_init, post_save, pre_save
from django.dispatch import receiver
from django_otp.plugins.otp_totp.models import TOTPDevice

from klankbord.accounts.models import TwoFactorSecret, User
from klankbord.lib.crypto import secret_box


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


# django-otp keeps the TOTP key in plain text in TOTPDevice.key. These three receivers keep it
# encrypted in TwoFactorSecret instead: the column is blanked just before every write, and the
# key is decrypted into memory when a device is loaded, so django-otp's code works unchanged.


@receiver(post_init, sender=TOTPDevice)
def _load_key(sender: Any, instance: TOTPDevice, **kwargs: Any) -> None:
    if instance.pk is None or "key" in instance.get_deferred_fields() or instance.key:
        return
    stored = (
        TwoFactorSecret.objects.filter(device_id=instance.pk)
        .values_list("key_encrypted", flat=True)
        .first()
    )
    if stored:
        instance.key = secret_box().decrypt(stored)


@receiver(pre_save, sender=TOTPDevice)
def _hide_key(sender: Any, instance: TOTPDevice, **kwargs: Any) -> None:
    if instance.key:
        instance._plain_key = instance.key  # type: ignore[attr-defined]
        instance.key = ""


@receiver(post_save, sender=TOTPDevice)
def _store_key(sender: Any, instance: TOTPDevice, **kwargs: Any) -> None:
    plain = getattr(instance, "_plain_key", "")
    if not plain:
        return
    del instance._plain_key  # type: ignore[attr-defined]
    instance.key = plain
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and "key" not in update_fields:
        return
    TwoFactorSecret.objects.update_or_create(
        device_id=instance.pk, defaults={"key_encrypted": secret_box().encrypt(plain)}
    )


def two_factor_secrets_rotate() -> int:
    """Re-encrypt every TOTP secret with the newest (first) key. Returns the rows written."""
    written = 0
    for secret in TwoFactorSecret.objects.iterator():
        secret.key_encrypted = secret_box().rotate(secret.key_encrypted)
        secret.save(update_fields=["key_encrypted"])
        written += 1
    return written
