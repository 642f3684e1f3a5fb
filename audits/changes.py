"""The start of every change to a versioned audits record (an audit, an indicator, an annual
report): the record locked, a stale version refused (lscp.states.check_version), and the values to
check as a whole, its current ones with those given on top."""

from __future__ import annotations

from lscp.states import check_version
from lscp.tenancy import TenantContext


def locked_with_values(ctx: TenantContext, record, *, version: int | None, what: str, fields: list[str], values: dict):
    """(the record locked for this transaction, its `fields` with `values` on top)."""
    locked = type(record).objects.for_partnership(ctx.partnership).select_for_update().get(pk=record.pk)
    check_version(locked, version, what=what)
    return locked, {**{name: getattr(locked, name) for name in fields}, **values}
