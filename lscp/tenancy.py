"""Tenancy: the partnership is the tenant, and there is one way in to tenant data.

- Every tenant-owned model inherits `TenantOwned`: an indexed `partnership` foreign key and an
  `objects` manager that refuses to run a query until it is scoped with `.for_partnership(p)`.
  Forgetting the scope is an error, never a leak.
- Django's own machinery (admin, unique validation, related managers, deletion) uses the plain
  default manager, named `dangerously_unscoped` so that a reviewer sees every bypass.
- `partners.selectors.context_for(user, slug)` turns a request into a `TenantContext`, or raises 404 (the same answer for
  "there is no such partnership" and "you are not an active member of it"); it sits beside the
  membership queries, so this module imports nothing from partners.
- `get_scoped_or_404` fetches one object: 404 for "does not exist" and for "not this partnership".
- A model names its rows in URLs by `url_kwarg`, with the value of `url_field` (the id, or a
  natural key unique within a partnership, such as a financial year's label "2020-21").
- Forms and serializers that offer tenant-owned choices narrow them with `scope_choices`.

See docs/adr/0001-tenancy.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from django.apps import apps
from django.db import models
from django.http import Http404

from lscp.roles import Role

if TYPE_CHECKING:
    from partners.models import Member, Membership, Organisation, Partnership, Person


class UnscopedQueryError(RuntimeError):
    """Raised when tenant data is queried without saying which partnership it belongs to."""


class TenantQuerySet(models.QuerySet):
    pass


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    """`Model.objects`: usable only through `.for_partnership(partnership)`."""

    def get_queryset(self):
        raise UnscopedQueryError(
            f"{self.model.__name__}.objects must be scoped: use "
            f"{self.model.__name__}.objects.for_partnership(partnership)"
        )

    def none(self) -> TenantQuerySet:
        """An empty queryset reveals nothing, so it needs no scope (schema generators use it)."""
        return super().get_queryset().none()

    def for_partnership(self, partnership: Partnership) -> TenantQuerySet:
        if partnership is None or partnership.pk is None:
            raise UnscopedQueryError(f"{self.model.__name__}: a saved partnership is required")
        return super().get_queryset().filter(partnership=partnership)


class TenantOwned(models.Model):
    """Base of every model that belongs to one partnership."""

    partnership = models.ForeignKey(
        "partners.Partnership", on_delete=models.PROTECT, related_name="+", db_index=True, editable=False
    )

    # Declared first, so it is the default manager Django's internals use. Application code
    # must not: it is the named, visible bypass.
    dangerously_unscoped = models.Manager()
    objects = TenantManager()

    # The name this model's primary key takes in URLs (pages and API alike). The tenant-isolation
    # suite uses it to put another partnership's object into every route that takes one.
    url_kwarg: ClassVar[str | None] = None
    # The field whose value names a row in those URLs: the id, or a natural key that is unique
    # within a partnership (a financial year is "2020-21"). Always looked up within the scope.
    url_field: ClassVar[str] = "pk"

    class Meta:
        abstract = True
        default_manager_name = "dangerously_unscoped"
        base_manager_name = "dangerously_unscoped"

    @classmethod
    def get_url_kwarg(cls) -> str:
        return cls.url_kwarg or f"{cls._meta.model_name}_id"


def tenant_models() -> list[type[TenantOwned]]:
    """Every concrete tenant-owned model, found by inheritance (for the isolation suite and admin)."""
    return [m for m in apps.get_models() if issubclass(m, TenantOwned)]


def url_kwarg_models() -> dict[str, type[TenantOwned]]:
    mapping: dict[str, type[TenantOwned]] = {}
    for model in tenant_models():
        kwarg = model.get_url_kwarg()
        if kwarg in mapping:
            raise RuntimeError(f"URL kwarg {kwarg!r} is claimed by {mapping[kwarg]} and {model}")
        mapping[kwarg] = model
    return mapping


def get_scoped_or_404(model_or_queryset, *, partnership: Partnership, **lookup):
    """One object of this partnership, or 404 (the same 404 whether it is missing or not ours).
    Found in that partnership, its `partnership` is the one given (no query to read it again)."""
    if isinstance(model_or_queryset, models.QuerySet):
        queryset = model_or_queryset.filter(partnership=partnership)
    else:
        queryset = model_or_queryset.objects.for_partnership(partnership)
    try:
        found = queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404("No such record") from None
    found.partnership = partnership
    return found


def scope_choices(fields, partnership: Partnership) -> None:
    """Narrow every tenant-owned choice (form or serializer field querysets) to one partnership.

    Called by TenantForm and TenantSerializer on construction, so a choice list can only ever
    offer this partnership's rows, and a posted id of another partnership is "not a valid choice".
    """
    for field in fields.values():
        nested = getattr(getattr(field, "child", field), "fields", None)  # a nested serializer (many or not)
        if isinstance(nested, Mapping):
            scope_choices(nested, partnership)
            continue
        queryset = getattr(field, "queryset", None)
        if queryset is None:
            child = getattr(field, "child_relation", None)  # DRF many=True
            queryset = getattr(child, "queryset", None)
            field = child if queryset is not None else field
        if queryset is not None and issubclass(queryset.model, TenantOwned):
            field.queryset = queryset.filter(partnership=partnership)


@dataclass(frozen=True)
class TenantContext:
    """Who is acting, in which partnership, with which role. Passed to every tenant service."""

    partnership: Partnership
    user: Person
    membership: Membership | None  # None only for an administrator acting from admin or a command

    @property
    def role(self) -> str:
        return self.membership.role if self.membership else Role.ADMINISTRATOR

    @property
    def member(self) -> Member | None:
        return self.membership.member if self.membership else None

    @property
    def organisation(self) -> Organisation | None:
        member = self.member
        return member.organisation if member else None

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    @classmethod
    def for_administrator(cls, *, partnership: Partnership, user: Person) -> TenantContext:
        """The administrator acting on a partnership from Django admin or a management command."""
        if not user.is_superuser:
            raise PermissionError("Only an administrator acts without a membership")
        return cls(partnership=partnership, user=user, membership=None)
