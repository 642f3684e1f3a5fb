"""GOV.UK Design System forms for Django.

Every form renders as GOV.UK components: an error summary at the top linking to each field, and
by each field its label, hint, error message and the input with what the user typed kept. Dates
are the GOV.UK three-field date input. Forms that offer tenant-owned choices take a
`TenantContext` and narrow those choices to its partnership.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.forms.renderers import TemplatesSetting
from django.forms.utils import pretty_name
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from lscp.checks import Errors, future_message, in_sentence, parse_decimal
from lscp.dates import CONFIRM
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
            raise ValidationError(f"Enter {in_sentence(self.label or 'the date')}", code="required")
        if value and not self.allow_future and value > timezone.localdate():
            raise ValidationError(future_message(self._name()), code="future")

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != initial
        except ValidationError:
            return True


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
        amount = parse_decimal(text)
        if amount is None:
            raise ValidationError(f"{self._name()} must be an amount in pounds and pence, like 1234.56", code="invalid")
        return amount


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
        number = parse_decimal(text.replace("%", ""))
        if number is None:
            raise ValidationError(
                f"Enter the share for {in_sentence(self.label)} as a number, like 54.1", code="invalid"
            )
        if number != number.quantize(Decimal("0.1")):
            raise ValidationError(f"Enter the share for {in_sentence(self.label)} to one decimal place, like 54.1")
        return number.quantize(Decimal("0.1"))


# ----------------------------------------------------------------------------------------------
# GOV.UK error messages, derived from each field's label and validators ("Enter the title",
# "Select the sex", "Age in months must be 0 or more"), in place of Django's defaults ("This field
# is required.", "Ensure this value is greater than or equal to 0."). A message a form sets itself
# is kept.

_NO_ARTICLE = ("the ", "a ", "an ", "your ", "their ", "its ", "what ", "why ", "how ", "which ", "who ", "when ")
_NO_ARTICLE += ("where ", "whether ", "any ", "other ", "others", "or ", "i ", "this ", "each ", "every ")


def _label_words(label) -> str:
    """The label as it reads inside a sentence: 'Title (optional)' -> 'title'."""
    text = str(label).removesuffix("(optional)").strip()
    first = text.split(" ", 1)[0]
    if first.isupper() or first in ("Panel", "Ofsted", "Secretary", "National"):
        return text  # 'LCSPR reference', 'Panel reference'
    return text[:1].lower() + text[1:]


def _object(label) -> str:
    """What to enter or select: 'the title', 'what is to be done', 'the Panel reference'."""
    words = _label_words(label)
    return words if words.lower().startswith(_NO_ARTICLE) else f"the {words}"


def _subject(label) -> str:
    """The field as the subject of a sentence, as GOV.UK writes it: 'Full name must be ...'."""
    words = str(label).removesuffix("(optional)").strip()
    return words[:1].upper() + words[1:]


def _choosing(field: forms.Field) -> bool:
    return isinstance(field, (forms.ChoiceField, forms.ModelChoiceField, forms.FileField, forms.BooleanField))


def govuk_messages(field: forms.Field, label) -> dict[str, str]:
    """The GOV.UK messages of a field, by Django's error codes (Field.run_validators puts a
    validator's error under the field's message of the same code)."""
    text = str(label).removesuffix("(optional)").strip()
    # A question, or a clause that is no name of a thing ('The action is now', 'Reply by'): quoted.
    question = text.endswith(("?", " is", " now", " by", " on", " from", " to", " for", " of", " are")) or (
        ":" in text or (len(text.split()) > 6 and not text.lower().startswith(("what ", "why ", "how ", "who ")))
    )
    verb = "Select" if _choosing(field) else "Enter"
    what, subject = _object(label), _subject(label)
    required = f"{verb} an answer to ‘{text}’" if question else f"{verb} {what}"
    if isinstance(field, forms.BooleanField):
        required = f"Select ‘{text}’ to go on"
    choose = "Select one of the answers given" if question else f"Select one of the options given for {what}"
    messages = {
        "required": required,
        "invalid_choice": choose,
        "invalid_list": choose,
        "invalid_pk_value": choose,
        "max_length": f"{subject} must be %(limit_value)s characters or fewer",
        "min_length": f"{subject} must be %(limit_value)s characters or more",
        "min_value": f"{subject} must be %(limit_value)s or more",
        "max_value": f"{subject} must be %(limit_value)s or less",
        "step_size": f"{subject} must be a multiple of %(limit_value)s",
        "max_digits": f"{subject} must have no more than %(max)s digits",
        "max_decimal_places": f"{subject} must have no more than %(max)s decimal places",
        "max_whole_digits": f"{subject} must have no more than %(max)s digits before the decimal point",
        "null_characters_not_allowed": f"{subject} must not include invisible control characters",
    }
    if isinstance(field, forms.IntegerField):
        messages["invalid"] = f"{subject} must be a whole number, like 3"
    elif isinstance(field, (forms.DecimalField, forms.FloatField)):
        messages["invalid"] = f"{subject} must be a number, like 41.5"
    elif isinstance(field, forms.EmailField):
        messages["invalid"] = "Enter an email address in the correct format, like name@example.com"
    elif isinstance(field, forms.URLField):
        messages["invalid"] = f"Enter {what} in the correct format, like https://www.example.org/report"
    elif isinstance(field, (forms.DateField, forms.DateTimeField, forms.TimeField)):
        messages["invalid"] = f"{subject} must be a real date"
    elif isinstance(field, forms.FileField):
        messages.update(
            invalid=f"Select {what}",
            missing=f"Select {what}",
            empty="The selected file is empty",
            contradiction=f"Either select {what} or remove the one already given, not both",
            max_length="The file's name must be %(max)s characters or fewer",
        )
    return messages


def _django_default(field: forms.Field, code: str, message) -> bool:
    """Whether `message` is Django's own for `code` (the field's class's or a validator's)."""
    for klass in type(field).__mro__:
        if str(getattr(klass, "default_error_messages", {}).get(code, "\0")) == str(message):
            return True
    return False


def _django_null_message(code: str, message) -> bool:
    """Django's NUL message, which ModelChoiceField raises from to_python, past its error_messages."""
    null = ProhibitNullCharactersValidator
    return code == null.code and str(message) == str(null.message)


def apply_govuk_messages(form: forms.BaseForm) -> None:
    """Give every field of the form the GOV.UK messages where it has Django's defaults."""
    for name, field in form.fields.items():
        label = field.label or pretty_name(name)
        derived = govuk_messages(field, label)
        # A validator the form gave its own message keeps it (run_validators would replace it).
        own = {v.code for v in field.validators if getattr(v, "message", None) != type(v).message}
        for code, message in derived.items():
            if code in own:
                continue
            if code not in field.error_messages or _django_default(field, code, field.error_messages[code]):
                field.error_messages[code] = message


class GovukForm(forms.Form):
    """Base form: GOV.UK rendering and error messages, and a place for service errors to land by
    their fields."""

    # A service's field name -> this form's field, where the form asks the question differently.
    service_error_fields: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.date_warnings: list[str] = []
        if self.data.get(CONFIRM):  # confirming the warnings the page showed (lscp.dates)
            self._add_confirm()

    def _add_confirm(self) -> None:
        if CONFIRM not in self.fields:
            self.fields[CONFIRM] = forms.BooleanField(
                required=False, label="I have checked the date and want to save it"
            )

    def full_clean(self):
        # Here, not in __init__: subclasses add fields after it.
        apply_govuk_messages(self)
        super().full_clean()
        # A few of Django's checks raise their own message whatever the field's (a NUL in a
        # ModelChoiceField): put the field's message for that code in its place.
        for name, errors in (self._errors or {}).items():
            field = self.fields.get(name)
            for error in getattr(errors, "data", []) if field is not None else []:
                code = getattr(error, "code", None)
                if code in field.error_messages and _django_null_message(code, error.message):
                    error.message = field.error_messages[code]

    def add_service_errors(self, error: ValidationError) -> None:
        """Put a service's ValidationError on the matching fields (else on the form). A date the
        case makes unusual (lscp.dates' warnings) is shown as warning text with a box to confirm it."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                if field == CONFIRM:
                    self._add_confirm()
                    self.date_warnings = [message for e in errors for message in e.messages]
                    self.add_error(CONFIRM, "Check the date, then confirm it or change it")
                    continue
                field = self.service_error_fields.get(field, field)
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)

    def add_check_errors(self, errors: Errors) -> None:
        """Put the messages of lscp.checks' Errors by their fields (a field that already has an
        error keeps only its own, as GOV.UK shows one message per field)."""
        for field, messages in errors.by_field.items():
            if field not in self.errors:
                self.add_error(field, messages)

    def error_summary(self, *, prefix: str = "") -> list[tuple[str, str]]:
        """(message, link) for every error, non-field errors first, fields in form order (each
        message after `prefix`, which names a formset's row)."""
        items: list[tuple[str, str]] = [(prefix + str(message), "") for message in self.non_field_errors()]
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
                items.append((prefix + str(message), f"#{anchor}"))
                break  # one message per field, as GOV.UK asks
        return items


def error_summary_items(form, formset=None) -> list[tuple[str, str]]:
    """The page's error summary: the form's errors, then a formset's, each row's named ('Entry 2:
    Describe what happened') and linked to its field, so a row's problem is found from the top."""
    items = form.error_summary() if form and form.is_bound else []
    if formset and formset.is_bound:
        items += [(str(message), "") for message in formset.non_form_errors()]
        for number, row in enumerate(formset.forms, start=1):
            if isinstance(row, GovukForm) and row.errors:
                items += row.error_summary(prefix=f"Entry {number}: ")
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
# Rendering one field as its GOV.UK component: `field_context` says what to show, a template per
# component (templates/govuk/forms/fields/) shows it.


AFFIXES = ("data-prefix", "data-suffix")
_HANDLED = {"class", "id", "aria-describedby", "data-inline", "data-small", *AFFIXES}


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


def _component(widget: forms.Widget) -> str:
    # CheckboxSelectMultiple is a subclass of RadioSelect, and both of Select: most specific first.
    for kind, classes in (
        ("checkboxes", forms.CheckboxSelectMultiple),
        ("radios", forms.RadioSelect),
        ("checkbox", forms.CheckboxInput),
        ("date", GovukDateWidget),
        ("textarea", forms.Textarea),
        ("select", forms.Select),
        ("file", forms.FileInput),
    ):
        if isinstance(widget, classes):
            return kind
    return "input"


def field_context(bound: forms.BoundField) -> dict[str, Any]:
    """What the GOV.UK component for one field shows: its label, hint, first error, and the
    control with the person's input kept."""
    field, widget = bound.field, bound.field.widget
    field_id = bound.auto_id
    message = bound.errors[0] if bound.errors else None
    hint_id = f"{field_id}-hint" if field.help_text else None
    error_id = f"{field_id}-error" if message else None
    kind = _component(widget)
    g: dict[str, Any] = {
        "template": f"govuk/forms/fields/{'choices' if kind in ('radios', 'checkboxes') else kind}.html",
        "kind": kind,
        "id": field_id,
        "name": bound.html_name,
        "label": field.label or "",
        "hint": field.help_text,
        "hint_id": hint_id,
        "message": message,
        "error_id": error_id,
        "describedby": " ".join(part for part in (hint_id, error_id) if part),
        "group_class": "govuk-form-group" + (" govuk-form-group--error" if message else ""),
    }
    if kind in ("radios", "checkboxes"):
        g["options"] = _options(bound)
        g["input_type"] = "radio" if kind == "radios" else "checkbox"
        g["modifier"] = (
            " govuk-radios--inline"
            if kind == "radios" and widget.attrs.get("data-inline")
            else " govuk-checkboxes--small"
            if kind == "checkboxes" and widget.attrs.get("data-small")
            else ""
        )
    elif kind == "checkbox":
        g["checked"] = widget.check_test(bound.value())
    elif kind == "date":
        widths = {"day": 2, "month": 2, "year": 4}
        values = widget.format_value(bound.value())
        g["parts"] = [
            {"part": part, "label": part.capitalize(), "width": widths[part], "value": value}
            for part, value in zip(GovukDateWidget.parts, values, strict=False)
        ]
    elif kind == "textarea":
        value = bound.value()
        g["value"] = "" if value is None else value
        g["rows"] = widget.attrs.get("rows", 5)
        g["extra"] = _extra_attrs(widget, {"class", "id", "rows", "cols", "aria-describedby"})
    elif kind == "select":
        g["options"] = _options(bound)
    else:
        g.update(_input_context(bound, kind))
    return g


def _input_context(bound: forms.BoundField, kind: str) -> dict[str, Any]:
    field, widget = bound.field, bound.field.widget
    extra = _extra_attrs(widget, _HANDLED)
    input_type = "file" if kind == "file" else getattr(widget, "input_type", "text")
    value = bound.value()
    if kind == "file" or input_type == "password" or value is None:
        value = None
    elif not isinstance(value, str):
        value = widget.format_value(value)
    if input_type == "number":
        # GOV.UK: numbers are text inputs with a numeric keyboard, not type=number.
        input_type = "text"
        extra = format_html(
            '{} inputmode="{}"',
            _extra_attrs(widget, {"class", "id", "aria-describedby", "step", "min", "max"}),
            "decimal" if isinstance(field, (forms.DecimalField, forms.FloatField)) else "numeric",
        )
    width = widget.attrs.get("class", "")
    return {
        "input_type": input_type,
        "value": value,
        "width": f" {width}" if width else "",
        "extra": extra,
        # GOV.UK's input with a prefix or suffix ('£', '%'): shown, but not read out twice.
        "prefix": widget.attrs.get("data-prefix"),
        "suffix": widget.attrs.get("data-suffix"),
    }


def render_field(bound: forms.BoundField) -> SafeString:
    if bound.field.widget.is_hidden:
        return bound.as_widget()
    context = field_context(bound)
    return render_to_string(context["template"], {"g": context})
