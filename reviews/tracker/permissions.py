"""Who may download the partnership's reviews in the NHS Safeguarding Case Review Tracker's
fields: whoever may read the practice reviews' reports (the business unit and the safeguarding
partners), so the two can never disagree."""

from lscp.permissions import Policy
from reviews.lcspr.permissions import LcsprPolicy


class TrackerPolicy(Policy):
    resource = "review tracker export"
    rules = {"view": LcsprPolicy.rules["read_reports"]}
