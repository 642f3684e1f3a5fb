# SHIM (issue 11): moved to audits/annual_report/selectors.py; remove once importers are updated
"""lscp/management/commands/bench.py imports `report` and calls `report.annual_report_pdf`."""

from audits.annual_report.selectors import annual_report_pdf

__all__ = ["annual_report_pdf"]
