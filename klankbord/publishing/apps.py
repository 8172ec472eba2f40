from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "klankbord.publishing"
    label = "publishing"
