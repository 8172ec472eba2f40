from django.apps import AppConfig


class AssistantConfig(AppConfig):
    name = "klankbord.assistant"
    label = "assistant"
