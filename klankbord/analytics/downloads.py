"""The Measure page's tables to download, as CSV and as XLSX."""

from django.http import Http404, HttpRequest, HttpResponse

from klankbord.analytics.tables import filename, period_days, table_for
from klankbord.lib.spreadsheets import csv_bytes, xlsx_bytes
from klankbord.orgs.access import org_view
from klankbord.orgs.models import Membership, Role

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@org_view(Role.CLIENT)
def measure_table_view(
    request: HttpRequest, membership: Membership, table: str, fmt: str
) -> HttpResponse:
    organisation = membership.organisation
    found = table_for(table, organisation, period_days(request.GET.get("dagen", "")))
    if found is None or fmt not in CONTENT_TYPES:
        raise Http404
    if fmt == "csv":
        content = csv_bytes(found.headers, found.rows)
    else:
        content = xlsx_bytes(found.title, found.headers, found.rows)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    name = filename(organisation, table, found, fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
