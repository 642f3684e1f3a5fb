"""The audits and scrutiny API, under /api/v1/<slug>/ (included by lscp/api_urls.py): each
subdomain's viewsets, from its api.py."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from audits.annual_report.api import AnnualReportViewSet
from audits.challenges.api import ChallengeViewSet
from audits.dashboard.api import DashboardView, LateClocksView
from audits.dataset.api import IndicatorViewSet
from audits.programme.api import AuditViewSet
from audits.self_assessment.api import CycleViewSet, SelfAssessmentViewSet

router = SimpleRouter()
router.register("audits", AuditViewSet, basename="api-audit")
router.register("self-assessment-cycles", CycleViewSet, basename="api-cycle")
router.register("self-assessments", SelfAssessmentViewSet, basename="api-self-assessment")
router.register("indicators", IndicatorViewSet, basename="api-indicator")
router.register("challenges", ChallengeViewSet, basename="api-challenge")
router.register("annual-reports", AnnualReportViewSet, basename="api-annual-report")

urlpatterns = [
    path("dashboard/", DashboardView.as_view(), name="api-dashboard"),
    path("dashboard/late/", LateClocksView.as_view(), name="api-dashboard-late"),
    *router.urls,
]
