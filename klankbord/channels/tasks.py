from celery import shared_task

from klankbord.channels import expiry, meta_webhooks


@shared_task(name="klankbord.channels.tasks.process_webhook_event", ignore_result=True)
def process_webhook_event(event_id: int) -> None:
    meta_webhooks.event_process(event_id)


@shared_task(name="klankbord.channels.tasks.sweep_webhook_events", ignore_result=True)
def sweep_webhook_events() -> None:
    meta_webhooks.events_sweep()


@shared_task(name="klankbord.channels.tasks.expiry_warnings", ignore_result=True)
def expiry_warnings() -> None:
    expiry.send_expiry_warnings()
