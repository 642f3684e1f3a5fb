from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from audits.api import AuditViewSet, CycleViewSet, DashboardView, SelfAssessmentViewSet
from audits.scrutiny_api import AnnualReportViewSet, ChallengeViewSet, IndicatorViewSet
from funding.api import (
    BenchmarkViewSet,
    ContributionViewSet,
    FinancialYearViewSet,
    IncomeViewSet,
    SpendingViewSet,
)
from lscp.activity.views import ActivityViewSet
from lscp.api import MeView, TokenView
from partners.api import GovernanceGroupViewSet, MemberViewSet, PersonViewSet
from reviews.action_plans.api import ActionPlanViewSet, ActionViewSet, ProgressUpdateViewSet, RecommendationViewSet
from reviews.api import NotificationViewSet

# Every partnership's resources, under /api/v1/<slug>/.
tenant_router = SimpleRouter()
tenant_router.register("members", MemberViewSet, basename="api-member")
tenant_router.register("people", PersonViewSet, basename="api-person")
tenant_router.register("governance-groups", GovernanceGroupViewSet, basename="api-group")
tenant_router.register("activity", ActivityViewSet, basename="api-activity")
tenant_router.register("notifications", NotificationViewSet, basename="api-notification")
tenant_router.register("audits", AuditViewSet, basename="api-audit")
tenant_router.register("self-assessment-cycles", CycleViewSet, basename="api-cycle")
tenant_router.register("self-assessments", SelfAssessmentViewSet, basename="api-self-assessment")
tenant_router.register("funding/years", FinancialYearViewSet, basename="api-funding-year")
tenant_router.register("funding/contributions", ContributionViewSet, basename="api-funding-contribution")
tenant_router.register("funding/income", IncomeViewSet, basename="api-funding-income")
tenant_router.register("funding/spending", SpendingViewSet, basename="api-funding-spending")
tenant_router.register("funding/benchmarks", BenchmarkViewSet, basename="api-funding-benchmark")
tenant_router.register("action-plans/recommendations", RecommendationViewSet, basename="api-recommendation")
tenant_router.register("action-plans/actions", ActionViewSet, basename="api-action")
tenant_router.register("action-plans/progress-updates", ProgressUpdateViewSet, basename="api-progress-update")
tenant_router.register("action-plans", ActionPlanViewSet, basename="api-action-plan")
tenant_router.register("indicators", IndicatorViewSet, basename="api-indicator")
tenant_router.register("challenges", ChallengeViewSet, basename="api-challenge")
tenant_router.register("annual-reports", AnnualReportViewSet, basename="api-annual-report")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("<slug:slug>/dashboard/", DashboardView.as_view(), name="api-dashboard"),
    path("<slug:slug>/", include(tenant_router.urls)),
]
