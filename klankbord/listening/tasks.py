from celery import shared_task

from klankbord.listening import sources


@shared_task(name="klankbord.listening.tasks.poll_source", ignore_result=True)
def poll_source(source_id: int) -> None:
    sources.poll(source_id)


@shared_task(name="klankbord.listening.tasks.alerts", ignore_result=True)
def alerts() -> None:
    from klankbord.listening.alerts import send_alerts

    send_alerts()


@shared_task(name="klankbord.listening.tasks.digests", ignore_result=True)
def digests() -> None:
    from klankbord.listening.alerts import send_digests

    send_digests()


@shared_task(name="klankbord.listening.tasks.retention", ignore_result=True)
def retention() -> None:
    from klankbord.listening.privacy import retention_apply
    from klankbord.listening.services import refresh_statistics

    retention_apply()
    refresh_statistics()
