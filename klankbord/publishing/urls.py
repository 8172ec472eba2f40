from django.urls import path

from klankbord.publishing import views

P = "o/<slug:org_slug>/publiceren/"

urlpatterns = [
    path(P, views.posts_view, name="publish"),
    path(P + "nieuw/", views.compose_view, name="compose"),
    path(P + "bulk/", views.bulk_view, name="publish_bulk"),
    path(P + "tellen/", views.count_view, name="compose_count"),
    path(P + "linkvoorbeeld/", views.link_preview_view, name="link_preview"),
    path(P + "afbeeldingen/", views.image_upload_view, name="image_upload"),
    path(P + "afbeeldingen/<int:image_id>/", views.image_view, name="image"),
    path("beeld/<str:token>/", views.public_image_view, name="public_image"),
    path("r/<str:code>", views.short_link_view, name="short_link"),
    path(P + "meldingen/gelezen/", views.notifications_read_view, name="notifications_read"),
    path(P + "<int:post_id>/", views.post_detail_view, name="post_detail"),
    path(P + "<int:post_id>/bewerken/", views.post_edit_view, name="post_edit"),
    path(P + "<int:post_id>/goedkeuren/", views.post_approve_view, name="post_approve"),
    path(P + "<int:post_id>/afwijzen/", views.post_reject_view, name="post_reject"),
    path(P + "<int:post_id>/reageren/", views.post_comment_view, name="post_comment"),
    path(P + "<int:post_id>/kopieren/", views.post_duplicate_view, name="post_duplicate"),
    path(P + "<int:post_id>/concept/", views.post_unschedule_view, name="post_unschedule"),
    path(P + "<int:post_id>/pijler/", views.post_pillar_view, name="post_pillar"),
    path(P + "<int:post_id>/verwijderen/", views.post_delete_view, name="post_delete"),
    path(P + "kanaal/<int:target_id>/opnieuw/", views.target_retry_view, name="target_retry"),
    path(P + "kanaal/<int:target_id>/opzoeken/", views.target_look_up_view, name="target_look_up"),
    path(P + "kanaal/<int:target_id>/verplaatsen/", views.target_move_view, name="target_move"),
    path("o/<slug:org_slug>/kalender/", views.calendar_view, name="calendar"),
    path("o/<slug:org_slug>/kalender/abonneren/", views.feed_create_view, name="feed_create"),
    path("o/<slug:org_slug>/kalender/intrekken/", views.feed_revoke_view, name="feed_revoke"),
    path("kalender/<str:token>.ics", views.ical_view, name="ical"),
    path(
        "o/<slug:org_slug>/instellingen/publiceren/",
        views.publishing_settings_view,
        name="publishing_settings",
    ),
    path(
        "o/<slug:org_slug>/instellingen/publiceren/<int:channel_id>/slots/",
        views.slot_add_view,
        name="slot_add",
    ),
    path(
        "o/<slug:org_slug>/instellingen/publiceren/slots/<int:slot_id>/verwijderen/",
        views.slot_delete_view,
        name="slot_delete",
    ),
]
