# SHIM (issue 11): moved to audits/<subdomain>/permissions.py; remove once importers are updated
"""lscp/web/navigation.py names the policies as `audits.permissions.<Policy>`."""

from audits.annual_report.permissions import AnnualReportPolicy
from audits.challenges.permissions import ChallengePolicy
from audits.dashboard.permissions import DashboardPolicy
from audits.dataset.permissions import DatasetPolicy
from audits.programme.permissions import AuditPolicy
from audits.self_assessment.permissions import SelfAssessmentPolicy

__all__ = [
    "AnnualReportPolicy",
    "AuditPolicy",
    "ChallengePolicy",
    "DashboardPolicy",
    "DatasetPolicy",
    "SelfAssessmentPolicy",
]
