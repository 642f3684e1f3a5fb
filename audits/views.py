# SHIM (issue 11): moved to audits/self_assessment/selectors.py; remove once importers are updated
"""lscp/settings/base.py HOME_SECTIONS names `audits.views.home_returns`."""

from audits.self_assessment.selectors import home_returns

__all__ = ["home_returns"]
