"""Signing something by each statutory partner member, on top of the signing contract
(partners/signing.py): the signer's seat, the standing signatures by member, who is missing, one
signature recorded (who, seat, level, member, when, the version or content hash signed), and the
withdrawal of the standing ones when what was signed changes. Used by the LCSPR decision
(reviews/lcspr) and a funding year's shared budget (funding); each keeps its own Signature model.
"""

from __future__ import annotations

import hashlib
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from lscp import activity
from lscp.checks import in_sentence
from lscp.tenancy import TenantContext
from partners.models import Member, Seat, Signature
from partners.signing import Signable, level_for, seat_of, seat_words, signing_members


def content_hash(values: dict) -> str:
    """A stable hash of what is signed, for a record without a version of its own."""
    text = json.dumps(values, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def signer_seat(ctx: TenantContext, what: str) -> Seat | None:
    """The seat the signed-in person signs `what` in (a current seat of a statutory partner member
    at the level the partnership's policy gives), or None."""
    seat = seat_of(ctx)
    if seat is None or not seat.member.is_statutory or seat.level != level_for(ctx.partnership, what):
        return None
    return seat


def require_seat(ctx: TenantContext, what: str) -> Seat:
    seat = signer_seat(ctx, what)
    if seat is None:
        level = seat_words(level_for(ctx.partnership, what))
        raise PermissionDenied(
            f"Only the safeguarding partners' {level}s, in their seats, sign the {in_sentence(Signable(what).label)}."
        )
    return seat


def standing(signatures) -> dict[int, Signature]:
    """The standing signatures, by member."""
    return {s.member_id: s for s in signatures if s.withdrawn_at is None}


def status(partnership, what: str, signatures) -> dict:
    """Who has signed and who is still to: {"rows": [(member, signature or None)], "signed": n,
    "needed": n, "missing": [member], "complete": bool, "level": "lsp"|"dsp"}. A member that
    signed and is no longer a partner still shows its signature."""
    signed = standing(signatures)
    members = signing_members(partnership)
    rows = [(m, signed.get(m.pk)) for m in members]
    ids = {m.pk for m in members}
    rows += [(s.member, s) for s in signed.values() if s.member_id not in ids]
    missing = [m for m in members if m.pk not in signed]
    return {
        "rows": rows,
        "signed": sum(1 for _, s in rows if s is not None),
        "needed": len(rows),
        "missing": missing,
        "complete": bool(members) and not missing,
        "level": level_for(partnership, what),
    }


def record(
    ctx: TenantContext,
    *,
    model: type[Signature],
    what: str,
    existing: models.QuerySet,
    version: int | None,
    hashed: str = "",
    event: str,
    obj: models.Model,
    **target,
) -> Signature:
    """Record the signed-in person's signature for their member; refused without a seat at the
    policy's level, or when their member's signature already stands."""
    seat = require_seat(ctx, what)
    member: Member = seat.member
    earlier = existing.filter(member=member, withdrawn_at__isnull=True).select_related("person").first()
    if earlier is not None:
        raise ValidationError(
            {
                "decision": [
                    f"{member} has already signed ({earlier.person.get_full_name()}, "
                    f"{timezone.localtime(earlier.at):%-d %b %Y})"
                ]
            }
        )
    try:
        with transaction.atomic():
            signature = model.objects.for_partnership(ctx.partnership).create(
                partnership=ctx.partnership,
                member=member,
                person=ctx.user,
                job_title=ctx.membership.job_title if ctx.membership else "",
                seat=seat,
                level=seat.level,
                signed_version=version,
                content_hash=hashed,
                at=timezone.now(),
                **target,
            )
    except IntegrityError:  # a colleague of the same member signed at the same moment
        raise ValidationError({"decision": [f"{member} has already signed"]}) from None
    activity.record(
        ctx,
        event=event,
        obj=obj,
        changes={
            "partner": {"old": None, "new": str(member)},
            "seat": {"old": None, "new": seat.get_level_display()},
            "version": {"old": None, "new": version},
            "content_hash": {"old": None, "new": hashed or None},
        },
    )
    return signature


def withdraw(ctx: TenantContext, existing: models.QuerySet, *, reason: str, event: str, obj) -> list[Signature]:
    """Withdraw the standing signatures (what they signed changed), with the reason; the ones
    withdrawn, whose signers the caller tells."""
    given = list(existing.filter(withdrawn_at__isnull=True).select_related("person", "member__organisation"))
    if not given:
        return []
    now = timezone.now()
    for signature in given:
        signature.withdrawn_at, signature.withdrawn_reason = now, reason[:300]
        signature.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    activity.record(
        ctx,
        event=event,
        obj=obj,
        changes={
            "withdrawn": {"old": [str(s.member) for s in given], "new": None},
            "reason": {"old": None, "new": reason},
        },
    )
    return given
