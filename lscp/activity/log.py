"""The activity log: who saw and changed what, in which partnership, and when.

Public entry points:
- `record(ctx, event=..., obj=..., changes=...)`: a write, called by a service inside the same
  transaction as the change it describes;
- `record_view(ctx, obj)`: a view of a record page (pages and API detail views);
- `record_list(request, model, filters=..., shown=..., total=...)`: a list read (every list page's
  `lscp.web.lists.paginate` and every API list's pagination call it), with its filters and counts;
- `record_export(request, response)`: a file leaving a partnership (the middleware calls it);
- `record_refusal(request, status)`: a 403 or 404 a signed-in person got (the middleware);
- `record_security(request, event=..., person=..., partnership=..., details=...)`: sign-ins and
  the `security_event` signal (lscp/activity/receivers.py);
- `changes_between(before, after)`: the {field: {"old", "new"}} of a change; empty means nothing
  changed, and a service then returns without writing anything.

Installation-wide rows (`partnership` empty) are written for a sign-in, sign-in failure or
sign-out and any security event naming no partnership, and for a refusal whose URL names no
partnership that exists. An event about a person that names no partnership (a sign-in, a second
factor enrolled ...) is also written to the log of each partnership the person is an active member
of, so each business unit sees its own people's sign-ins.

(The partnership's multi-agency practice audits are `audits/`; this is the security trail.)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from lscp.database import system_scope
from lscp.models import ActivityEvent
from lscp.tenancy import TenantContext

Kind = ActivityEvent.Kind


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


def _storable(value: Any) -> Any:
    """A path, filter or username as PostgreSQL can keep it (text and jsonb refuse NUL)."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_storable(k): _storable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_storable(v) for v in value]
    return value


def _write(partnership, **fields) -> ActivityEvent:
    fields = {name: _storable(value) if isinstance(value, (str, dict)) else value for name, value in fields.items()}
    manager = ActivityEvent.objects.for_partnership(partnership) if partnership else ActivityEvent.dangerously_unscoped
    return manager.create(partnership=partnership, **fields)


def _person(request):
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def filters_of(filterset) -> dict[str, Any]:
    """The filters a list was read with: the FilterSet's cleaned values that narrow it (never the
    raw query string); {} when there is no FilterSet or its input was refused."""
    if filterset is None or not filterset.is_bound or not filterset.is_valid():
        return {}
    return {
        name: _plain(value) for name, value in filterset.form.cleaned_data.items() if value not in (None, "", [], ())
    }


def record_list(request, model, *, filters: dict[str, Any], shown: int, total: int | None, page: int = 1) -> None:
    """Append a list read: which list (the model and path), with which filters, how many rows were
    shown on this page and how many the filters leave."""
    ctx = getattr(request, "tenant", None)
    if ctx is None:
        return
    _write(
        ctx.partnership,
        actor=ctx.user,
        kind=Kind.READ,
        event=f"{model._meta.model_name}.listed",
        object_repr=request.path[:200],
        details={
            "list": model._meta.label_lower,
            "path": request.path,
            "filters": filters,
            "page": page,
            "shown": shown,
            "total": total,
        },
    )


def record_export(request, response) -> None:
    """Append a file that left the partnership (a spreadsheet, CSV or PDF export): its name, the
    list's filters when a FilterSet read them, and its row count when the export gave one."""
    ctx = getattr(request, "tenant", None)
    if ctx is None:
        return
    disposition = response.get("Content-Disposition", "")
    filename = disposition.partition("filename=")[2].strip('"')
    details = {
        "path": request.path,
        "filename": filename,
        "content_type": response.get("Content-Type", ""),
        "filters": filters_of(getattr(request, "lscp_filters", None)),
    }
    rows = getattr(response, "activity_rows", None)
    if rows is not None:
        details["rows"] = rows
    _write(
        ctx.partnership,
        actor=ctx.user,
        kind=Kind.EXPORT,
        event="export.downloaded",
        object_repr=filename[:200],
        details=details,
    )


def record_refusal(request, status: int, partnership=None) -> None:
    """Append a refused request (403, 404) of a signed-in person: to the log of `partnership`
    (the one the URL names, whether or not the person belongs to it), else installation-wide."""
    match = getattr(request, "resolver_match", None)
    # The database's system scope: the row may belong to a partnership the request is not in (or
    # to none), which the tenant scope's row-level security would refuse (lscp/database.py).
    with system_scope():
        _refusal(request, status, partnership, match)


def _refusal(request, status, partnership, match) -> None:
    _write(
        partnership,
        actor=_person(request),
        kind=Kind.REFUSAL,
        event=f"request.refused.{status}",
        object_repr=request.path[:200],
        details={
            "method": request.method,
            "path": request.path,
            "status": status,
            "route": match.view_name if match else None,
            "arguments": {k: str(v)[:100] for k, v in (match.kwargs if match else {}).items()},
        },
    )


def record_security(request, *, event: str, person=None, partnership=None, details=None) -> None:
    """Append a security event (lscp.activity.signals.security_event; Django's sign-in signals).
    Named partnership: its log. Else installation-wide, and, for an event about a person, the log
    of each partnership the person is an active member of."""
    from partners.models import Membership

    fields = {
        # Who did it: the request's signed-in person (at a sign-in, the person signing in); the
        # person it is about is the record (an anonymous attempt on an account has no actor).
        "actor": _person(request),
        "kind": Kind.SECURITY,
        "event": event[:80],
        "details": {key: _plain(value) for key, value in (details or {}).items()},
        **(_describe(person) if getattr(person, "pk", None) else {}),
    }
    # System scope: installation-wide rows, and each of the person's partnerships (lscp/database.py).
    with system_scope():
        if partnership is not None:
            _write(partnership, **fields)
            return
        _write(None, **fields)
        if getattr(person, "pk", None):
            memberships = Membership.objects.active_for_person(person).select_related("partnership")
            for partnership in sorted({m.partnership for m in memberships}, key=lambda p: p.pk):
                _write(partnership, **fields)
