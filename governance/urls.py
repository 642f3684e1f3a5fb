"""The documents register's pages (included by lscp/urls.py)."""

from django.urls import path

from governance import views

urlpatterns = [
    path("governance-documents/", views.DocumentListView.as_view(), name="governance-document-list"),
    path("governance-documents/add/", views.DocumentAddView.as_view(), name="governance-document-add"),
    path(
        "governance-documents/<int:governance_document_id>/",
        views.DocumentDetailView.as_view(),
        name="governance-document-detail",
    ),
    path(
        "governance-documents/<int:governance_document_id>/change/",
        views.DocumentEditView.as_view(),
        name="governance-document-edit",
    ),
    path(
        "governance-documents/<int:governance_document_id>/versions/add/",
        views.VersionAddView.as_view(),
        name="governance-document-version-add",
    ),
    path(
        "governance-documents/versions/<int:document_version_id>/change/",
        views.VersionEditView.as_view(),
        name="document-version-edit",
    ),
    path(
        "governance-documents/versions/<int:document_version_id>/send/",
        views.VersionSendView.as_view(),
        name="document-version-send",
    ),
    path(
        "governance-documents/versions/<int:document_version_id>/sign/",
        views.VersionSignView.as_view(),
        name="document-version-sign",
    ),
    path(
        "governance-documents/versions/<int:document_version_id>/publish/",
        views.VersionPublishView.as_view(),
        name="document-version-publish",
    ),
]
