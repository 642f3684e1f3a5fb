"""The policy base class (roles are in lscp/roles.py): one policy per resource decides who may do what.

A policy answers three questions, and pages, the API and services all ask the same one:
- `filter(ctx, queryset)`: which rows of this resource may this person see (lists);
- `can_see(ctx, obj)`: may they see this one (detail pages; False means 404, as if missing);
- `can(ctx, permission, obj)`: may they do it (`permission` is a verb such as "view" or
  "manage"; False means 403).
Services call `require` before they change anything, so no caller can skip the check.
"""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import Http404
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import assign_perm, get_objects_for_group, remove_perm

from lscp.roles import Role
from lscp.tenancy import TenantContext
from partners.models import Member


class Policy:
    """Subclass per resource; set `rules` (permission -> roles) and override the object checks."""

    resource: ClassVar[str] = "record"
    rules: ClassVar[dict[str, frozenset[str]]] = {}

    @classmethod
    def _roles_for(cls, permission: str) -> frozenset[str]:
        # A permission without a rule is nobody's (fail closed): a 403, never a 500.
        return cls.rules.get(permission, frozenset())

    @classmethod
    def filter(cls, ctx: TenantContext, queryset):
        """Rows of an already partnership-scoped queryset that this person may see."""
        return queryset

    @classmethod
    def can_see(cls, ctx: TenantContext, obj) -> bool:
        return True

    @classmethod
    def object_allows(cls, ctx: TenantContext, permission: str, obj) -> bool:
        """Object-level rule beyond the role (e.g. an agency lead's own organisation only)."""
        return True

    @classmethod
    def can(cls, ctx: TenantContext, permission: str, obj=None) -> bool:
        role = Role.BUSINESS_UNIT if ctx.role == Role.ADMINISTRATOR else ctx.role
        if role not in cls._roles_for(permission):
            return False
        if obj is not None:
            return cls.can_see(ctx, obj) and cls.object_allows(ctx, permission, obj)
        return True

    @classmethod
    def require(cls, ctx: TenantContext, permission: str, obj=None) -> None:
        """404 if the object is hidden from this person, 403 if the permission is not theirs."""
        if obj is not None and not cls.can_see(ctx, obj):
            raise Http404("No such record")
        if not cls.can(ctx, permission, obj):
            raise PermissionDenied(f"You do not have permission to {permission.replace('_', ' ')} this {cls.resource}.")


# ----------------------------------------------------------------------------------------------
# Object grants (django-guardian)
#
# A record that an organisation is involved in (it notified the case, it knew the child, it owns
# the action) is granted to that member organisation's group; the organisation's active agency
# leads are that group's members. Grants are kept by the services that create the involvement.


def member_group(member):
    group, _ = Group.objects.get_or_create(name=f"lscp-member-{member.pk}")
    return group


def grant(obj, members, perm: str) -> None:
    """Give each member organisation's agency leads `perm` on `obj` (idempotent)."""

    for member in members:
        assign_perm(perm, member_group(member), obj)


def revoke(obj, members, perm: str) -> None:
    for member in members:
        remove_perm(perm, member_group(member), obj)


def granted(ctx: TenantContext, queryset, perm: str):
    """The rows of `queryset` granted to the acting person's organisation in this partnership."""

    if ctx.member is None:
        return queryset.none()
    return get_objects_for_group(member_group(ctx.member), perm, klass=queryset, accept_global_perms=False)


def has_grant(ctx: TenantContext, obj, perm: str) -> bool:
    if ctx.member is None:
        return False
    return ObjectPermissionChecker(member_group(ctx.member)).has_perm(perm.split(".", 1)[-1], obj)


def sync_member_groups(membership) -> None:
    """An active agency lead belongs to their organisation's group and to no other's here."""

    person = membership.person
    groups = [member_group(m) for m in Member.objects.for_partnership(membership.partnership)]
    current = (
        member_group(membership.member)
        if membership.member_id and membership.is_active and membership.role == Role.AGENCY_LEAD
        else None
    )
    person.groups.remove(*[g for g in groups if g != current])
    if current is not None:
        person.groups.add(current)
