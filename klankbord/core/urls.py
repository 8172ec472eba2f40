from django.urls import path

from klankbord.core import views

urlpatterns = [
    path("", views.home_view, name="home"),
    path("healthz", views.healthz_view, name="healthz"),
    path("metrics", views.metrics_view, name="metrics"),
    path("favicon.ico", views.favicon_view, name="favicon"),
    path("o/<slug:org_slug>/", views.dashboard_view, name="dashboard"),
    path("o/<slug:org_slug>/instellingen/status/", views.status_view, name="status"),
    path("o/<slug:org_slug>/importeren/<int:job_id>/", views.import_job_view, name="import_job"),
]
