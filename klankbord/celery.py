import os
from typing import Any

from celery import Celery, signals

from klankbord.core.embedded_beat import OPTION as BEAT_THREAD_OPTION
from klankbord.core.embedded_beat import BeatThreadStep
from klankbord.core.heartbeats import WorkerHeartbeatStep
from klankbord.lib import logs
from klankbord.lib.broker import register as register_database_broker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klankbord.settings")

register_database_broker()
app = Celery("klankbord")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.steps["worker"].add(WorkerHeartbeatStep)
app.user_options["worker"].add(BEAT_THREAD_OPTION)
app.steps["worker"].add(BeatThreadStep)
signals.task_prerun.connect(logs.task_started, weak=False)
signals.task_postrun.connect(logs.task_ended, weak=False)


@signals.setup_logging.connect(weak=False)
def use_django_logging(**_: Any) -> None:
    """Worker and beat log like the web: Django's LOGGING (json or plain), not Celery's own."""
    from django.conf import settings
    from django.utils.log import configure_logging

    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)


@signals.worker_init.connect(weak=False)
def refuse_other_encryption_keys(**_: object) -> None:
    """However a worker is started, it stops at once when its keys cannot read stored tokens."""
    from klankbord.core.keys import encryption_keys_problem

    if problem := encryption_keys_problem():
        raise SystemExit(f"This worker does not start. {problem}")


# Beat only ticks; the work itself lives in database rows that tasks claim.
app.conf.beat_schedule = {
    "beat-tick": {"task": "klankbord.core.tasks.beat_tick", "schedule": 5.0},
    # A dead worker's posts are handed on this soon after their lease ran out, not at the
    # next tick: recovery waits the lease and at most this (both on the urgent queue).
    "publishing-recover": {"task": "klankbord.publishing.tasks.recover", "schedule": 2.0},
    "publishing-tidy": {"task": "klankbord.publishing.tasks.tidy", "schedule": 3600.0},
    "listening-alerts": {"task": "klankbord.listening.tasks.alerts", "schedule": 60.0},
    "webhook-sweep": {"task": "klankbord.channels.tasks.sweep_webhook_events", "schedule": 60.0},
    "channel-expiry-warnings": {
        "task": "klankbord.channels.tasks.expiry_warnings",
        "schedule": 3600.0,
    },
    "listening-digests": {"task": "klankbord.listening.tasks.digests", "schedule": 900.0},
    "listening-retention": {"task": "klankbord.listening.tasks.retention", "schedule": 86400.0},
    "inbox-overdue": {"task": "klankbord.inbox.tasks.overdue", "schedule": 300.0},
    "inbox-leads": {"task": "klankbord.inbox.tasks.leads", "schedule": 60.0},
    "plan-review-reminders": {
        "task": "klankbord.strategy.tasks.review_reminders",
        "schedule": 3600.0,
    },
    "analytics-collect-results": {
        "task": "klankbord.analytics.tasks.collect_results",
        "schedule": 600.0,
    },
    "analytics-count-audiences": {
        "task": "klankbord.analytics.tasks.count_audiences",
        "schedule": 3600.0,
    },
    # Google Business Profile locations: daily values arrive days late, so every six hours.
    "analytics-collect-locations": {
        "task": "klankbord.analytics.tasks.collect_locations",
        "schedule": 21600.0,
    },
    "analytics-monthly-reports": {
        "task": "klankbord.analytics.tasks.monthly_reports",
        "schedule": 3600.0,
    },
    # Measure's figures that people look at are counted again before they expire.
    "analytics-keep-figures": {"task": "klankbord.analytics.tasks.keep_figures", "schedule": 60.0},
    "analytics-client-reports": {
        "task": "klankbord.analytics.tasks.client_reports",
        "schedule": 3600.0,
    },
    "language-retrain-due": {
        "task": "klankbord.understanding.tasks.retrain_due",
        "schedule": 900.0,
    },
}
