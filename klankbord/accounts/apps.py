from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "klankbord.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Connects the receivers that keep TOTP secrets encrypted.
        from klankbord.accounts import two_factor  # noqa: F401
