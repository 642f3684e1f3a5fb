"""The audit programme's pages (included by audits/urls.py)."""

from django.urls import path

from audits.programme import views

urlpatterns = [
    path("audits/", views.AuditProgrammeView.as_view(), name="audit-programme"),
    path("audits/add/", views.AuditAddView.as_view(), name="audit-add"),
    path("audits/<int:audit_id>/", views.AuditDetailView.as_view(), name="audit-detail"),
    path("audits/<int:audit_id>/change/", views.AuditEditView.as_view(), name="audit-edit"),
    path("audits/<int:audit_id>/action-plan/", views.AuditActionPlanView.as_view(), name="audit-action-plan"),
]
