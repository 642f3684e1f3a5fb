"""Pages for action plans: plans.py (the plans, a plan and its steps, recommendations, exports and
the progress report), actions.py (the open actions across plans, an action and its steps), base.py
(what they share). Views parse input and call one service or selector."""

from reviews.action_plans.views.actions import (
    AcceptView,
    ActionDetailView,
    ActionEditView,
    ActionListExportView,
    ActionListView,
    ActionRemoveView,
    CompleteView,
    EvidenceView,
    ProgressView,
    ReturnView,
)
from reviews.action_plans.views.plans import (
    ActionAddView,
    PlanCloseView,
    PlanCreateView,
    PlanDetailView,
    PlanEditView,
    PlanExportView,
    PlanImportView,
    PlanListView,
    RatifyView,
    RecommendationAddView,
    RecommendationEditView,
    RecommendationRemoveView,
    ReportView,
    TemplateDownloadView,
)

__all__ = [
    "AcceptView",
    "ActionAddView",
    "ActionDetailView",
    "ActionEditView",
    "ActionListExportView",
    "ActionListView",
    "ActionRemoveView",
    "CompleteView",
    "EvidenceView",
    "PlanCloseView",
    "PlanCreateView",
    "PlanDetailView",
    "PlanEditView",
    "PlanExportView",
    "PlanImportView",
    "PlanListView",
    "ProgressView",
    "RatifyView",
    "RecommendationAddView",
    "RecommendationEditView",
    "RecommendationRemoveView",
    "ReportView",
    "ReturnView",
    "TemplateDownloadView",
]
