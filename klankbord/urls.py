from django.urls import include, path

from klankbord.core import operator_admin

urlpatterns = [
    # Staff members with two-factor authentication only (django-otp's admin site).
    path("beheer/", operator_admin.site.urls),
    path("", include("klankbord.core.urls")),
    path("", include("klankbord.accounts.urls")),
    path("", include("klankbord.orgs.urls")),
    path("", include("klankbord.channels.urls")),
    path("", include("klankbord.publishing.urls")),
    path("", include("klankbord.understanding.urls")),
    path("", include("klankbord.listening.urls")),
    path("", include("klankbord.inbox.urls")),
    path("", include("klankbord.strategy.urls")),
    path("", include("klankbord.analytics.urls")),
    path("", include("klankbord.assistant.urls")),
    path("", include("klankbord.timekeeping.urls")),
    path("api/v1/", include("klankbord.api.urls")),
]

handler404 = "klankbord.core.errors.not_found"
handler403 = "klankbord.core.errors.forbidden"
handler500 = "klankbord.core.errors.server_error"
