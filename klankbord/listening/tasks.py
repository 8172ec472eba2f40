from celery import shared_task

from klankbord.listening import sources


@shared_task(name="klankbord.listening.tasks.poll_source", ignore_result=True)
def poll_source(source_id: int) -> None:
    sources.poll(source_id)
