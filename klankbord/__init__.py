import sys

# Every process loads the Celery app here, as Celery and Django expect; except
# `klankbord classify`, which reads posts without Django or Celery so that it answers at once
# (klankbord/__main__.py loads the app itself when the command needs Django after all).
if sys.argv[1:2] != ["classify"]:
    from klankbord.celery import app as celery_app

    __all__ = ["celery_app"]
