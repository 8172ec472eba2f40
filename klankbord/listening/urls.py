from django.urls import path

from klankbord.listening import views

P = "o/<slug:org_slug>/luisteren/"

urlpatterns = [
    path(P, views.listen_view, name="listen"),
    path(P + "monitors/nieuw/", views.monitor_edit_view, name="monitor_create"),
    path(P + "monitors/voorbeeld/", views.query_preview_view, name="query_preview"),
    path(P + "monitors/<int:monitor_id>/", views.monitor_view, name="monitor"),
    path(P + "monitors/<int:monitor_id>/bewerken/", views.monitor_edit_view, name="monitor_edit"),
    path(
        P + "monitors/<int:monitor_id>/verwijderen/",
        views.monitor_delete_view,
        name="monitor_delete",
    ),
    path(P + "monitors/<int:monitor_id>/pauzeren/", views.monitor_pause_view, name="monitor_pause"),
    path(
        P + "monitors/<int:monitor_id>/hervatten/",
        views.monitor_resume_view,
        name="monitor_resume",
    ),
    path(P + "monitors/<int:monitor_id>/feed/", views.monitor_feed_view, name="monitor_feed"),
    path("luisteren/feed/<str:token>.xml", views.monitor_feed_atom_view, name="monitor_feed_atom"),
    path("luisteren/feed/<str:token>.json", views.monitor_feed_json_view, name="monitor_feed_json"),
    path(P + "bronnen/", views.sources_view, name="listening_sources"),
    path(P + "meldingen/", views.alerts_view, name="listening_alerts"),
    path(P + "privacy/", views.privacy_view, name="listening_privacy"),
    path(
        P + "meldingen/webhook/<int:webhook_id>/verwijderen/",
        views.webhook_delete_view,
        name="webhook_delete",
    ),
]
