from django.urls import path

from klankbord.strategy import views

P = "o/<slug:org_slug>/plan/"

urlpatterns = [
    path(P, views.plan_view, name="plan"),
    path(P + "stap/<int:step>/", views.plan_step_view, name="plan_step"),
    path(P + "versies/", views.plan_versions_view, name="plan_versions"),
    path(P + "versies/<int:version_id>/", views.plan_version_view, name="plan_version"),
]
