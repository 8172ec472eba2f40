"""The metrics a KPI may name when Klankbord counts it itself: key, label, unit and direction.

The plan owns this list (a KPI stores the key); Measure (analytics.metrics) attaches one
computation to each key, so the plan never needs to know how a figure is counted.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MetricDefinition:
    key: str
    label: Promise
    unit: str  # count, percent, minutes
    higher_is_better: bool


KPI_METRICS: dict[str, MetricDefinition] = {
    "posts_published": MetricDefinition("posts_published", _("Posts published"), "count", True),
    "answered_in_time": MetricDefinition("answered_in_time", _("Messages answered in time"), "percent", True),  # noqa: E501
    "first_response_minutes": MetricDefinition("first_response_minutes", _("Time to first answer (working minutes)"), "minutes", False),  # noqa: E501
    "leads": MetricDefinition("leads", _("Leads from social media"), "count", True),
    "reactions": MetricDefinition("reactions", _("Reactions to posts (likes, shares, replies, quotes)"), "count", True),  # noqa: E501
    "followers_gained": MetricDefinition("followers_gained", _("New followers (all channels)"), "count", True),  # noqa: E501
    "reactions_per_post": MetricDefinition("reactions_per_post", _("Reactions per post"), "count", True),  # noqa: E501
    "mentions": MetricDefinition("mentions", _("Mentions"), "count", True),
    "negative_share": MetricDefinition("negative_share", _("Share of negative mentions"), "percent", False),  # noqa: E501
    "positive_share": MetricDefinition("positive_share", _("Share of positive mentions"), "percent", True),  # noqa: E501
}  # fmt: skip
