from celery import shared_task

from klankbord.understanding import services


@shared_task(name="klankbord.understanding.tasks.retrain_organisation", ignore_result=True)
def retrain_organisation(organisation_id: int) -> None:
    services.retrain(organisation_id)


@shared_task(name="klankbord.understanding.tasks.retrain_due", ignore_result=True)
def retrain_due() -> None:
    services.retrain_due()
