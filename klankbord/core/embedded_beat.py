"""Beat inside a worker process, for one small machine (`klankbord run`).

A separate beat process costs as much memory as a worker (Django and every task module loaded)
to send a few messages a minute; on one machine a thread in the worker does the same work.
Installations with several workers keep one separate `klankbord beat` instead.
"""

from typing import Any

import click
from celery import bootsteps
from celery.beat import EmbeddedService

OPTION = click.Option(
    ["--beat-thread"],
    is_flag=True,
    default=False,
    help="Also run the beat scheduler, in a thread of this worker (one machine only).",
)


class BeatThreadStep(bootsteps.StartStopStep):
    """Starts beat as a thread when the worker was started with --beat-thread."""

    label = "BeatThread"
    conditional = True

    def __init__(self, parent: Any, beat_thread: bool = False, **kwargs: Any) -> None:
        self.enabled = beat_thread
        super().__init__(parent, **kwargs)

    def create(self, parent: Any) -> Any:
        # A thread, not Celery's forked process (`--beat`): no second copy of the worker.
        # StartStopStep starts and stops what this returns along with the worker.
        return EmbeddedService(parent.app, thread=True, schedule_filename=parent.schedule_filename)
