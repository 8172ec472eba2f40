from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "klankbord.strategy"
    label = "strategy"
