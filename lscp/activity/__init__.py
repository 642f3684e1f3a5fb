"""The activity log: who saw and changed what, append-only. One public entry point:
`from lscp import activity`, then `activity.record(ctx, event=..., obj=..., changes=...)`,
`activity.record_view(ctx, obj)`, the list, export, refusal and security records (log.py's
docstring says who calls them), and the helpers that describe a change (`snapshot`, `assign`,
`changes_between`, `created`). The log is in log.py; its pages and API in views.py."""

from lscp.activity.log import (
    assign,
    changes_between,
    created,
    filters_of,
    record,
    record_export,
    record_list,
    record_refusal,
    record_security,
    record_view,
    snapshot,
)

__all__ = [
    "assign",
    "changes_between",
    "created",
    "filters_of",
    "record",
    "record_export",
    "record_list",
    "record_refusal",
    "record_security",
    "record_view",
    "snapshot",
]
