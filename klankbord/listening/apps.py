from django.apps import AppConfig


class ListeningConfig(AppConfig):
    name = "klankbord.listening"
    label = "listening"
