# SHIM (issue 11): moved to audits/programme/services.py; remove once importers are updated
"""tests/suites/test_api_fuzz.py imports `audit_save` from here."""

from audits.programme.services import audit_save

__all__ = ["audit_save"]
