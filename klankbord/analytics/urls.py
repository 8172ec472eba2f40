from django.urls import path

from klankbord.analytics import client_views, downloads, views

CLIENT = "o/<slug:org_slug>/meten/klantrapporten/"

urlpatterns = [
    path("o/<slug:org_slug>/meten/", views.measure_view, name="measure"),
    path("o/<slug:org_slug>/meten/geteld/", views.measure_counted_view, name="measure_counted"),
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
    path(CLIENT, client_views.client_reports_view, name="client_reports"),
    path(CLIENT + "nieuw/", client_views.client_report_new_view, name="client_report_new"),
    path(
        CLIENT + "<int:client_report_id>/",
        client_views.client_report_edit_view,
        name="client_report_edit",
    ),
    path(
        CLIENT + "<int:client_report_id>/verwijderen/",
        client_views.client_report_delete_view,
        name="client_report_delete",
    ),
    path(
        CLIENT + "<int:client_report_id>/test/",
        client_views.client_report_test_view,
        name="client_report_test",
    ),
    path(CLIENT + "adressen/", client_views.report_link_create_view, name="report_link_create"),
    path(
        CLIENT + "adressen/<int:report_link_id>/intrekken/",
        client_views.report_link_revoke_view,
        name="report_link_revoke",
    ),
    # A read-only report for someone without an account: the token is the key.
    path("rapport/<str:token>/", client_views.report_shared_view, name="report_shared"),
    path("rapport/<str:token>/pdf/", client_views.report_shared_pdf_view, name="report_shared_pdf"),
    # The plan's evaluation compares the plan with what happened; it keeps the plan's address.
    path("o/<slug:org_slug>/plan/evaluatie/", views.plan_review_view, name="plan_review"),
]
