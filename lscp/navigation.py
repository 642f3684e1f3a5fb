"""The partnership's menu: each app adds its entries here, each shown only to people its policy
lets in (hiding a link is never the protection; the view checks the same policy)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    policy: str  # dotted path of the Policy class
    action: str = "view"


ITEMS = [
    NavItem("Home", "partnership-home", "partners.permissions.PartnershipPolicy"),
    NavItem("Notifications", "notification-list", "reviews.permissions.NotificationPolicy"),
    NavItem("Requests for information", "information-request-list", "reviews.permissions.InformationRequestPolicy"),
    NavItem("Action plans", "action-plan-list", "reviews.action_plans.permissions.ActionPlanPolicy"),
    NavItem("Our actions", "action-list", "reviews.action_plans.permissions.ActionPolicy", "view_own"),
    NavItem("Partners", "member-list", "partners.permissions.MemberPolicy"),
    NavItem("People", "person-list", "partners.permissions.PeoplePolicy"),
    NavItem("Governance", "group-list", "partners.permissions.GovernancePolicy"),
    NavItem("Dashboard", "dashboard", "audits.permissions.DashboardPolicy"),
    NavItem("Audits", "audit-programme", "audits.permissions.AuditPolicy"),
    NavItem("Self-assessments", "self-assessments", "audits.permissions.SelfAssessmentPolicy"),
    NavItem("Dataset", "dataset", "audits.permissions.DatasetPolicy"),
    NavItem("Challenge log", "challenge-list", "audits.permissions.ChallengePolicy"),
    NavItem("Annual reports", "annual-report-list", "audits.permissions.AnnualReportPolicy"),
    NavItem("Deadlines", "deadline-policy", "lscp.deadline_services.DeadlinePolicyPolicy", "manage"),
    NavItem("Funding", "funding-home", "funding.permissions.FundingPolicy"),
    NavItem("Activity log", "activity-list", "lscp.activity_views.ActivityPolicy"),
]


def navigation_for(request, tenant) -> list[dict]:
    path = request.path
    items = []
    for item in ITEMS:
        if not import_string(item.policy).can(tenant, item.action):
            continue
        url = reverse(item.url_name, args=[tenant.partnership.slug])
        home = item.url_name == "partnership-home"
        active = path == url if home else path.startswith(url)
        items.append({"label": item.label, "url": url, "active": active})
    return items
