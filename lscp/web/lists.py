"""Server-side sorting and pagination for every list page."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator

PAGE_SIZE = 25


@dataclass(frozen=True)
class Sorting:
    key: str
    descending: bool


def sort(request, queryset, *, columns: dict[str, str | list[str]], default: str):
    """Order `queryset` by the `?sort=` column (`-name` for descending) among `columns`.

    Unknown columns fall back to the default, so a crafted URL cannot order by any field.
    """
    wanted = request.GET.get("sort", default)
    descending = wanted.startswith("-")
    key = wanted.lstrip("-")
    if key not in columns:
        descending = default.startswith("-")
        key = default.lstrip("-")
    fields = columns[key]
    fields = [fields] if isinstance(fields, str) else list(fields)
    order = [f"-{f}" if descending else f for f in fields] + ["pk"]
    return queryset.order_by(*order), Sorting(key=key, descending=descending)


def paginate(request, items, *, per_page: int = PAGE_SIZE) -> Page:
    paginator = Paginator(items, per_page)
    return paginator.get_page(request.GET.get("page"))
