"""Prometheus metrics, read from the database when scraped.

Workers, beat and web processes share nothing but the database, so every number a worker
makes is either read from the rows themselves (lateness, queue depth, targets per status) or
counted in a `Counter` row (task failures, rate-limit waits, mentions stored). Only the web
request latency is kept in the web process's memory (several processes: PROMETHEUS_MULTIPROC_DIR).
"""

import logging
import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.utils import timezone
from prometheus_client import CollectorRegistry, Histogram, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

from klankbord.core.models import Counter
from klankbord.publishing.models import PostTarget

log = logging.getLogger(__name__)
LATENESS_BUCKETS = (1, 2.5, 5, 10, 15, 30, 60, 120, 300, 900, 3600)
HTTP_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
# The counters kept in the database: name → (metric, help, label name).
COUNTERS = {
    "task_failures": ("klankbord_task_failures", "Background tasks that raised an error.", "task"),
    "rate_limit_waits": (
        "klankbord_rate_limit_waits",
        "Posts and polls postponed because a network said to slow down.",
        "network",
    ),
    "mentions_stored": ("klankbord_mentions_stored", "Mentions stored (ingest).", ""),
}

http_latency = Histogram(
    "klankbord_http_request_duration_seconds",
    "Time to answer a web request, by view.",
    ["view", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=None,
)


def counter_add(*, name: str, label: str = "", amount: int = 1) -> None:
    """Add to a database counter; a counter that cannot be written is logged, never raised."""
    if amount <= 0:
        return
    try:
        # A savepoint: inside the caller's transaction, a failed count must not break it.
        with transaction.atomic():
            counter, _ = Counter.objects.get_or_create(name=name, label=label[:200])
            Counter.objects.filter(pk=counter.pk).update(value=F("value") + amount)
    except DatabaseError as error:
        log.warning("counter %s not updated: %s", name, error)


def task_failed(sender: Any = None, **_: Any) -> None:
    """Celery's task_failure, in the worker that ran the task."""
    counter_add(name="task_failures", label=getattr(sender, "name", "") or "unknown")


def mentions_counted(mentions: list[Any], **_: Any) -> None:
    """The listening pipeline stored these, in the transaction that stores them."""
    counter_add(name="mentions_stored", amount=len(mentions))


def http_observe(*, view: str, method: str, seconds: float) -> None:
    method = method if method in HTTP_METHODS else "other"
    http_latency.labels(view=view, method=method).observe(seconds)


class DatabaseCollector(Collector):
    """Everything the workers did, read from the database at scrape time."""

    def collect(self) -> Iterator[Any]:
        yield self.lateness()
        yield from self.targets()
        yield from self.counters()

    def lateness(self) -> HistogramMetricFamily:
        published = PostTarget.objects.filter(
            status=PostTarget.Status.PUBLISHED,
            published_at__isnull=False,
            scheduled_at__isnull=False,
        )
        late = ExpressionWrapper(
            F("published_at") - F("scheduled_at"), output_field=DurationField()
        )
        within = {
            f"le{n}": Count(
                "pk", filter=Q(published_at__lte=F("scheduled_at") + timedelta(seconds=bound))
            )
            for n, bound in enumerate(LATENESS_BUCKETS)
        }
        totals = published.aggregate(count=Count("pk"), total=Sum(late), **within)
        buckets = [(floatToGoString(b), totals[f"le{n}"]) for n, b in enumerate(LATENESS_BUCKETS)]
        total = totals["total"] or timedelta(0)
        return HistogramMetricFamily(
            "klankbord_publish_lateness_seconds",
            "Seconds from a post's chosen time to its publication, over the published posts kept.",
            buckets=[*buckets, ("+Inf", totals["count"])],
            sum_value=total.total_seconds(),
        )

    def targets(self) -> Iterator[GaugeMetricFamily]:
        now = timezone.now()
        due = PostTarget.objects.filter(
            status=PostTarget.Status.SCHEDULED, due_at__lte=now, post__deleted_at__isnull=True
        ).count()
        yield GaugeMetricFamily(
            "klankbord_publish_queue_depth", "Posts due and not yet taken by a worker.", value=due
        )
        by_status = GaugeMetricFamily(
            "klankbord_publish_targets", "Posts per channel, by status.", labels=["status"]
        )
        counts = dict(
            PostTarget.objects.values_list("status").annotate(n=Count("pk")).order_by("status")
        )
        for status in PostTarget.Status.values:
            by_status.add_metric([status], counts.get(status, 0))
        yield by_status

    def counters(self) -> Iterator[CounterMetricFamily]:
        rows = Counter.objects.filter(name__in=COUNTERS).values_list("name", "label", "value")
        values: dict[str, list[tuple[str, int]]] = {name: [] for name in COUNTERS}
        for name, label, value in rows:
            values[name].append((label, value))
        for name, (metric, help_text, label_name) in COUNTERS.items():
            family = CounterMetricFamily(
                metric, help_text, labels=[label_name] if label_name else None
            )
            for label, value in values[name]:
                family.add_metric([label] if label_name else [], value)
            if not label_name and not values[name]:
                family.add_metric([], 0)
            yield family


def scrape() -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseCollector())
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Several web processes: each writes its latencies to files in that folder.
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(http_latency)
    return generate_latest(registry)
