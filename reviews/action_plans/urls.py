from django.urls import path

from reviews.action_plans import views

urlpatterns = [
    path("action-plans/", views.PlanListView.as_view(), name="action-plan-list"),
    path("action-plans/new/", views.PlanCreateView.as_view(), name="action-plan-new"),
    path("action-plans/import/", views.PlanImportView.as_view(), name="action-plan-import"),
    path("action-plans/template.xlsx", views.TemplateDownloadView.as_view(), name="action-plan-template"),
    path("action-plans/report/", views.ReportView.as_view(), name="action-plan-report"),
    path("action-plans/<int:action_plan_id>/", views.PlanDetailView.as_view(), name="action-plan-detail"),
    path("action-plans/<int:action_plan_id>/edit/", views.PlanEditView.as_view(), name="action-plan-edit"),
    path("action-plans/<int:action_plan_id>/ratify/", views.RatifyView.as_view(), name="action-plan-ratify"),
    path("action-plans/<int:action_plan_id>/close/", views.PlanCloseView.as_view(), name="action-plan-close"),
    path(
        "action-plans/<int:action_plan_id>/export.xlsx",
        views.PlanExportView.as_view(kind="xlsx"),
        name="action-plan-xlsx",
    ),
    path(
        "action-plans/<int:action_plan_id>/export.csv", views.PlanExportView.as_view(kind="csv"), name="action-plan-csv"
    ),
    path(
        "action-plans/<int:action_plan_id>/recommendations/add/",
        views.RecommendationAddView.as_view(),
        name="recommendation-add",
    ),
    path(
        "action-plans/recommendations/<int:recommendation_id>/edit/",
        views.RecommendationEditView.as_view(),
        name="recommendation-edit",
    ),
    path(
        "action-plans/recommendations/<int:recommendation_id>/remove/",
        views.RecommendationRemoveView.as_view(),
        name="recommendation-remove",
    ),
    path(
        "action-plans/recommendations/<int:recommendation_id>/actions/add/",
        views.ActionAddView.as_view(),
        name="action-add",
    ),
    path("actions/", views.ActionListView.as_view(), name="action-list"),
    path("actions/export.xlsx", views.ActionListExportView.as_view(kind="xlsx"), name="action-list-xlsx"),
    path("actions/export.csv", views.ActionListExportView.as_view(kind="csv"), name="action-list-csv"),
    path("actions/<int:action_id>/", views.ActionDetailView.as_view(), name="action-detail"),
    path("actions/<int:action_id>/edit/", views.ActionEditView.as_view(), name="action-edit"),
    path("actions/<int:action_id>/remove/", views.ActionRemoveView.as_view(), name="action-remove"),
    path("actions/<int:action_id>/progress/", views.ProgressView.as_view(), name="action-progress"),
    path("actions/<int:action_id>/complete/", views.CompleteView.as_view(), name="action-complete"),
    path("actions/<int:action_id>/evidence/", views.EvidenceView.as_view(), name="action-evidence"),
    path("actions/<int:action_id>/accept/", views.AcceptView.as_view(), name="action-accept"),
    path("actions/<int:action_id>/return/", views.ReturnView.as_view(), name="action-return"),
]
