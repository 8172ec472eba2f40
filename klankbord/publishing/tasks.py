from celery import shared_task

from klankbord.publishing import scheduler, services


@shared_task(name="klankbord.publishing.tasks.publish_target", ignore_result=True)
def publish_target(target_id: int, token: str) -> None:
    scheduler.publish(target_id, token)


@shared_task(name="klankbord.publishing.tasks.resolve_target", ignore_result=True)
def resolve_target(target_id: int, token: str) -> None:
    scheduler.resolve(target_id, token)


@shared_task(name="klankbord.publishing.tasks.recover", ignore_result=True)
def recover() -> None:
    scheduler.recover()


@shared_task(name="klankbord.publishing.tasks.tidy", ignore_result=True)
def tidy() -> None:
    services.images_forget_unused()
