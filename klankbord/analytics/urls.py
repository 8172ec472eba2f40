from django.urls import path

from klankbord.analytics import views

urlpatterns = [
    path("o/<slug:org_slug>/meten/", views.measure_view, name="measure"),
    path(
        "o/<slug:org_slug>/meten/rapport/<str:month>.pdf",
        views.report_pdf_view,
        name="measure_report_pdf",
    ),
]
