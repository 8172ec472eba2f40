from django.urls import path

from klankbord.channels import chat_link, views

urlpatterns = [
    path("o/<slug:org_slug>/instellingen/kanalen/", views.channels_view, name="channels"),
    path(
        "o/<slug:org_slug>/instellingen/kanalen/oefenen/",
        views.connect_sandbox_view,
        name="connect_sandbox",
    ),
    path(
        "o/<slug:org_slug>/instellingen/kanalen/feed/", views.connect_feed_view, name="connect_feed"
    ),
    path(
        "o/<slug:org_slug>/instellingen/kanalen/mastodon/",
        views.connect_mastodon_view,
        name="connect_mastodon",
    ),
    path(
        "o/<slug:org_slug>/instellingen/kanalen/bluesky/",
        views.connect_bluesky_view,
        name="connect_bluesky",
    ),
    path("kanalen/mastodon/terug/", views.mastodon_callback_view, name="mastodon_callback"),
    path(
        "o/<slug:org_slug>/instellingen/kanalen/facebook/app/",
        views.facebook_app_view,
        name="facebook_app",
    ),
    path(
        "o/<slug:org_slug>/instellingen/kanalen/facebook/",
        views.connect_facebook_view,
        name="connect_facebook",
    ),
    path(
        "o/<slug:org_slug>/instellingen/kanalen/facebook/pagina/",
        views.facebook_pages_view,
        name="facebook_pages",
    ),
    path(
        "o/<slug:org_slug>/instellingen/kanalen/instagram/",
        views.connect_instagram_view,
        name="connect_instagram",
    ),
    path(
        "o/<slug:org_slug>/instellingen/kanalen/instagram/account/",
        views.instagram_accounts_view,
        name="instagram_accounts",
    ),
    path("kanalen/facebook/terug/", views.facebook_callback_view, name="facebook_callback"),
    path("webhooks/meta/<str:key>/", views.meta_webhook_view, name="meta_webhook"),
    path("webhooks/threads/<str:key>/", views.threads_webhook_view, name="threads_webhook"),
    path(
        "o/<slug:org_slug>/instellingen/kanalen/threads/app/",
        views.threads_app_view,
        name="threads_app",
    ),
    path(
        "o/<slug:org_slug>/instellingen/kanalen/threads/",
        views.connect_threads_view,
        name="connect_threads",
    ),
    path("kanalen/threads/terug/", views.threads_callback_view, name="threads_callback"),
    path("webhooks/whatsapp/<str:key>/", views.whatsapp_webhook_view, name="whatsapp_webhook"),
    path(
        "o/<slug:org_slug>/instellingen/kanalen/whatsapp/",
        views.connect_whatsapp_view,
        name="connect_whatsapp",
    ),
    path(
        "o/<slug:org_slug>/instellingen/kanalen/<int:channel_id>/whatsapp-link/",
        chat_link.whatsapp_link_view,
        name="whatsapp_link",
    ),
    path(
        "o/<slug:org_slug>/instellingen/kanalen/<int:channel_id>/whatsapp-link/qr.svg",
        chat_link.whatsapp_qr_view,
        {"kind": "svg"},
        name="whatsapp_qr_svg",
    ),
    path(
        "o/<slug:org_slug>/instellingen/kanalen/<int:channel_id>/whatsapp-link/qr.png",
        chat_link.whatsapp_qr_view,
        {"kind": "png"},
        name="whatsapp_qr_png",
    ),
    path(
        "o/<slug:org_slug>/instellingen/kanalen/linkedin/app/",
        views.linkedin_app_view,
        name="linkedin_app",
    ),
    path(
        "o/<slug:org_slug>/instellingen/kanalen/linkedin/",
        views.connect_linkedin_view,
        name="connect_linkedin",
    ),
    path(
        "o/<slug:org_slug>/instellingen/kanalen/linkedin/pagina/",
        views.linkedin_pages_view,
        name="linkedin_pages",
    ),
    path("kanalen/linkedin/terug/", views.linkedin_callback_view, name="linkedin_callback"),
    path(
        "o/<slug:org_slug>/instellingen/kanalen/google/app/",
        views.google_app_view,
        name="google_app",
    ),
    path(
        "o/<slug:org_slug>/instellingen/kanalen/google/",
        views.connect_google_view,
        name="connect_google",
    ),
    path(
        "o/<slug:org_slug>/instellingen/kanalen/google/vestigingen/",
        views.google_locations_view,
        name="google_locations",
    ),
    path("kanalen/google/terug/", views.google_callback_view, name="google_callback"),
    path(
        "o/<slug:org_slug>/instellingen/kanalen/<int:channel_id>/controleren/",
        views.channel_check_view,
        name="channel_check",
    ),
    path(
        "o/<slug:org_slug>/instellingen/kanalen/<int:channel_id>/ontkoppelen/",
        views.channel_disconnect_view,
        name="channel_disconnect",
    ),
]
