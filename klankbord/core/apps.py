from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "klankbord.core"
    label = "core"
