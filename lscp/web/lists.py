"""Server-side sorting and pagination for every list page."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator

from lscp import activity

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
    """The page of `items` the request asks for. Every list page calls it, so here each list read
    is written to the activity log: the model, the filters (the list's TenantFilterSet's cleaned
    values), the rows on this page and the total (the paginator's count: no extra query)."""
    paginator = Paginator(items, per_page)
    page = paginator.get_page(request.GET.get("page"))
    model = getattr(items, "model", None)
    if model is not None:
        activity.record_list(
            request,
            model,
            filters=activity.filters_of(getattr(request, "lscp_filters", None)),
            shown=page.end_index() - page.start_index() + 1 if paginator.count else 0,
            total=paginator.count,
            page=page.number,
        )
    return page
