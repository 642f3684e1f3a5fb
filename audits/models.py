"""How the partnership knows whether it works: its audit programme, the Section 11 / 175
self-assessments with moderation, the multi-agency dataset of quarterly indicators, the challenge
log and the annual report. Each subdomain defines its models in its own package; they are all
re-exported here, so the app label and the model names stay as they were. (The activity log,
the security trail, is lscp.ActivityEvent: a different thing.)"""

from audits.annual_report.models import AnnualReport
from audits.challenges.models import Challenge, ChallengeStatus, RaisedBy
from audits.dataset.models import Direction, Indicator, IndicatorValue, Unit
from audits.programme.models import Audit, AuditKind, AuditStatus, Priority
from audits.quarters import FINANCIAL_YEARS, quarter_dates, quarter_label, quarter_of
from audits.self_assessment.models import (
    Cycle,
    CycleStandard,
    Framework,
    Grade,
    Moderation,
    ReturnStatus,
    SelfAssessment,
    Standard,
    StandardGrade,
)

__all__ = [
    "FINANCIAL_YEARS",
    "AnnualReport",
    "Audit",
    "AuditKind",
    "AuditStatus",
    "Challenge",
    "ChallengeStatus",
    "Cycle",
    "CycleStandard",
    "Direction",
    "Framework",
    "Grade",
    "Indicator",
    "IndicatorValue",
    "Moderation",
    "Priority",
    "RaisedBy",
    "ReturnStatus",
    "SelfAssessment",
    "Standard",
    "StandardGrade",
    "Unit",
    "quarter_dates",
    "quarter_label",
    "quarter_of",
]
