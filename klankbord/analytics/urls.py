from django.urls import path

from klankbord.analytics import views

urlpatterns = [
    path("o/<slug:org_slug>/meten/", views.measure_view, name="measure"),
]
