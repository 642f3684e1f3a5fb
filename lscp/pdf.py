"""PDF documents (WeasyPrint): one way to render every report the product produces.

Public entry points:
- `render_pdf(template_name, context)`: bytes of a PDF rendered from a Django template that
  extends `pdf/base.html` (A4, page numbers, the partnership and a protective marking on every
  page). Nothing is fetched from the network: the stylesheet is read from disk and only local
  fonts are used.
- `pdf_response(pdf, filename)`: the download response (never cached).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

STYLESHEET = settings.BASE_DIR / "static" / "lscp" / "pdf.css"


def _no_fetch(url: str, *args, **kwargs):
    raise ValueError(f"PDFs fetch nothing: {url}")


def render_pdf(template_name: str, context: dict) -> bytes:
    from weasyprint import CSS, HTML

    context = {"generated_at": timezone.localtime(), "SERVICE_NAME": settings.SERVICE_NAME, **context}
    html = render_to_string(template_name, context)
    document = HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_no_fetch)
    return document.write_pdf(stylesheets=[CSS(filename=str(STYLESHEET))])


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    return response
