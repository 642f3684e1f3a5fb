"""Error messages say what to do, per GOV.UK (issue 14 §4): every form of the product, submitted
empty and then with nonsense, shows no Django default ("This field is required.", "Ensure this
value ...", "Select a valid choice ..."), and every field carries GOV.UK messages."""

import importlib
import pathlib
import re

import pytest
from django.urls import reverse

from audits.dataset.models import Indicator
from lscp.web.forms import GovukForm, TenantForm
from reviews.notifications.models import Notification
from reviews.notifications.steps import STEPS
from tests.support.clients import error_by_field

pytestmark = pytest.mark.django_db

ROOT = pathlib.Path(__file__).resolve().parents[2]
DJANGO_DEFAULTS = re.compile(
    r"This field is required|Ensure this value|Ensure that there are|Enter a valid|Enter a whole number\."
    r"|Enter a number\.|Select a valid choice|Enter a list of values|No file was submitted|The submitted file is empty"
    r"|Null characters are not allowed|Enter a complete value"
)
MODULES = ("forms", "views", "filters", "second_factor_views")


def every_form_class() -> list[type[GovukForm]]:
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[0] in {".venv", "node_modules", "tests", "static", "frontend"} or parts[-1] not in MODULES:
            continue
        importlib.import_module(".".join(parts))

    def below(klass):
        for sub in klass.__subclasses__():
            yield sub
            yield from below(sub)

    return sorted(
        {k for k in below(GovukForm) if not k.__module__.startswith(("tests", "lscp.web.forms"))},
        key=lambda k: (k.__module__, k.__name__),
    )


def arguments(world) -> dict:
    """What a form's constructor may ask for, by the argument's name."""
    return {
        "ctx": lambda: world.ctx(),
        "spec": lambda: STEPS["panel_notified"],
        "notification": lambda: world.objects[Notification],
        "completion_locked": lambda: False,
        "audit": lambda: None,
        "editing": lambda: False,
        "grades": lambda: [],
        "for_organisation": lambda: True,
        "indicator": lambda: world.objects[Indicator],
        "kind": lambda: "chair",
        "user": lambda: world.person("business"),
        "benchmark_years": lambda: ["2020-21"],
        "recorded_years": lambda: ["2020-21"],
    }


def build(klass, world, data):
    makers = arguments(world)
    given = {"ctx": makers["ctx"]} if issubclass(klass, TenantForm) else {}
    for _ in range(6):
        try:
            return klass(data=data, files={}, **{name: make() for name, make in given.items()})
        except TypeError as error:
            wanted = re.findall(r"'(\w+)'", str(error).partition("argument")[2])
            if not wanted or any(name not in makers for name in wanted):
                raise
            given.update({name: makers[name] for name in wanted})
    raise AssertionError(f"{klass.__name__} could not be built")


def test_every_form_empty_or_with_nonsense_gives_govuk_messages_only(world_a):
    forms = every_form_class()
    assert len(forms) > 60
    found = []
    for klass in forms:
        empty = build(klass, world_a, {})
        empty.is_valid()
        nonsense = build(klass, world_a, {})
        nonsense.data = {
            key: value
            for name, field in nonsense.fields.items()
            for key, value in (
                [(f"{nonsense.add_prefix(name)}-{p}", "x") for p in ("day", "month", "year")]
                + [(nonsense.add_prefix(name), "-99999999999999" if "Integer" in type(field).__name__ else "z\x00z")]
            )
        }
        nonsense.is_bound = True
        nonsense.is_valid()
        for form in (empty, nonsense):
            for field, messages in form.errors.items():
                found += [f"{klass.__name__}.{field}: {m}" for m in messages if DJANGO_DEFAULTS.search(m)]
            for name, field in form.fields.items():
                found += [
                    f"{klass.__name__}.{name} ({code}): {message}"
                    for code, message in field.error_messages.items()
                    if DJANGO_DEFAULTS.search(str(message))
                ]
    assert not sorted(set(found)), "\n".join(sorted(set(found)))


def test_an_empty_title_says_what_to_do_on_the_page(world_a, as_user):
    response = as_user(world_a.people["business"]).post(
        reverse("audit-add", args=[world_a.slug]), {"title": "", "kind": "deep_dive", "status": "complete"}
    )
    html = response.content.decode()
    assert error_by_field(html, "id_title") == "Enter the title"
    assert error_by_field(html, "id_when") == "Select the quarter"
