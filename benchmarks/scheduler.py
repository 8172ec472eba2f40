"""Scheduler benchmark: many posts due in the same minute, real Celery workers, a fake Mastodon.

Prints duplicates, missing posts and lateness percentiles (published_at - scheduled_at).
Run: .venv/bin/python benchmarks/scheduler.py [--posts 1000 --channels 50 --workers 2 --kill]
Set DATABASE_URL and CELERY_BROKER_URL to measure on PostgreSQL and Redis.
"""

import argparse
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def configure(data_dir: str) -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = {
        "DJANGO_SETTINGS_MODULE": "klankbord.settings",
        "DEBUG": "true",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "KLANKBORD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "KLANKBORD_DATA_DIR": data_dir,
        "KLANKBORD_ALLOW_LOOPBACK_URLS": "true",
        "HTTP_TIMEOUT_SECONDS": "2",
        "PUBLISH_RETRY_BASE_SECONDS": "1",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    import logging

    import django

    django.setup()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    return env


def start_worker(env: dict[str, str], log: Path, concurrency: int) -> subprocess.Popen[bytes]:
    argv = [
        sys.executable,
        "-m",
        "celery",
        "--app",
        "klankbord",
        "worker",
        "--concurrency",
        str(concurrency),
        "--loglevel",
        "WARNING",
    ]
    return subprocess.Popen(
        argv, cwd=ROOT, env={**os.environ, **env}, stdout=log.open("ab"), stderr=subprocess.STDOUT
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--channels", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--concurrency", type=int, default=4, help="tasks per worker process")
    parser.add_argument("--kill", action="store_true", help="SIGKILL workers at random moments")
    parser.add_argument("--tick", type=float, default=5.0, help="seconds between beat ticks")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as data_dir:
        env = configure(data_dir)
        from django.core.management import call_command
        from django.db import connection
        from django.utils import timezone
        from pytest_httpserver import HTTPServer

        from klankbord.accounts.models import User
        from klankbord.channels.models import Channel
        from klankbord.channels.tests.fakes.mastodon import FakeMastodon
        from klankbord.orgs.models import Membership
        from klankbord.orgs.services import organisation_create
        from klankbord.publishing import scheduler
        from klankbord.publishing.models import PostTarget
        from klankbord.publishing.services import post_create, post_schedule

        call_command("migrate", interactive=False, verbosity=0)
        server = HTTPServer(threaded=True)
        server.start()
        fake = FakeMastodon(server)
        owner = User.objects.create_user(email=f"bench-{secrets.token_hex(3)}@example.be")
        org = organisation_create(name=f"Scheduler {secrets.token_hex(3)}", owner=owner)
        membership = Membership.objects.get(organisation=org, user=owner)
        channels = [
            Channel.objects.create(
                organisation=org,
                network="mastodon",
                external_id=str(n),
                handle=f"@acct{n}",
                base_url=fake.base_url,
                secrets={"access_token": fake.issue_token()},
            )
            for n in range(args.channels)
        ]
        due = timezone.now() + timedelta(seconds=60)
        print(f"creating {args.posts} posts on {args.channels} channels, all due at one moment…")
        for n in range(args.posts):
            channel = channels[n % len(channels)]
            post = post_create(organisation=org, author=owner, text=f"post {n}", channels=[channel])
            post_schedule(
                post=post, at=due + timedelta(seconds=random.uniform(0, 59)), by=membership
            )

        # Only this run's posts: a shared PostgreSQL database may hold earlier runs.
        mine = PostTarget.objects.filter(post__organisation=org)
        log = Path(data_dir) / "workers.log"
        workers = [start_worker(env, log, args.concurrency) for _ in range(args.workers)]
        kills = 0
        while timezone.now() < due:
            time.sleep(0.2)
        deadline = time.monotonic() + 600
        try:
            while time.monotonic() < deadline:
                scheduler.tick()
                if not mine.exclude(status__in=["published", "failed", "missed"]).exists():
                    break
                if args.kill and random.random() < 0.2:
                    victim = random.randrange(len(workers))
                    workers[victim].send_signal(signal.SIGKILL)
                    workers[victim].wait()
                    workers[victim] = start_worker(env, log, args.concurrency)
                    kills += 1
                time.sleep(args.tick)
        finally:
            for worker in workers:
                worker.send_signal(signal.SIGKILL)
                worker.wait()
            server.clear()
            server.stop()

        targets = list(mine.values_list("status", "scheduled_at", "published_at", "text"))
        published = Counter(fake.published_texts())
        lateness = [(p - s).total_seconds() for status, s, p, _t in targets if p is not None]
        from django.conf import settings

        broker = settings.CELERY_BROKER_URL.split("://")[0]
        print(f"database: {connection.vendor}   broker: {broker}")
        print(
            f"workers: {args.workers} x {args.concurrency}   tick: {args.tick} s   kills: {kills}"
        )
        print(f"statuses: {dict(Counter(t[0] for t in targets))}")
        print(f"duplicates: {sum(count - 1 for count in published.values() if count > 1)}")
        print(f"missing: {sum(1 for _s, _d, _p, text in targets if text not in published)}")
        if lateness:
            print(
                "lateness s: "
                f"p50 {statistics.median(lateness):.1f}  p95 {percentile(lateness, 0.95):.1f}  "
                f"p99 {percentile(lateness, 0.99):.1f}  max {max(lateness):.1f}"
            )


if __name__ == "__main__":
    main()
