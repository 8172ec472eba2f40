"""Kept Measure figures are forgotten when a setting they are counted from changes, so the next
look shows the change at once instead of after a few minutes: on a save or delete of the model,
and on a conditional update that says so (orgs.signals.measured_settings_changed)."""

from typing import Any

from django.db.models.signals import post_delete, post_save

from klankbord.analytics.figures import forget
from klankbord.channels.models import Channel
from klankbord.inbox.models import InboxSettings
from klankbord.listening.models import Monitor
from klankbord.orgs.signals import measured_settings_changed
from klankbord.strategy.models import Plan
from klankbord.timekeeping.models import AdSpend, ReturnSettings, TimeEntry

# The plan (KPIs, rhythm, budget), the answer target, competitors, time, money.
SETTINGS = (Plan, InboxSettings, Monitor, TimeEntry, AdSpend, ReturnSettings)


def _forget(sender: Any, instance: Any, **kwargs: Any) -> None:
    forget(instance.organisation_id)


def _forget_channels(sender: Any, instance: Channel, created: bool = True, **kwargs: Any) -> None:
    # A channel is saved at every poll; only one that comes or goes changes the figures.
    if created:
        forget(instance.organisation_id)


def _forget_changed(sender: Any, organisation_id: int, **kwargs: Any) -> None:
    forget(organisation_id)


def connect() -> None:
    measured_settings_changed.connect(_forget_changed, dispatch_uid="figures-settings-changed")
    for model in SETTINGS:
        post_save.connect(_forget, sender=model, dispatch_uid=f"figures-{model.__name__}-save")
        post_delete.connect(_forget, sender=model, dispatch_uid=f"figures-{model.__name__}-delete")
    post_save.connect(_forget_channels, sender=Channel, dispatch_uid="figures-channel-save")
    post_delete.connect(_forget_channels, sender=Channel, dispatch_uid="figures-channel-delete")
