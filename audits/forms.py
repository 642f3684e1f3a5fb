"""Form fields the audits subdomains share: member organisations named by their organisation, and
the quarters an audit can be planned in."""

from __future__ import annotations

from django import forms

from audits.quarters import current_year_start, quarter_label
from partners.selectors import current_members


class OrganisationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj.organisation)


class OrganisationChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(obj.organisation)


def member_choices(ctx, keep=()):
    """Today's member organisations of every kind, and those in `keep` that a record being changed
    already names (partners.selectors.current_members)."""
    return current_members(ctx, keep)


def quarter_choices(around: int | None = None) -> list[tuple[str, str]]:
    around = around or current_year_start()
    return [(f"{year}-{q}", quarter_label(year, q)) for year in range(around - 2, around + 3) for q in (1, 2, 3, 4)]
