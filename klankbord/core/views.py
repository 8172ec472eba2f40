import hmac

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST

from klankbord.accounts.types import AuthenticatedHttpRequest
from klankbord.analytics.figures import dashboard_figures
from klankbord.core import metrics
from klankbord.core.models import ImportJob
from klankbord.core.selectors import background_status, broker_reachable, queue_depth
from klankbord.inbox import selectors as inbox
from klankbord.listening import selectors as listening
from klankbord.orgs.access import org_view, require_role
from klankbord.orgs.models import Membership, Role
from klankbord.orgs.selectors import memberships_for_user
from klankbord.publishing import selectors as publishing
from klankbord.strategy import selectors as strategy


@login_required
def home_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    memberships = list(memberships_for_user(request.user))
    if not memberships:
        return redirect("org_create")
    current = request.session.get("current_org")
    slugs = [m.organisation.slug for m in memberships]
    return redirect("dashboard", org_slug=current if current in slugs else slugs[0])


@org_view(Role.CLIENT)
def dashboard_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    org = membership.organisation
    context = {
        "membership": membership,
        **dashboard_figures(org).values,  # the KPI card and sparklines, kept a few minutes
        "monitors": listening.monitors_of(org)[:5],
        "inbox_open": inbox.open_count(org),
        "inbox_overdue": inbox.overdue_count(org),
        "plan": strategy.progress(org),
        "warnings": publishing.rhythm_warnings(org),
        "awaiting": publishing.awaiting_approval(org).count(),
        "upcoming": publishing.upcoming(org)[:5],
        "trouble": publishing.needs_attention(org).count(),
    }
    return render(request, "core/dashboard.html", context)


@org_view(Role.MANAGER)
def status_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    context = {
        "membership": membership,
        "status": background_status(),
        "queue_depth": queue_depth(),
    }
    return render(request, "core/status.html", context)


@org_view(Role.CONTRIBUTOR)
def import_job_view(request: HttpRequest, membership: Membership, job_id: int) -> HttpResponse:
    """An import's progress; the page asks again every two seconds until the import is over."""
    job = get_object_or_404(
        ImportJob.objects.defer("content"), pk=job_id, organisation=membership.organisation
    )
    if job.kind == ImportJob.Kind.MENTIONS:
        require_role(membership, Role.EDITOR)  # as on the Sources page, where it was uploaded
    context = {"membership": membership, "job": job, "result": job.result}
    if getattr(request, "htmx", False):
        return render(request, "core/partials/import_job.html", context)
    return render(request, "core/import_job.html", context)


def favicon_view(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico before reading the page's icon link."""
    return redirect(static("klankbord/favicon.ico"), permanent=True)


@never_cache
def healthz_view(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database_ok = True
    except Exception:  # noqa: BLE001
        database_ok = False
    status = background_status() if database_ok else None
    # Without the broker nothing reaches a worker: no post goes out, no source is read.
    broker_ok = broker_reachable(timeout=2)
    body = {
        "status": "ok" if database_ok and broker_ok else "error",
        "database": "ok" if database_ok else "error",
        "broker": "ok" if broker_ok else "error",
        "worker": "ok" if status and status.worker_alive else "stopped",
        "beat": "ok" if status and status.beat_alive else "stopped",
    }
    return JsonResponse(body, status=200 if database_ok and broker_ok else 503)


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics, for KLANKBORD_METRICS_TOKEN as a bearer token or a staff member."""
    if not metrics_allowed(request):
        response = HttpResponse("Unauthorized", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(metrics.scrape(), content_type=CONTENT_TYPE_LATEST)


def metrics_allowed(request: HttpRequest) -> bool:
    token = settings.KLANKBORD_METRICS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if token and scheme.lower() == "bearer":
        return hmac.compare_digest(given.strip().encode(), token.encode())
    return bool(request.user.is_authenticated and request.user.is_staff)
