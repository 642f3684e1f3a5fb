from django.urls import path

from audits import challenge_views, dashboard_views, dataset_views, report_views, views

urlpatterns = [
    path("dashboard/", dashboard_views.DashboardView.as_view(), name="dashboard"),
    path("audits/", views.AuditProgrammeView.as_view(), name="audit-programme"),
    path("audits/add/", views.AuditAddView.as_view(), name="audit-add"),
    path("audits/<int:audit_id>/", views.AuditDetailView.as_view(), name="audit-detail"),
    path("audits/<int:audit_id>/change/", views.AuditEditView.as_view(), name="audit-edit"),
    path("audits/<int:audit_id>/action-plan/", views.AuditActionPlanView.as_view(), name="audit-action-plan"),
    path("self-assessments/", views.SelfAssessmentsView.as_view(), name="self-assessments"),
    path("self-assessments/standards/defaults/", views.InstallStandardsView.as_view(), name="standards-install"),
    path("self-assessments/standards/add/", views.StandardAddView.as_view(), name="standard-add"),
    path("self-assessments/standards/<int:standard_id>/", views.StandardEditView.as_view(), name="standard-edit"),
    path("self-assessments/cycles/add/", views.CycleAddView.as_view(), name="cycle-add"),
    path("self-assessments/cycles/<int:cycle_id>/", views.CycleDetailView.as_view(), name="cycle-detail"),
    path(
        "self-assessments/returns/<int:self_assessment_id>/",
        views.SelfAssessmentView.as_view(),
        name="self-assessment-detail",
    ),
    # The multi-agency dataset
    path("dataset/", dataset_views.DatasetView.as_view(), name="dataset"),
    path("dataset/add/", dataset_views.IndicatorAddView.as_view(), name="indicator-add"),
    path("dataset/upload/", dataset_views.DatasetUploadView.as_view(), name="dataset-upload"),
    path("dataset/dataset.xlsx", dataset_views.DatasetSpreadsheetView.as_view(), name="dataset-spreadsheet"),
    path("dataset/<int:indicator_id>/", dataset_views.IndicatorDetailView.as_view(), name="indicator-detail"),
    path("dataset/<int:indicator_id>/change/", dataset_views.IndicatorEditView.as_view(), name="indicator-edit"),
    path("dataset/<int:indicator_id>/values/add/", dataset_views.ValueAddView.as_view(), name="indicator-value-add"),
    path(
        "dataset/values/<int:indicator_value_id>/change/",
        dataset_views.ValueChangeView.as_view(),
        name="indicator-value-edit",
    ),
    # The challenge log
    path("challenges/", challenge_views.ChallengeListView.as_view(), name="challenge-list"),
    path("challenges/add/", challenge_views.ChallengeAddView.as_view(), name="challenge-add"),
    path("challenges/<int:challenge_id>/", challenge_views.ChallengeDetailView.as_view(), name="challenge-detail"),
    path(
        "challenges/<int:challenge_id>/respond/",
        challenge_views.ChallengeRespondView.as_view(),
        name="challenge-respond",
    ),
    # The annual report
    path("annual-reports/", report_views.AnnualReportListView.as_view(), name="annual-report-list"),
    path("annual-reports/add/", report_views.AnnualReportStartView.as_view(), name="annual-report-add"),
    path(
        "annual-reports/<int:annual_report_id>/",
        report_views.AnnualReportDetailView.as_view(),
        name="annual-report-detail",
    ),
    path(
        "annual-reports/<int:annual_report_id>/change/",
        report_views.AnnualReportEditView.as_view(),
        name="annual-report-edit",
    ),
    path(
        "annual-reports/<int:annual_report_id>/report.pdf",
        report_views.AnnualReportPdfView.as_view(),
        name="annual-report-pdf",
    ),
]
