from django.urls import path

from klankbord.orgs import views

urlpatterns = [
    path("organisaties/nieuw/", views.organisation_create_view, name="org_create"),
    path("uitnodiging/<str:token>/", views.invitation_accept_view, name="invitation_accept"),
    path("o/<slug:org_slug>/instellingen/", views.settings_view, name="org_settings"),
    path("o/<slug:org_slug>/instellingen/leden/", views.members_view, name="members"),
    path(
        "o/<slug:org_slug>/instellingen/leden/<int:member_id>/rol/",
        views.member_role_view,
        name="member_role",
    ),
    path(
        "o/<slug:org_slug>/instellingen/leden/<int:member_id>/verwijderen/",
        views.member_remove_view,
        name="member_remove",
    ),
    path(
        "o/<slug:org_slug>/instellingen/uitnodigingen/<int:invitation_id>/intrekken/",
        views.invitation_revoke_view,
        name="invitation_revoke",
    ),
    path("o/<slug:org_slug>/instellingen/auditlog/", views.audit_view, name="audit_log"),
]
