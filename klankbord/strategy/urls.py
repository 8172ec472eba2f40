from django.urls import path

from klankbord.strategy import views

P = "o/<slug:org_slug>/plan/"

urlpatterns = [
    path(P, views.plan_view, name="plan"),
    path(P + "stap/<int:step>/", views.plan_step_view, name="plan_step"),
    path(P + "versies/", views.plan_versions_view, name="plan_versions"),
    path(P + "versies/<int:version_id>/", views.plan_version_view, name="plan_version"),
    path(P + "evaluatie/planning/", views.plan_review_schedule_view, name="plan_review_schedule"),
    path(P + "pdf/", views.plan_pdf_view, name="plan_pdf"),
    path(P + "delen/", views.plan_share_view, name="plan_share"),
    path(P + "personeelsbeleid/", views.plan_policy_view, name="plan_policy"),
    path(
        P + "personeelsbeleid/<str:lang>.md",
        views.plan_policy_markdown_view,
        name="plan_policy_markdown",
    ),
    path(P + "personeelsbeleid/<str:lang>.pdf", views.plan_policy_pdf_view, name="plan_policy_pdf"),
    path(
        P + "personeelsbeleid/<str:lang>/afdrukken/",
        views.plan_policy_print_view,
        name="plan_policy_print",
    ),
    path("plan/gedeeld/<str:token>/", views.plan_shared_view, name="plan_shared"),
    path("plan/gedeeld/<str:token>/pdf/", views.plan_shared_pdf_view, name="plan_shared_pdf"),
]
