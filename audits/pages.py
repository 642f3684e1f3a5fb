"""What the audits subdomains' pages share: the link back to where a form page belongs, and a
list's filter errors."""

from __future__ import annotations

from django.urls import reverse


class BackLink:
    """Form pages link back to where they belong (never to an arbitrary Referer)."""

    back_to = "audit-programme"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["back_url"] = reverse(self.back_to, args=[self.ctx.partnership.slug])
        return context


def filter_errors(filters) -> list[str]:
    """A FilterSet's form errors as messages for the page ('Priority: Select a valid choice...')."""
    if filters.is_valid():
        return []
    return [
        f"{filters.form.fields[name].label}: {message}" if name in filters.form.fields else str(message)
        for name, messages in filters.form.errors.items()
        for message in messages
    ]
