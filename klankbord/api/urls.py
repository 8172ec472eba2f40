from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

from klankbord.analytics import report_api
from klankbord.api import views
from klankbord.assistant.api import SuggestView
from klankbord.core.errors import not_found
from klankbord.timekeeping.api import ReturnView, TimeEntryListView

urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    # The split view serves its start-up script as a file: no inline script on the page.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="openapi"), name="api_docs"),
    path("me", views.MeView.as_view(), name="api_me"),
    path("organisations", views.OrganisationListView.as_view(), name="api_organisations"),
    path(
        "organisations/<slug:org_slug>",
        views.OrganisationDetailView.as_view(),
        name="api_organisation",
    ),
    path(
        "organisations/<slug:org_slug>/members",
        views.MemberListView.as_view(),
        name="api_members",
    ),
    path(
        "organisations/<slug:org_slug>/audit-events",
        views.AuditEventListView.as_view(),
        name="api_audit_events",
    ),
    path(
        "organisations/<slug:org_slug>/channels",
        views.ChannelListView.as_view(),
        name="api_channels",
    ),
    path("organisations/<slug:org_slug>/posts", views.PostListView.as_view(), name="api_posts"),
    path(
        "organisations/<slug:org_slug>/posts/<int:post_id>",
        views.PostDetailView.as_view(),
        name="api_post",
    ),
    path(
        "organisations/<slug:org_slug>/posts/<int:post_id>/cancel",
        views.PostCancelView.as_view(),
        name="api_post_cancel",
    ),
    path("organisations/<slug:org_slug>/inbox", views.InboxListView.as_view(), name="api_inbox"),
    path(
        "organisations/<slug:org_slug>/inbox/<int:item_id>",
        views.InboxItemView.as_view(),
        name="api_inbox_item",
    ),
    path(
        "organisations/<slug:org_slug>/inbox/<int:item_id>/assign",
        views.InboxAssignView.as_view(),
        name="api_inbox_assign",
    ),
    path(
        "organisations/<slug:org_slug>/inbox/<int:item_id>/status",
        views.InboxStatusView.as_view(),
        name="api_inbox_status",
    ),
    path(
        "organisations/<slug:org_slug>/inbox/<int:item_id>/reply",
        views.InboxReplyView.as_view(),
        name="api_inbox_reply",
    ),
    path(
        "organisations/<slug:org_slug>/share-of-voice",
        views.ShareOfVoiceView.as_view(),
        name="api_share_of_voice",
    ),
    path("organisations/<slug:org_slug>/plan", views.PlanView.as_view(), name="api_plan"),
    path(
        "organisations/<slug:org_slug>/plan/steps/<str:step>",
        views.PlanStepView.as_view(),
        name="api_plan_step",
    ),
    path(
        "organisations/<slug:org_slug>/plan/versions",
        views.PlanVersionListView.as_view(),
        name="api_plan_versions",
    ),
    path("organisations/<slug:org_slug>/results", views.ResultsView.as_view(), name="api_results"),
    path(
        "organisations/<slug:org_slug>/client-reports",
        report_api.ClientReportListView.as_view(),
        name="api_client_reports",
    ),
    path(
        "organisations/<slug:org_slug>/client-reports/<int:client_report_id>",
        report_api.ClientReportDetailView.as_view(),
        name="api_client_report",
    ),
    path(
        "organisations/<slug:org_slug>/report-links",
        report_api.ReportLinkListView.as_view(),
        name="api_report_links",
    ),
    path(
        "organisations/<slug:org_slug>/report-links/<int:report_link_id>/revoke",
        report_api.ReportLinkRevokeView.as_view(),
        name="api_report_link_revoke",
    ),
    path(
        "organisations/<slug:org_slug>/assistant/suggest",
        SuggestView.as_view(),
        name="api_assistant_suggest",
    ),
    path(
        "organisations/<slug:org_slug>/time-entries",
        TimeEntryListView.as_view(),
        name="api_time_entries",
    ),
    path("organisations/<slug:org_slug>/return", ReturnView.as_view(), name="api_return"),
    # Unknown API paths answer in JSON too.
    re_path(r"^.*$", csrf_exempt(not_found), name="api_not_found"),
]
