"""What the activity log learns from a response as a whole, whichever view answered:

- a refusal (403 or 404) to a signed-in person, pages and API alike (a 404 from the tenant wall
  for another partnership's slug or object included), recorded in the log of the partnership the
  URL names when there is one (the person's own, or another: that partnership's investigators
  want to know who knocked), else installation-wide. Anonymous requests are not recorded (a
  partnership page sends them to sign in; the API answers 401/403 to no credentials): anyone could
  fill the log with them.
- a file leaving a partnership (a response with `Content-Disposition: attachment` under a
  partnership's URL): an export, unless the view recorded it itself (`response.activity_logged`,
  as document downloads do).
"""

from __future__ import annotations

from lscp.activity.log import record_export, record_refusal

REFUSED = {403, 404}


class ActivityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in REFUSED:
            if getattr(getattr(request, "user", None), "is_authenticated", False):
                record_refusal(request, response.status_code, partnership=self.named_partnership(request))
        elif (
            response.status_code == 200
            and response.get("Content-Disposition", "").startswith("attachment")
            and getattr(request, "tenant", None) is not None
            and not getattr(response, "activity_logged", False)
        ):
            record_export(request, response)
        return response

    @staticmethod
    def named_partnership(request):
        """The partnership the URL's <slug> names, if there is one (active or not)."""
        match = getattr(request, "resolver_match", None)
        slug = match.kwargs.get("slug") if match else None
        if not isinstance(slug, str) or not slug:
            return None
        ctx = getattr(request, "tenant", None)
        if ctx is not None and ctx.partnership.slug == slug:
            return ctx.partnership
        from partners.models import Partnership

        return Partnership.objects.filter(slug=slug).first()
