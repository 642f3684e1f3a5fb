"""The partners API, under /api/v1/<slug>/ (included by lscp/api_urls.py)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from partners.api import (
    DesignationViewSet,
    GovernanceGroupViewSet,
    InvitationViewSet,
    MemberViewSet,
    OfficesView,
    PersonViewSet,
    SigningPolicyView,
)

router = SimpleRouter()
router.register("members", MemberViewSet, basename="api-member")
router.register("designated-agencies", DesignationViewSet, basename="api-designation")
router.register("people", PersonViewSet, basename="api-person")
router.register("invitations", InvitationViewSet, basename="api-invitation")
router.register("governance-groups", GovernanceGroupViewSet, basename="api-group")

urlpatterns = [
    path("signing-policy/", SigningPolicyView.as_view(), name="api-signing-policy"),
    path("offices/", OfficesView.as_view(), name="api-offices"),
    *router.urls,
]
