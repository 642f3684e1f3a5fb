"""The activity log: who saw and changed what, in which partnership, and when.

Public entry points:
- `record(ctx, event=..., obj=..., changes=...)`: a write, called by a service inside the same
  transaction as the change it describes;
- `record_view(ctx, obj)`: a view of a record page (pages and API detail views);
- `changes_between(before, after)`: the {field: {"old", "new"}} of a change; empty means nothing
  changed, and a service then returns without writing anything.

(The partnership's multi-agency practice audits are `audits/`; this is the security trail.)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from lscp.models import ActivityEvent
from lscp.tenancy import TenantContext


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of `obj` as plain JSON values, to compare before and after a change."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def assign(obj: models.Model, values: dict[str, Any], fields: list[str]) -> dict[str, dict[str, Any]]:
    """Set `values` on `obj` (not saved) and return what changed among `fields`, as `record` takes it."""
    before = snapshot(obj, fields)
    for name, value in values.items():
        setattr(obj, name, value)
    return changes_between(before, snapshot(obj, fields))


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: {"old": _plain(before.get(name)), "new": _plain(after.get(name))}
        for name in after
        if _plain(before.get(name)) != _plain(after.get(name))
    }


def _describe(obj: models.Model | None) -> dict[str, Any]:
    if obj is None:
        return {}
    return {
        "object_type": ContentType.objects.get_for_model(obj, for_concrete_model=True),
        "object_id": str(obj.pk),
        "object_repr": str(obj)[:200],
    }


def record(
    ctx: TenantContext,
    *,
    event: str,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
) -> ActivityEvent:
    """Append a write to the log. Call it inside the transaction that makes the change."""
    return ActivityEvent.objects.for_partnership(ctx.partnership).create(
        partnership=ctx.partnership,
        actor=ctx.user,
        kind=ActivityEvent.Kind.WRITE,
        event=event,
        changes={key: _plain(value) for key, value in (changes or {}).items()},
        **_describe(obj),
    )


def record_view(ctx: TenantContext, obj: models.Model, *, event: str | None = None) -> ActivityEvent:
    """Append a view of a record page (who looked at which record, and when)."""
    return ActivityEvent.objects.for_partnership(ctx.partnership).create(
        partnership=ctx.partnership,
        actor=ctx.user,
        kind=ActivityEvent.Kind.VIEW,
        event=event or f"{obj._meta.model_name}.viewed",
        **_describe(obj),
    )


def created(obj: models.Model, fields: list[str]) -> dict[str, dict[str, Any]]:
    """The changes of a new record: every named field from nothing to its value."""
    return changes_between({}, snapshot(obj, fields))
