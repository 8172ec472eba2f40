from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "klankbord.orgs"
    label = "orgs"
