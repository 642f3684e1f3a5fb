"""The dataset, the challenge log and the annual reports in a real browser: the business unit enters
a quarter's value with a bad then a good input and sees it in the chart and the table; every new
page (and its error states) passes axe-core's WCAG 2.2 A/AA checks and the CSP."""

import io

import pytest
from openpyxl import Workbook

from audits.annual_report import services as annual_report_services
from audits.challenges import services as challenge_services
from audits.dataset import selectors as dataset_selectors
from audits.models import AnnualReport, Challenge, Indicator, IndicatorValue, quarter_label
from tests.support.world import PASSWORD, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def thurrock():
    return make_world("thurrock", area="Thurrock", population=167025)


def test_enter_a_value_bad_then_good_and_the_chart_and_table_show_it(pages, thurrock):
    page = pages.page
    indicator = thurrock.objects[Indicator]
    quarter = dataset_selectors.default_last_quarter(None)
    label = quarter_label(*quarter)
    pages.sign_in(thurrock.person("business").username, PASSWORD)
    pages.goto(f"/{thurrock.slug}/dataset/")
    page.click(f"text={indicator.name}")
    pages.check()
    page.click("text=Enter a value")
    pages.check()
    assert page.locator("#id_quarter option:checked").inner_text() == label
    page.fill("#id_value", "forty-four")
    page.fill("#id_note", "From the child protection register")
    page.click("button:has-text('Save the value')")
    pages.check()
    message = "'forty-four' is not a number: enter a number like 41.5"
    assert message in page.locator(".govuk-error-summary").inner_text()
    assert message in page.locator("#id_value-error").inner_text()
    assert page.input_value("#id_value") == "forty-four"
    assert page.input_value("#id_note") == "From the child protection register"
    assert (
        not IndicatorValue.objects.for_partnership(thurrock.partnership)
        .filter(indicator=indicator, year_start=quarter[0], quarter=quarter[1])
        .exists()
    )
    page.click(".govuk-error-summary a")
    assert page.evaluate("document.activeElement.id") == "id_value"

    page.fill("#id_value", "44.2")
    page.click("button:has-text('Save the value')")
    pages.check()
    assert f"{label}: 44.2 per 10,000 recorded" in page.locator(".govuk-notification-banner").inner_text()
    row = page.locator("#values tbody tr").first.inner_text()
    assert label in row and "44.2 per 10,000" in row and "From the child protection register" in row
    chart = page.locator("svg.lscp-chart")
    assert chart.get_attribute("role") == "img"
    assert chart.locator("text", has_text="44.2").count() == 1
    assert "44.2 per 10,000" in page.locator("#latest").inner_text()


def _xlsx(path, rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_every_dataset_challenge_and_annual_report_page_meets_wcag_2_2_aa(pages, thurrock, tmp_path):
    slug = thurrock.slug
    ctx = thurrock.ctx()
    indicator = thurrock.objects[Indicator]
    value = thurrock.objects[IndicatorValue]
    challenge = thurrock.objects[Challenge]
    responded = challenge_services.challenge_log(
        ctx,
        raised_on=challenge.raised_on,
        raised_by="scrutineer",
        raised_by_name="The scrutineer",
        to_member=thurrock.members["health"],
        subject="Health assessments",
        challenge="Why late?",
    )
    challenge_services.challenge_respond(ctx, responded, response="More clinics.", responded_on=challenge.raised_on)
    annual = thurrock.objects[AnnualReport]
    pages.sign_in(thurrock.person("business").username, PASSWORD)
    for path in [
        f"/{slug}/dataset/",
        f"/{slug}/dataset/?active=all&sort=-organisation",
        f"/{slug}/dataset/add/",
        f"/{slug}/dataset/{indicator.pk}/",
        f"/{slug}/dataset/{indicator.pk}/change/",
        f"/{slug}/dataset/{indicator.pk}/values/add/",
        f"/{slug}/dataset/values/{value.pk}/change/",
        f"/{slug}/dataset/upload/",
        f"/{slug}/challenges/",
        f"/{slug}/challenges/?status=open&sort=organisation",
        f"/{slug}/challenges/add/",
        f"/{slug}/challenges/{challenge.pk}/",
        f"/{slug}/challenges/{responded.pk}/",
        f"/{slug}/challenges/{challenge.pk}/respond/",
        f"/{slug}/annual-reports/",
        f"/{slug}/annual-reports/add/",
        f"/{slug}/annual-reports/{annual.pk}/",
        f"/{slug}/annual-reports/{annual.pk}/change/",
    ]:
        pages.goto(path)
    page = pages.page
    # Error states: every form with its fields in error, and a spreadsheet with problems.
    for path, button in [
        (f"/{slug}/dataset/add/", "Save"),
        (f"/{slug}/dataset/{indicator.pk}/values/add/", "Save the value"),
        (f"/{slug}/challenges/add/", "Save"),
        (f"/{slug}/challenges/{challenge.pk}/respond/", "Save the response"),
        (f"/{slug}/annual-reports/add/", "Start the report"),
    ]:
        pages.goto(path)
        page.click(f"button:has-text('{button}')")
        pages.check()
        assert page.locator(".govuk-error-summary").count() == 1, path
    pages.goto(f"/{slug}/dataset/upload/")
    page.set_input_files(
        "#id_file",
        _xlsx(
            tmp_path / "dataset.xlsx",
            [
                ["Indicator", "Year", "Quarter", "Value"],
                ["Unknown", "2025-26", "Q5", "lots"],
                ["Also unknown", "2025-26", "Q1", 3],
            ],
        ),
    )
    page.click("button:has-text('Upload')")
    pages.check()
    assert "4 problems in the spreadsheet" in page.locator("#sheet-problems").inner_text()
    # A narrative edit that crossed another save: the warning and the kept text.
    pages.goto(f"/{slug}/annual-reports/{annual.pk}/change/")
    annual_report_services.annual_report_save(ctx, annual, foreword="Someone else's foreword.")
    page.fill("#id_foreword", "My foreword.")
    page.click("button:has-text('Save the report')")
    pages.check()
    assert "changed by someone else" in page.locator(".govuk-error-summary").inner_text()
    assert page.input_value("#id_foreword") == "My foreword."

    # What a scrutineer sees: the same pages, without the buttons that change anything.
    page.click("button:has-text('Sign out')")
    pages.sign_in(thurrock.person("scrutineer").username, PASSWORD)
    for path in [
        f"/{slug}/dataset/",
        f"/{slug}/dataset/{indicator.pk}/",
        f"/{slug}/challenges/",
        f"/{slug}/annual-reports/{annual.pk}/",
    ]:
        pages.goto(path)
        for words in ("Add an indicator", "Enter a value", "Log a challenge", "Change the narrative", "Correct"):
            assert page.get_by_text(words, exact=True).count() == 0, (path, words)
    assert page.get_by_text("Download the report (PDF)").count() == 1
    assert len(pages.checked) >= 30
