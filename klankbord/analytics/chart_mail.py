"""The monthly e-mail's charts: PNG pictures sent inside the message (SVG is not safe in mail
clients), each with its description as alternative text."""

from dataclasses import dataclass
from email.mime.image import MIMEImage
from typing import TYPE_CHECKING

from django.core.mail import EmailMultiAlternatives

from klankbord.analytics.chart_pdf import png
from klankbord.analytics.chart_sets import report_charts

if TYPE_CHECKING:  # the report builds its e-mail with these
    from klankbord.analytics.report import MonthlyReport

MAILED = ("followers", "reactions", "published", "response")  # a mail stays light


@dataclass(frozen=True)
class MailChart:
    cid: str
    title: str
    desc: str
    png: bytes


def mail_charts(report: "MonthlyReport") -> list[MailChart]:
    charts = report_charts(
        report.organisation,
        report.start,
        report.end,
        has_plan=report.has_plan,
        target_minutes=report.response_target,
    )
    return [
        MailChart(f"chart-{chart.key}@klankbord", chart.title, chart.desc, png(chart.canvas))
        for chart in charts
        if chart.key in MAILED
    ]


def attach_charts(message: EmailMultiAlternatives, charts: list[MailChart]) -> None:
    """Each picture as an inline part the HTML refers to as cid:…"""
    if not charts:
        return
    message.mixed_subtype = "related"  # type: ignore[attr-defined]  # Django has it, stubs not
    for chart in charts:
        image = MIMEImage(chart.png, "png")
        image.add_header("Content-ID", f"<{chart.cid}>")
        image.add_header("Content-Disposition", "inline", filename=chart.cid.split("@")[0] + ".png")
        message.attach(image)
