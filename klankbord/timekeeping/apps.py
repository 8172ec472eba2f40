from django.apps import AppConfig


class TimekeepingConfig(AppConfig):
    name = "klankbord.timekeeping"
    label = "timekeeping"
