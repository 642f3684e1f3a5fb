"""Pages for action plans: plans.py (the plans, a plan and its steps, recommendations, exports and
the progress report), actions.py (the open actions across plans, an action and its steps), base.py
(what they share). Views parse input and call one service or selector."""

# SHIM (issue 11): the home page's sections moved to reviews.action_plans.selectors; remove once
# LSCP_HOME_SECTIONS in lscp/settings/base.py names them there.
from reviews.action_plans.selectors import home_awaiting_acceptance, home_our_actions
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
    "home_awaiting_acceptance",
    "home_our_actions",
]
