"""The partnership's menu: each app adds its entries here, each shown only to people its policy
lets in (hiding a link is never the protection; the view checks the same policy)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.module_loading import import_string

from lscp.web.links import partnership_url


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    policy: str  # dotted path of the Policy class
    permission: str = "view"


@dataclass(frozen=True)
class NavSection:
    """A heading in the menu. It links to the first of its pages the person may use; on any of
    its pages, its pages are listed under the header. A section with one page for this person
    is shown under that page's own name."""

    label: str
    items: tuple[NavItem, ...]


SECTIONS = [
    NavSection("Home", (NavItem("Home", "partnership-home", "partners.permissions.PartnershipPolicy"),)),
    NavSection(
        "Cases",
        (
            NavItem("Notifications", "notification-list", "reviews.notifications.permissions.NotificationPolicy"),
            NavItem(
                "Requests for information",
                "information-request-list",
                "reviews.rapid_review.permissions.InformationRequestPolicy",
            ),
        ),
    ),
    NavSection(
        "Learning",
        (
            NavItem("Action plans", "action-plan-list", "reviews.action_plans.permissions.ActionPlanPolicy"),
            NavItem("Our actions", "action-list", "reviews.action_plans.permissions.ActionPolicy", "view_own"),
        ),
    ),
    NavSection(
        "Scrutiny",
        (
            NavItem("Dashboard", "dashboard", "audits.dashboard.permissions.DashboardPolicy"),
            NavItem("Audits", "audit-programme", "audits.programme.permissions.AuditPolicy"),
            NavItem("Self-assessments", "self-assessments", "audits.self_assessment.permissions.SelfAssessmentPolicy"),
            NavItem("Dataset", "dataset", "audits.dataset.permissions.DatasetPolicy"),
            NavItem("Challenge log", "challenge-list", "audits.challenges.permissions.ChallengePolicy"),
            NavItem("Yearly reports", "annual-report-list", "audits.annual_report.permissions.AnnualReportPolicy"),
        ),
    ),
    NavSection("Funding", (NavItem("Funding", "funding-home", "funding.permissions.FundingPolicy"),)),
    NavSection(
        "Partnership",
        (
            NavItem("Partners", "member-list", "partners.permissions.MemberPolicy"),
            NavItem("People", "person-list", "partners.permissions.PeoplePolicy"),
            NavItem("Governance", "group-list", "partners.permissions.GovernancePolicy"),
            NavItem("Documents", "governance-document-list", "governance.permissions.GovernanceDocumentPolicy"),
            NavItem("Deadlines", "deadline-policy", "lscp.deadlines.services.ClockRulesPolicy", "manage"),
            NavItem("Activity log", "activity-list", "lscp.activity.views.ActivityPolicy"),
            NavItem("API tokens", "system-token-list", "partners.permissions.ApiTokenPolicy"),
        ),
    ),
]


def navigation_for(request, tenant) -> list[dict]:
    """The sections this person may use, each with its pages; the one holding the current page
    is active, and so is the page (the longest matching address wins)."""
    path = request.path
    sections = []
    for section in SECTIONS:
        items = []
        for item in section.items:
            if not import_string(item.policy).can(tenant, item.permission):
                continue
            url = partnership_url(item.url_name, tenant.partnership.slug)
            home = item.url_name == "partnership-home"
            matches = path == url if home else path.startswith(url)
            items.append({"label": item.label, "url": url, "matches": matches, "active": False, "page": path == url})
        if items:
            label = section.label if len(items) > 1 else items[0]["label"]
            sections.append(
                {
                    "label": label,
                    "url": items[0]["url"],
                    "items": items,
                    "active": False,
                    "page": path == items[0]["url"],
                }
            )
    matched = [
        (len(item["url"]), section, item) for section in sections for item in section["items"] if item["matches"]
    ]
    if matched:
        _, section, item = max(matched, key=lambda match: match[0])
        section["active"] = item["active"] = True
    return sections
