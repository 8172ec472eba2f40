from django.urls import path

from klankbord.timekeeping import views

P = "o/<slug:org_slug>/tijd/"

urlpatterns = [
    path(P, views.time_view, name="time"),
    path(P + "snel/", views.quick_entry_view, name="time_quick"),
    path(P + "<int:entry_id>/", views.entry_edit_view, name="time_entry_edit"),
    path(P + "<int:entry_id>/verwijderen/", views.entry_delete_view, name="time_entry_delete"),
    path(P + "voorstel/", views.suggestion_view, name="time_suggestion"),
    path(P + "timer/start/", views.timer_start_view, name="timer_start"),
    path(P + "timer/stop/", views.timer_stop_view, name="timer_stop"),
    path(P + "kosten/", views.costs_view, name="time_costs"),
    path(P + "kosten/reclame/", views.ad_spend_add_view, name="ad_spend_add"),
    path(
        P + "kosten/reclame/<int:spend_id>/verwijderen/",
        views.ad_spend_delete_view,
        name="ad_spend_delete",
    ),
    path(P + "export.<str:fmt>", views.time_export_view, name="time_export"),
]
