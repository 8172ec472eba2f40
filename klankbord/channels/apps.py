from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "klankbord.channels"
    label = "channels"
