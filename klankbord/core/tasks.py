from celery import shared_task

from klankbord.core.heartbeats import heartbeat_record


@shared_task(name="klankbord.core.tasks.beat_tick", ignore_result=True)
def beat_tick() -> None:
    # A tick that reached a worker proves the whole chain beat → broker → worker works.
    heartbeat_record(name="tick", kind="worker")
