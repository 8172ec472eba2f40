from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "klankbord.accounts"
    label = "accounts"
