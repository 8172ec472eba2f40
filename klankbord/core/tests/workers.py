"""Run background tasks in tests as a worker would, right after the request's commit."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.test import TestCase


@contextmanager
def worker_at_hand() -> Iterator[None]:
    """Tasks enqueued on commit inside this block run when it ends, in this process."""
    from klankbord.celery import app

    app.conf.task_always_eager = True
    try:
        with TestCase.captureOnCommitCallbacks(execute=True):
            yield
    finally:
        app.conf.task_always_eager = False
