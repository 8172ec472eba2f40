from django.urls import path

from klankbord.analytics import downloads, views

urlpatterns = [
    path("o/<slug:org_slug>/meten/", views.measure_view, name="measure"),
    path(
        "o/<slug:org_slug>/meten/rapport/<str:month>.pdf",
        views.report_pdf_view,
        name="measure_report_pdf",
    ),
    path(
        "o/<slug:org_slug>/meten/tabel/<slug:table>.<str:fmt>",
        downloads.measure_table_view,
        name="measure_table",
    ),
    # The plan's evaluation compares the plan with what happened; it keeps the plan's address.
    path("o/<slug:org_slug>/plan/evaluatie/", views.plan_review_view, name="plan_review"),
]
