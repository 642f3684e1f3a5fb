"""The API's one pagination. Its own module: DRF imports it from its settings while its own
modules load, and lscp/api.py imports those (a cycle if it lived there)."""

from rest_framework import pagination


class Pagination(pagination.PageNumberPagination):
    """Every API list is paginated: ?page=N, ?page_size= up to 200."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class NewestFirstCursor(pagination.CursorPagination):
    """A list too long to count or skip through (the activity log): ?cursor= from the answer's
    `next` and `previous` links, newest first by (`at`, `id`), ?page_size= up to 200; no `count`."""

    ordering = ("-at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class PageOfRows:
    """What a list paginates when its rows are dear to read (joins, per-row subqueries): Django's
    paginator counts `chosen` (the list's filters and order) and slices it, and the slice reads
    `rows` (the same records with all they show) for the page's ids alone, in one query, in the
    same order. The database then joins and annotates the page's rows, not every row the filters
    keep: the API's actions, status + overdue, joined some 650 actions to their owners by nested
    loops, its planner expecting one (issue 15)."""

    ordered = True

    def __init__(self, chosen, rows):
        self.chosen, self.rows = chosen, rows

    def count(self) -> int:
        return self.chosen.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list:
        return list(self.rows.filter(pk__in=self.chosen.values("pk")[index]))
