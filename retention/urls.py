"""Retention pages (included by lscp/urls.py under the partnership)."""

from django.urls import path

from retention import views

urlpatterns = [
    path("retention/", views.ScheduleView.as_view(), name="retention-schedule"),
    path("retention/rules/<int:rule_id>/change/", views.RuleChangeView.as_view(), name="retention-rule-change"),
    path("retention/holds/", views.HoldListView.as_view(), name="retention-holds"),
    path("retention/holds/add/", views.HoldAddView.as_view(), name="retention-hold-add"),
    path("retention/holds/<int:hold_id>/lift/", views.HoldLiftView.as_view(), name="retention-hold-lift"),
    path("retention/disposals/", views.DisposalListView.as_view(), name="retention-disposals"),
    path("retention/dry-run/", views.DryRunView.as_view(), name="retention-dry-run"),
    path(
        "notifications/<int:notification_id>/export.json",
        views.CaseExportView.as_view(kind="json"),
        name="case-export-json",
    ),
    path(
        "notifications/<int:notification_id>/export.pdf",
        views.CaseExportView.as_view(kind="pdf"),
        name="case-export-pdf",
    ),
]
