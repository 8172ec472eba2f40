from django.apps import AppConfig


class UnderstandingConfig(AppConfig):
    name = "klankbord.understanding"
    label = "understanding"
