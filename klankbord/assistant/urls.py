from django.urls import path

from klankbord.assistant import views

urlpatterns = [
    path(
        "o/<slug:org_slug>/instellingen/schrijfhulp/",
        views.settings_view,
        name="assistant_settings",
    ),
    path("o/<slug:org_slug>/schrijfhulp/voorstel/", views.suggest_view, name="assistant_suggest"),
    path(
        "o/<slug:org_slug>/inbox/<int:item_id>/voorstel/",
        views.answer_view,
        name="assistant_answer",
    ),
]
