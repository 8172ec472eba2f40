from celery import shared_task

from klankbord.channels import meta_webhooks


@shared_task(name="klankbord.channels.tasks.process_webhook_event", ignore_result=True)
def process_webhook_event(event_id: int) -> None:
    meta_webhooks.event_process(event_id)


@shared_task(name="klankbord.channels.tasks.sweep_webhook_events", ignore_result=True)
def sweep_webhook_events() -> None:
    meta_webhooks.events_sweep()
