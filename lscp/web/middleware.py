"""Headers every response carries: children's data is never cached, and pages only run our own code."""

from django.conf import settings

STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
# Django admin and the API's own pages (browsable API, Swagger UI) use inline styles.
RELAXED_CSP = STRICT_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


class PrivacyHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store, private")
        relaxed = request.path.startswith(("/" + settings.LSCP_ADMIN_URL, "/api/"))
        response.headers.setdefault("Content-Security-Policy", RELAXED_CSP if relaxed else STRICT_CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response
