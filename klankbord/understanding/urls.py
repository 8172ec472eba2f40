from django.urls import path

from klankbord.understanding import views

P = "o/<slug:org_slug>/instellingen/taal/"

urlpatterns = [
    path(P, views.language_view, name="language_settings"),
    path(P + "correctie/", views.correction_add_view, name="correction_add"),
    path(
        P + "correctie/<int:correction_id>/verwijderen/",
        views.correction_delete_view,
        name="correction_delete",
    ),
    path(P + "hertrainen/", views.retrain_view, name="language_retrain"),
    path(P + "nakijken/<int:mention_id>/", views.mention_check_view, name="language_check"),
]
