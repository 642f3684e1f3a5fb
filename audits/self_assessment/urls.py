"""The standards, cycles and returns' pages (included by audits/urls.py)."""

from django.urls import path

from audits.self_assessment import views

urlpatterns = [
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
]
