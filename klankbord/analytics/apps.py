from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "klankbord.analytics"
    label = "analytics"
