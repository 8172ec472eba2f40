"""Move the TOTP secrets that django-otp stored in plain text into encrypted rows."""

from django.conf import settings
from django.db import migrations


def encrypt_secrets(apps, schema_editor):
    from klankbord.lib.crypto import SecretBox

    device_model = apps.get_model("otp_totp", "TOTPDevice")
    secret_model = apps.get_model("accounts", "TwoFactorSecret")
    devices = device_model.objects.exclude(key="")
    if not devices.exists():
        return
    box = SecretBox(settings.KLANKBORD_ENCRYPTION_KEYS)
    for device in devices.iterator():
        secret_model.objects.update_or_create(
            device_id=device.pk, defaults={"key_encrypted": box.encrypt(device.key)}
        )
        device_model.objects.filter(pk=device.pk).update(key="")


def decrypt_secrets(apps, schema_editor):
    from klankbord.lib.crypto import SecretBox

    device_model = apps.get_model("otp_totp", "TOTPDevice")
    secret_model = apps.get_model("accounts", "TwoFactorSecret")
    secrets = secret_model.objects.all()
    if not secrets.exists():
        return
    box = SecretBox(settings.KLANKBORD_ENCRYPTION_KEYS)
    for secret in secrets.iterator():
        key = box.decrypt(secret.key_encrypted)
        device_model.objects.filter(pk=secret.device_id).update(key=key)
    secrets.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_two_factor_secret"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(encrypt_secrets, decrypt_secrets)]
