"""The yearly report's pages (included by audits/urls.py; the URLs keep the annual report's name)."""

from django.urls import path

from audits.annual_report import views

urlpatterns = [
    path("annual-reports/", views.AnnualReportListView.as_view(), name="annual-report-list"),
    path("annual-reports/add/", views.AnnualReportStartView.as_view(), name="annual-report-add"),
    path(
        "annual-reports/<int:annual_report_id>/",
        views.AnnualReportDetailView.as_view(),
        name="annual-report-detail",
    ),
    path(
        "annual-reports/<int:annual_report_id>/change/",
        views.AnnualReportEditView.as_view(),
        name="annual-report-edit",
    ),
    path(
        "annual-reports/<int:annual_report_id>/commentary/",
        views.CommentaryView.as_view(),
        name="annual-report-commentary",
    ),
    path(
        "annual-reports/<int:annual_report_id>/register/",
        views.RegisterView.as_view(),
        name="annual-report-register",
    ),
    path(
        "annual-reports/<int:annual_report_id>/report.pdf",
        views.AnnualReportPdfView.as_view(),
        name="annual-report-pdf",
    ),
]
