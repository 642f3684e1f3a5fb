"""API tokens: django-rest-knox's hashed, expiring tokens (its model swapped for lscp.ApiToken, which
adds a name, the partnership of an agency system's token, who issued it, and when it was last used).

Two kinds:
- A person's own token (`partnership` empty), from POST /api/v1/auth/token/ with their username
  and password (the sign-in form's checks and limits), named after the client that asked for it.
  It lives LSCP_TOKEN_TTL_HOURS (default 10 h) from issue, never refreshed; at most
  REST_KNOX["TOKEN_LIMIT_PER_USER"] live at once.
- An agency system's token, issued by the business unit of a partnership for one member
  organisation's system (a case-management system posting notifications), named, expiring on a
  date chosen (at most LSCP_SYSTEM_TOKEN_MAX_DAYS ahead). It authenticates as a service account
  made for it: a Person named after the system, with no email address and no usable password
  (so it can never sign in on the website, nor be matched by an identity provider), whose only
  membership is an agency lead's in that partnership for that organisation. So it reaches that
  partnership alone (any other slug is the same 404 as for anyone who is not a member), does
  only what an agency lead of that organisation may do, and the activity log names it as itself,
  not as the person who issued it. Revoking it ends that membership too.

The key is shown whole once, in the answer that creates it; the database holds its SHA-512 digest
and its first 15 characters (knox's `token_key`, shown as the token's prefix to tell tokens apart).

What revokes a token (the receivers below, so every path that changes the record is covered:
pages, the API, admin, commands):
- signing out of the website: that person's own tokens (an agency system's token is not the
  person's: it survives the sign-out of whoever issued it);
- a new password (any save that changes the password hash): all the person's tokens;
- the person deactivated (Person.is_active off): all their tokens;
- a membership ended (deactivated or deleted): the tokens issued in that partnership to that
  person, and their own tokens once they have no active membership left;
- the person (revoke one, revoke all), or the business unit for an agency system's token.
Each is a "token-created" / "token-revoked" security event (name, prefix, reason; never the key).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.http import Http404
from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox import auth as knox_auth
from knox.settings import knox_settings

from lscp import activity
from lscp.activity.signals import security_event
from lscp.checks import Errors, format_date
from lscp.models import ApiToken
from lscp.roles import Role
from lscp.tenancy import TenantContext
from partners.models import Member, Membership, Person

# Why a token was revoked (the security event's `reason`).
SIGN_OUT = "sign-out"
NEW_PASSWORD = "password"  # noqa: S105 (a reason, not a secret)
DEACTIVATED = "deactivated"
MEMBERSHIP_ENDED = "membership-ended"
REVOKED_BY_PERSON = "revoked-by-person"
REVOKED_BY_BUSINESS_UNIT = "revoked-by-business-unit"

LAST_USED_EVERY = dt.timedelta(minutes=1)  # how often a token's last use is written


class TokenAuthentication(knox_auth.TokenAuthentication):
    """knox's authentication (a missing, wrong, revoked or expired key is a 401), noting when each
    token was last used (at most once a minute, so a busy client does not write on every call)."""

    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return user, token


class TokenScheme(KnoxTokenScheme):
    """The API schema's name for it (as DRF's token authentication had): `Authorization: Token <key>`."""

    target_class = "lscp.tokens.TokenAuthentication"
    name = "tokenAuth"


def _details(token: ApiToken, **more) -> dict:
    return {"name": token.name, "prefix": token.token_key, **more}


def _created(token: ApiToken, *, request=None) -> None:
    security_event.send(
        sender=ApiToken,
        request=request,
        event="token-created",
        person=token.user,
        partnership=token.partnership,
        details=_details(token, expiry=token.expiry.isoformat() if token.expiry else None),
    )


def revoke(tokens: Iterable[ApiToken], *, reason: str, request=None) -> int:
    """Delete these tokens (they stop working at once), each a "token-revoked" security event."""
    if hasattr(tokens, "select_related"):  # a queryset: its people and partnerships in the same query
        tokens = tokens.select_related("user", "partnership")
    count = 0
    for token in list(tokens):
        ApiToken.objects.filter(pk=token.pk).delete()
        security_event.send(
            sender=ApiToken,
            request=request,
            event="token-revoked",
            person=token.user,
            partnership=token.partnership,
            details=_details(token, reason=reason),
        )
        count += 1
    return count


# ----------------------------------------------------------------------------------------------
# A person's own tokens


def personal_tokens(person: Person):
    """The person's own live tokens, newest first (never an agency system's)."""
    return ApiToken.objects.filter(user=person, partnership__isnull=True).filter(
        Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
    )


@transaction.atomic
def personal_token_create(*, person: Person, name: str = "", request=None) -> tuple[ApiToken, str]:
    """A new token for a person who has just given their password; the key, shown this once."""
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    if limit is not None and personal_tokens(person).count() >= limit:
        raise PermissionDenied(
            f"You have {limit} API tokens, the most you may have at once: revoke one you no longer use first."
        )
    name = " ".join((name or "").split())[:100] or "API client"
    token, key = ApiToken.objects.create(user=person, name=name, expiry=knox_settings.TOKEN_TTL)
    _created(token, request=request)
    return token, key


@transaction.atomic
def personal_token_revoke(*, person: Person, prefix: str, request=None) -> ApiToken:
    """Revoke one of the person's own tokens by its prefix; another's, or none, is a 404."""
    token = personal_tokens(person).filter(token_key=prefix or "").first()
    if token is None:
        raise Http404("No such token")
    revoke([token], reason=REVOKED_BY_PERSON, request=request)
    return token


# ----------------------------------------------------------------------------------------------
# Agency systems' tokens (issued by a partnership's business unit)


def system_tokens(partnership):
    """The partnership's agency systems' live tokens, newest first."""
    return (
        ApiToken.objects.filter(partnership=partnership)
        .filter(Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()))
        .select_related("user", "issued_by")
    )


def system_token_organisation(token: ApiToken):
    membership = (
        Membership.objects.for_partnership(token.partnership)
        .filter(person_id=token.user_id)
        .select_related("member__organisation")
        .first()
    )
    return membership.member.organisation if membership and membership.member else None


def _require_business_unit(ctx: TenantContext) -> None:
    from partners.permissions import ApiTokenPolicy

    ApiTokenPolicy.require(ctx, "manage")


@transaction.atomic
def system_token_create(
    *, ctx: TenantContext, name: str, member: Member | None, expires_on: dt.date | None, request=None
) -> tuple[ApiToken, str]:
    """A named token for one member organisation's system, expiring at the end of `expires_on`;
    the key, shown this once. See the module's docstring for the account it authenticates as."""
    from lscp.permissions import sync_member_groups

    _require_business_unit(ctx)
    errors = Errors()
    name = " ".join(errors.text("name", name, name="The system's name", max_length=100).split())
    if member is None or member.partnership_id != ctx.partnership.pk:
        errors.add("member", "Choose the member organisation whose system will use the token")
    today = timezone.localdate()
    latest = today + dt.timedelta(days=settings.LSCP_SYSTEM_TOKEN_MAX_DAYS)
    if expires_on is None:
        errors.add("expires_on", "Enter the date the token stops working")
    elif expires_on <= today:
        errors.add("expires_on", "The date the token stops working must be in the future")
    elif expires_on > latest:
        errors.add("expires_on", f"The date the token stops working must be on or before {format_date(latest)}")
    errors.raise_if_any()
    system = Person(username=f"system-{secrets.token_hex(8)}", first_name=name, email="")
    system.set_unusable_password()
    system.save()
    membership = Membership.objects.for_partnership(ctx.partnership).create(
        partnership=ctx.partnership,
        person=system,
        role=Role.AGENCY_LEAD,
        member=member,
        job_title="Agency system (API token)",
    )
    sync_member_groups(membership)
    ends = dt.datetime.combine(expires_on + dt.timedelta(days=1), dt.time(), tzinfo=timezone.get_current_timezone())
    token, key = ApiToken.objects.create(
        user=system, name=name, partnership=ctx.partnership, issued_by=ctx.user, expiry=ends - timezone.now()
    )
    activity.record(
        ctx,
        event="api_token.issued",
        obj=membership,
        changes={
            "name": {"old": None, "new": name},
            "organisation": {"old": None, "new": str(member)},
            "prefix": {"old": None, "new": token.token_key},
            "expires_on": {"old": None, "new": expires_on.isoformat()},
        },
    )
    _created(token, request=request)
    return token, key


@transaction.atomic
def system_token_revoke(*, ctx: TenantContext, prefix: str, request=None) -> ApiToken:
    """Revoke an agency system's token of this partnership, and end its service account's
    membership; another partnership's token, or none, is a 404."""
    _require_business_unit(ctx)
    token = system_tokens(ctx.partnership).filter(token_key=prefix or "").first()
    if token is None:
        raise Http404("No such token")
    revoke([token], reason=REVOKED_BY_BUSINESS_UNIT, request=request)
    membership = Membership.objects.for_partnership(ctx.partnership).filter(person_id=token.user_id).first()
    if membership is not None and membership.is_active:
        membership.is_active, membership.deactivated_at = False, timezone.now()
        membership.save(update_fields=["is_active", "deactivated_at"])
    activity.record(
        ctx,
        event="api_token.revoked",
        obj=membership,
        changes={"name": {"old": token.name, "new": None}, "prefix": {"old": token.token_key, "new": None}},
    )
    return token


# ----------------------------------------------------------------------------------------------
# What revokes tokens without anyone asking (connected in lscp.apps)


@receiver(user_logged_out, dispatch_uid="lscp.tokens.on_sign_out")
def on_sign_out(sender, request, user, **kwargs):
    if user is not None and user.pk is not None:
        revoke(ApiToken.objects.filter(user=user, partnership__isnull=True), reason=SIGN_OUT, request=request)


@receiver(pre_save, sender=Person, dispatch_uid="lscp.tokens.person_before_save")
def person_before_save(sender, instance: Person, update_fields=None, raw=False, **kwargs):
    """Notes, before the save, whether it changes the password or deactivates the person."""
    instance._lscp_token_revocation = None
    if raw or instance.pk is None or (update_fields is not None and not {"password", "is_active"} & set(update_fields)):
        return
    before = Person.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    if before["is_active"] and not instance.is_active:
        instance._lscp_token_revocation = DEACTIVATED
    elif before["password"] != instance.password:
        instance._lscp_token_revocation = NEW_PASSWORD


@receiver(post_save, sender=Person, dispatch_uid="lscp.tokens.person_saved")
def person_saved(sender, instance: Person, created=False, raw=False, **kwargs):
    reason = getattr(instance, "_lscp_token_revocation", None)
    if reason and not raw:
        instance._lscp_token_revocation = None
        revoke(ApiToken.objects.filter(user=instance), reason=reason)


@receiver(pre_save, sender=Membership, dispatch_uid="lscp.tokens.membership_before_save")
def membership_before_save(sender, instance: Membership, raw=False, **kwargs):
    instance._lscp_ended = False
    if raw or instance.pk is None or instance.is_active:
        return
    instance._lscp_ended = Membership.dangerously_unscoped.filter(pk=instance.pk, is_active=True).exists()


def _membership_ended(membership: Membership) -> None:
    tokens = Q(partnership_id=membership.partnership_id)
    if not Membership.objects.active_for_person(membership.person).exists():
        tokens |= Q(partnership__isnull=True)
    revoke(ApiToken.objects.filter(tokens, user_id=membership.person_id), reason=MEMBERSHIP_ENDED)


@receiver(post_save, sender=Membership, dispatch_uid="lscp.tokens.membership_saved")
def membership_saved(sender, instance: Membership, raw=False, **kwargs):
    if getattr(instance, "_lscp_ended", False) and not raw:
        instance._lscp_ended = False
        _membership_ended(instance)


@receiver(post_delete, sender=Membership, dispatch_uid="lscp.tokens.membership_deleted")
def membership_deleted(sender, instance: Membership, **kwargs):
    _membership_ended(instance)
