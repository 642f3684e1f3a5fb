"""What every list's FilterSet shares: one FilterSet per list is used by the page (its filter
form, GOV.UK fields) and by the API (`filterset_class`), so the same parameter means the same thing
in both and a bad value is the page's form error or the API's 400, never a 500 or a silently
unfiltered list. Dates are given as YYYY-MM-DD (the API) or as the page's three date fields; yes or
no as true/false, 1/0, yes/no or a ticked box; a record by its whole-number id.
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.core.exceptions import ValidationError

from lscp.checks import Errors
from lscp.web.forms import GovukDateField, GovukDateWidget, GovukForm


class DateParamWidget(GovukDateWidget):
    """The page's three date fields (`due_from-day` ...), or one YYYY-MM-DD value (`due_from`)."""

    def value_from_datadict(self, data, files, name):
        return data.get(name) if name in data else super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)

    # Pages draw the three fields (lscp.web.forms.render_field); the browsable API draws one input.
    template_name = "django/forms/widgets/input.html"
    input_type = "text"

    def format_value(self, value):
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                return ("", "", "")
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        day, month, year = self.format_value(value)
        try:
            iso = dt.date(int(year), int(month), int(day)).isoformat()
        except (TypeError, ValueError):
            iso = ""
        context["widget"].update(type=self.input_type, value=iso or (value if isinstance(value, str) else ""))
        return context


class DateParamField(GovukDateField):
    widget = DateParamWidget

    def to_python(self, value):
        if isinstance(value, str):
            if not value.strip():
                return None
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                raise ValidationError(f"'{value}' is not a date: use YYYY-MM-DD", code="invalid") from None
        return super().to_python(value)


YES = {"1", "true", "yes", "on"}
NO = {"0", "false", "no", "off"}


def _flag(value) -> bool | None:
    if isinstance(value, bool) or value is None:
        return value
    text = str(value).strip().lower()
    return True if text in YES else False if text in NO else None


class FlagWidget(forms.CheckboxInput):
    """A checkbox on the page; in the query, the value as sent, for the field to check."""

    def __init__(self, attrs=None):
        super().__init__(attrs, check_test=lambda value: _flag(value) is True)

    def value_from_datadict(self, data, files, name):
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data


class FlagField(forms.Field):
    """Yes or no: 'true', '1', 'yes' or a ticked box ('on'); 'false', '0', 'no'; anything else is an error."""

    widget = FlagWidget

    def to_python(self, value):
        if value in (None, ""):
            return None
        flag = _flag(value)
        if flag is None:
            raise ValidationError(f"'{value}' is not a yes or no: use true or false", code="invalid")
        return flag


class FlagFilter(django_filters.BooleanFilter):
    field_class = FlagField


class DateParamFilter(django_filters.DateFilter):
    field_class = DateParamField


class IdFilter(django_filters.NumberFilter):
    """A record's id: a whole number (a superscript digit or '1.5' is an error, not a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, what: str, **kwargs):
        message = f"Give {what}'s id"
        kwargs.setdefault("error_messages", {"invalid": message, "min_value": message})
        super().__init__(*args, min_value=1, **kwargs)


class TenantFilterSet(django_filters.FilterSet):
    """A FilterSet in a partnership (the request's tenant), accepting the page's older names for
    parameters (`aliases`: old name -> name) so that saved links keep filtering.

    Given the request, it leaves itself there (`request.lscp_filters`): the activity log records
    a list read or an export with the filters it was read with (lscp.web.lists.paginate, the API's
    pagination, lscp.activity.middleware), from the one place every list's filters are cleaned."""

    aliases: dict[str, str] = {}

    def __init__(self, data=None, *args, request=None, **kwargs):
        if data is not None and any(old in data and new not in data for old, new in self.aliases.items()):
            data = data.copy()
            for old, new in self.aliases.items():
                if old in data and new not in data:
                    data.setlist(new, data.getlist(old))
        super().__init__(data, *args, request=request, **kwargs)
        self.ctx = getattr(request, "tenant", None)
        if request is not None:
            request.lscp_filters = self

    def get_form_class(self):
        """The filters' form is a GovukForm (its GOV.UK messages) unless the FilterSet names its own."""
        form = super().get_form_class()
        if issubclass(form, GovukForm):
            return form
        return type(form.__name__, (GovukForm,), dict(form.base_fields))


class DateRangeForm(GovukForm):
    """A filter form whose dates `date_range` (from, to) must not run backwards."""

    date_range = ("date_from", "date_to")

    def clean(self):
        data = super().clean()
        start, end = self.date_range
        errors = Errors()
        errors.date_not_before(end, data.get(end), data.get(start), name="The end date", earliest_name="the start date")
        self.add_check_errors(errors)
        return data
