from celery import shared_task


@shared_task(name="klankbord.inbox.tasks.overdue", ignore_result=True)
def overdue() -> None:
    from klankbord.inbox.handoff import send_overdue_alerts

    send_overdue_alerts()


@shared_task(name="klankbord.inbox.tasks.leads", ignore_result=True)
def leads() -> None:
    from klankbord.inbox.handoff import send_leads

    send_leads()
