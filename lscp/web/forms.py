"""GOV.UK Design System forms for Django.

Every form renders as GOV.UK components: an error summary at the top linking to each field, and
by each field its label, hint, error message and the input with what the user typed kept. Dates
are the GOV.UK three-field date input. Forms that offer tenant-owned choices take a
`TenantContext` and narrow those choices to its partnership.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from lscp.tenancy import TenantContext, scope_choices


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"


class GovukDateWidget(forms.Widget):
    """Three text inputs (day, month, year), named `<name>-day` and so on."""

    parts = ("day", "month", "year")

    def value_from_datadict(self, data, files, name):
        return tuple((data.get(f"{name}-{part}") or "").strip() for part in self.parts)

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}-{part}" in data for part in self.parts)

    def format_value(self, value):
        if isinstance(value, dt.date):
            return (str(value.day), str(value.month), str(value.year))
        if isinstance(value, (tuple, list)) and len(value) == 3:
            return tuple(value)
        return ("", "", "")


class GovukDateField(forms.Field):
    """A date typed into three fields, with the GOV.UK error messages."""

    widget = GovukDateWidget

    def __init__(self, *, allow_future: bool = True, **kwargs):
        self.allow_future = allow_future
        super().__init__(**kwargs)

    def _name(self) -> str:
        label = str(self.label or "The date")
        return label[0].upper() + label[1:]

    def to_python(self, value):
        if isinstance(value, dt.date):
            return value
        if not value or not any(value):
            return None
        day, month, year = value
        missing = [name for name, part in zip(GovukDateWidget.parts, value, strict=False) if not part]
        if missing:
            raise ValidationError(f"{self._name()} must include a {' and a '.join(missing)}", code="incomplete")
        try:
            if len(year) != 4:
                raise ValueError
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{self._name()} must be a real date", code="invalid") from None

    def validate(self, value):
        if value in self.empty_values and self.required:
            raise ValidationError(f"Enter {str(self.label or 'the date').lower()}", code="required")
        if value and not self.allow_future:
            from django.utils import timezone

            if value > timezone.localdate():
                raise ValidationError(f"{self._name()} must be today or in the past", code="future")

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != initial
        except ValidationError:
            return True


_NUMBER = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)$")


class MoneyField(forms.CharField):
    """Pounds and pence typed as text ('1,234.56' or '£1234.5') -> Decimal, never a float.

    Shown with a '£' prefix. Only the format is checked here: whether a negative amount is
    allowed is the service's rule, so that a page and the API give the same message.
    """

    def __init__(self, *, label: str, **kwargs):
        name = label[0].lower() + label[1:]
        kwargs.setdefault("error_messages", {"required": f"Enter {name}"})
        super().__init__(label=label, max_length=None, **kwargs)
        self.widget.attrs.update(
            {"class": "govuk-input--width-10", "inputmode": "decimal", "spellcheck": "false", "data-prefix": "£"}
        )

    def _name(self) -> str:
        label = str(self.label)
        return "The " + label[0].lower() + label[1:] if not label.lower().startswith("the ") else label

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        cleaned = text.replace(",", "").replace("£", "").replace(" ", "")
        if not _NUMBER.match(cleaned):
            raise ValidationError(f"{self._name()} must be an amount in pounds and pence, like 1234.56", code="invalid")
        try:
            return Decimal(cleaned)
        except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
            raise ValidationError(f"{self._name()} must be an amount in pounds and pence", code="invalid") from None


class PercentField(forms.CharField):
    """A per cent typed as text ('54.1' or '54.1%') -> Decimal with at most one decimal place."""

    def __init__(self, *, label: str, **kwargs):
        kwargs.setdefault("error_messages", {"required": f"Enter the share for {label[0].lower() + label[1:]}"})
        super().__init__(label=label, max_length=None, **kwargs)
        self.widget.attrs.update(
            {"class": "govuk-input--width-4", "inputmode": "decimal", "spellcheck": "false", "data-suffix": "%"}
        )

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        cleaned = text.replace("%", "").replace(" ", "")
        if not _NUMBER.match(cleaned):
            raise ValidationError(
                f"Enter the share for {str(self.label).lower()} as a number, like 54.1", code="invalid"
            )
        number = Decimal(cleaned)
        if number != number.quantize(Decimal("0.1")):
            raise ValidationError(f"Enter the share for {str(self.label).lower()} to one decimal place, like 54.1")
        return number.quantize(Decimal("0.1"))


class GovukForm(forms.Form):
    """Base form: GOV.UK rendering, and a place for service errors to land by their fields."""

    # A service's field name -> this form's field, where the form asks the question differently.
    service_error_fields: dict[str, str] = {}

    def add_service_errors(self, error: ValidationError) -> None:
        """Put a service's ValidationError on the matching fields (else on the form)."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                field = self.service_error_fields.get(field, field)
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)

    def error_summary(self) -> list[tuple[str, str]]:
        """(message, link) for every error, non-field errors first, fields in form order."""
        items: list[tuple[str, str]] = [(str(message), "") for message in self.non_field_errors()]
        for name, field in self.fields.items():
            for message in self.errors.get(name, []):
                bound = self[name]
                anchor = bound.auto_id
                if isinstance(field.widget, GovukDateWidget):
                    value = bound.value()
                    parts = value if isinstance(value, (tuple, list)) else ("", "", "")
                    first_missing = next(
                        (p for p, v in zip(GovukDateWidget.parts, parts, strict=False) if not v), "day"
                    )
                    anchor = f"{anchor}-{first_missing}"
                elif isinstance(field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
                    anchor = f"{anchor}_0"
                items.append((str(message), f"#{anchor}"))
                break  # one message per field, as GOV.UK asks
        return items


class TenantForm(GovukForm):
    """A form in a partnership: its tenant-owned choices are that partnership's rows only."""

    def __init__(self, *args, ctx: TenantContext, **kwargs):
        self.ctx = ctx
        super().__init__(*args, **kwargs)
        scope_choices(self.fields, ctx.partnership)


class VersionedForm(TenantForm):
    """A form that changes a versioned record (lscp.states.Versioned): it carries the version the
    person saw, so that a concurrent change is refused, not overwritten."""

    version = forms.IntegerField(widget=forms.HiddenInput)


# ----------------------------------------------------------------------------------------------
# Rendering one field as its GOV.UK component.


AFFIXES = ("data-prefix", "data-suffix")


def _describedby(hint_id: str | None, error_id: str | None, extra: str | None = None) -> str:
    return " ".join(part for part in (extra, hint_id, error_id) if part)


def _hint(hint_id: str | None, text: str) -> SafeString:
    if not hint_id:
        return mark_safe("")
    return format_html('<div id="{}" class="govuk-hint">{}</div>', hint_id, text)


def _error(error_id: str | None, message: str | None) -> SafeString:
    if not error_id:
        return mark_safe("")
    return format_html(
        '<p id="{}" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {}</p>',
        error_id,
        message,
    )


def _extra_attrs(widget: forms.Widget, skip: set[str]) -> SafeString:
    attrs = {k: v for k, v in widget.attrs.items() if k not in skip and v not in (None, False)}
    return format_html_join("", ' {}="{}"', ((k, "" if v is True else v) for k, v in attrs.items()))


def _options(bound: forms.BoundField) -> list[dict[str, Any]]:
    options = []
    for sub in bound.subwidgets:
        data = sub.data
        options.append(
            {
                "id": data["attrs"].get("id") or f"{bound.auto_id}_{data['index']}",
                "value": "" if data["value"] is None else str(data["value"]),
                "label": data["label"],
                "selected": bool(data.get("selected")),
            }
        )
    return options


def render_field(bound: forms.BoundField) -> SafeString:
    field = bound.field
    widget = field.widget
    if widget.is_hidden:
        return bound.as_widget()
    field_id = bound.auto_id
    message = bound.errors[0] if bound.errors else None
    hint_id = f"{field_id}-hint" if field.help_text else None
    error_id = f"{field_id}-error" if message else None
    group_class = "govuk-form-group" + (" govuk-form-group--error" if message else "")
    label = field.label or ""
    hint = _hint(hint_id, field.help_text)
    error = _error(error_id, message)
    describedby = _describedby(hint_id, error_id)

    if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
        # CheckboxSelectMultiple is a subclass of RadioSelect: ask about it first.
        radios = not isinstance(widget, forms.CheckboxSelectMultiple)
        kind = "radios" if radios else "checkboxes"
        items = format_html_join(
            "",
            '<div class="govuk-{0}__item"><input class="govuk-{0}__input" id="{1}" name="{2}" type="{3}" '
            'value="{4}"{5}><label class="govuk-label govuk-{0}__label" for="{1}">{6}</label></div>',
            (
                (
                    kind,
                    option["id"],
                    bound.html_name,
                    "radio" if radios else "checkbox",
                    option["value"],
                    mark_safe(" checked") if option["selected"] else "",
                    option["label"],
                )
                for option in _options(bound)
            ),
        )
        inline = " govuk-radios--inline" if radios and widget.attrs.get("data-inline") else ""
        small = " govuk-checkboxes--small" if not radios and widget.attrs.get("data-small") else ""
        return format_html(
            '<div class="{}"><fieldset class="govuk-fieldset"{}>'
            '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{}</legend>{}{}'
            '<div class="govuk-{}{}{}" data-module="govuk-{}">{}</div></fieldset></div>',
            group_class,
            format_html(' aria-describedby="{}"', describedby) if describedby else "",
            label,
            hint,
            error,
            kind,
            inline,
            small,
            kind,
            items,
        )

    if isinstance(widget, forms.CheckboxInput):
        checked = widget.check_test(bound.value())
        return format_html(
            '<div class="{}">{}{}<div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">'
            '<div class="govuk-checkboxes__item"><input class="govuk-checkboxes__input" id="{}" name="{}" '
            'type="checkbox" value="true"{}{}><label class="govuk-label govuk-checkboxes__label" for="{}">{}</label>'
            "</div></div></div>",
            group_class,
            hint,
            error,
            field_id,
            bound.html_name,
            mark_safe(" checked") if checked else "",
            format_html(' aria-describedby="{}"', describedby) if describedby else "",
            field_id,
            label,
        )

    if isinstance(widget, GovukDateWidget):
        values = widget.format_value(bound.value())
        widths = {"day": 2, "month": 2, "year": 4}
        inputs = format_html_join(
            "",
            '<div class="govuk-date-input__item"><div class="govuk-form-group">'
            '<label class="govuk-label govuk-date-input__label" for="{0}-{1}">{2}</label>'
            '<input class="govuk-input govuk-date-input__input govuk-input--width-{3}{4}" id="{0}-{1}" '
            'name="{5}-{1}" type="text" inputmode="numeric" value="{6}"></div></div>',
            (
                (
                    field_id,
                    part,
                    part.capitalize(),
                    widths[part],
                    " govuk-input--error" if message else "",
                    bound.html_name,
                    value,
                )
                for part, value in zip(GovukDateWidget.parts, values, strict=False)
            ),
        )
        return format_html(
            '<div class="{}"><fieldset class="govuk-fieldset" role="group"{}>'
            '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{}</legend>{}{}'
            '<div class="govuk-date-input" id="{}">{}</div></fieldset></div>',
            group_class,
            format_html(' aria-describedby="{}"', describedby) if describedby else "",
            label,
            hint,
            error,
            field_id,
            inputs,
        )

    label_html = format_html('<label class="govuk-label govuk-label--s" for="{}">{}</label>', field_id, label)
    aria = format_html(' aria-describedby="{}"', describedby) if describedby else ""
    extra = _extra_attrs(widget, {"class", "id", "aria-describedby", "data-inline", "data-small", *AFFIXES})
    width = widget.attrs.get("class", "")

    if isinstance(widget, forms.Textarea):
        value = bound.value()
        control = format_html(
            '<textarea class="govuk-textarea{}" id="{}" name="{}" rows="{}"{}{}>\n{}</textarea>',
            " govuk-textarea--error" if message else "",
            field_id,
            bound.html_name,
            widget.attrs.get("rows", 5),
            aria,
            _extra_attrs(widget, {"class", "id", "rows", "cols", "aria-describedby"}),
            "" if value is None else value,
        )
    elif isinstance(widget, forms.Select):
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((o["value"], mark_safe(" selected") if o["selected"] else "", o["label"]) for o in _options(bound)),
        )
        control = format_html(
            '<select class="govuk-select{}" id="{}" name="{}"{}>{}</select>',
            " govuk-select--error" if message else "",
            field_id,
            bound.html_name,
            aria,
            options,
        )
    elif isinstance(widget, forms.FileInput):
        control = format_html(
            '<input class="govuk-file-upload{}" id="{}" name="{}" type="file"{}{}>',
            " govuk-file-upload--error" if message else "",
            field_id,
            bound.html_name,
            aria,
            extra,
        )
    else:
        input_type = getattr(widget, "input_type", "text")
        value = bound.value()
        if input_type == "password" or value is None:
            value_attr = ""
        else:
            value_attr = format_html(' value="{}"', widget.format_value(value) if not isinstance(value, str) else value)
        if input_type == "number":
            # GOV.UK: numbers are text inputs with a numeric keyboard, not type=number.
            input_type = "text"
            extra = format_html(
                '{} inputmode="{}"',
                _extra_attrs(widget, {"class", "id", "aria-describedby", "step", "min", "max"}),
                "decimal" if isinstance(field, (forms.DecimalField, forms.FloatField)) else "numeric",
            )
        control = format_html(
            '<input class="govuk-input{}{}" id="{}" name="{}" type="{}"{}{}{}>',
            f" {width}" if width else "",
            " govuk-input--error" if message else "",
            field_id,
            bound.html_name,
            input_type,
            value_attr,
            aria,
            extra,
        )
    prefix, suffix = widget.attrs.get("data-prefix"), widget.attrs.get("data-suffix")
    if prefix or suffix:
        # GOV.UK's input with a prefix or suffix ('£', '%'): shown, but not read out twice.
        control = format_html(
            '<div class="govuk-input__wrapper">{}{}{}</div>',
            format_html('<div class="govuk-input__prefix" aria-hidden="true">{}</div>', prefix) if prefix else "",
            control,
            format_html('<div class="govuk-input__suffix" aria-hidden="true">{}</div>', suffix) if suffix else "",
        )
    return format_html('<div class="{}">{}{}{}{}</div>', group_class, label_html, hint, error, control)
