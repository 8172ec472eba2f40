from django.urls import path

from klankbord.inbox import views

P = "o/<slug:org_slug>/inbox/"

urlpatterns = [
    path(P, views.inbox_view, name="inbox"),
    path(P + "bulk/", views.inbox_bulk_view, name="inbox_bulk"),
    path(P + "leads.csv", views.leads_export_view, name="inbox_leads_export"),
    path(P + "instellingen/", views.inbox_settings_view, name="inbox_settings"),
    path(
        P + "instellingen/antwoorden/<int:saved_reply_id>/",
        views.saved_reply_edit_view,
        name="saved_reply_edit",
    ),
    path(
        P + "instellingen/antwoorden/<int:saved_reply_id>/verwijderen/",
        views.saved_reply_delete_view,
        name="saved_reply_delete",
    ),
    path(P + "bestand/<int:media_id>/", views.mention_media_view, name="inbox_media"),
    path(P + "<int:item_id>/", views.item_view, name="inbox_item"),
    path(P + "<int:item_id>/actie/", views.item_action_view, name="inbox_item_action"),
    path(P + "<int:item_id>/label/", views.item_reading_view, name="inbox_item_reading"),
    path(P + "<int:item_id>/notitie/", views.item_note_view, name="inbox_item_note"),
    path(P + "<int:item_id>/antwoord/", views.item_reply_view, name="inbox_item_reply"),
    path(P + "<int:item_id>/verbergen/", views.item_hide_view, name="inbox_item_hide"),
    path(P + "<int:item_id>/sjabloon/", views.item_template_view, name="inbox_item_template"),
    path(
        P + "<int:item_id>/sjablonen/vernieuwen/",
        views.item_templates_refresh_view,
        name="inbox_item_templates_refresh",
    ),
    path(P + "<int:item_id>/tellen/", views.item_count_view, name="inbox_item_count"),
    path(
        P + "<int:item_id>/antwoord/<int:reply_id>/bestand/",
        views.reply_media_view,
        name="inbox_reply_media",
    ),
    path(
        P + "<int:item_id>/antwoord/<int:reply_id>/opzoeken/",
        views.reply_look_up_view,
        name="inbox_reply_look_up",
    ),
    path(
        P + "<int:item_id>/antwoord/<int:reply_id>/verwijderen/",
        views.reply_delete_view,
        name="inbox_reply_delete",
    ),
]
