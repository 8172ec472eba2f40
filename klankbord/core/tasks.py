from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from klankbord.core.heartbeats import heartbeat_record
from klankbord.core.imports import import_job_run, import_jobs_sweep
from klankbord.core.models import Heartbeat
from klankbord.listening.sources import tick as listening_tick
from klankbord.publishing.scheduler import tick as publishing_tick

# Workers that have been silent this long are gone (renamed or removed), not stopped.
FORGET_WORKERS_AFTER = timedelta(days=1)


@shared_task(name="klankbord.core.tasks.beat_tick", ignore_result=True)
def beat_tick() -> None:
    # A tick that reached a worker proves the whole chain beat → broker → worker works.
    heartbeat_record(name="tick", kind="worker")
    publishing_tick()
    listening_tick()
    import_jobs_sweep()
    Heartbeat.objects.filter(
        name__startswith="worker:", seen_at__lt=timezone.now() - FORGET_WORKERS_AFTER
    ).delete()


@shared_task(name="klankbord.core.tasks.run_import_job", ignore_result=True)
def run_import_job(job_id: int) -> None:
    import_job_run(job_id=job_id)
