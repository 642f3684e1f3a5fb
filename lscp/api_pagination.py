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
