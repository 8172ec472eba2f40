from celery import shared_task


@shared_task(name="klankbord.strategy.tasks.review_reminders", ignore_result=True)
def review_reminders() -> None:
    from klankbord.strategy.reminders import send_review_reminders

    send_review_reminders()
