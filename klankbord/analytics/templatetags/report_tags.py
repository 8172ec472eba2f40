"""The monthly report's links on the Measure page, so the page's view need not know about them."""

from typing import Any

from django import template

from klankbord.analytics.report import report_months
from klankbord.orgs.models import Organisation

register = template.Library()


@register.inclusion_tag("analytics/report_links.html")
def report_links(organisation: Organisation) -> dict[str, Any]:
    months = report_months(organisation)
    return {
        "slug": organisation.slug,
        "months": months,
        "this_month": months[0] if months else None,
    }
