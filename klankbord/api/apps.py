from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "klankbord.api"
    label = "api"
