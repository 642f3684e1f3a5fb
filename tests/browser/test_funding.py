"""Funding in a real browser: record a contribution with a bad then a good amount and see the
year's summary change; every funding page passes axe-core's WCAG 2.2 A/AA checks."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from funding import services
from funding.models import Benchmark, Contribution, Income, SpendingLine
from tests.support.world import PASSWORD, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = Decimal


@pytest.fixture
def thurrock():
    world = make_world("thurrock", area="Thurrock", population=167025)
    ctx = world.ctx()
    year = services.year_add(ctx=ctx, label="2020-21")
    services.contribution_add(
        ctx=ctx, year=year, organisation=world.members["council"].organisation, agreed=D("177444.00")
    )
    return world


def test_record_a_contribution_bad_then_good_and_the_summary_updates(pages, thurrock):
    page = pages.page
    pages.sign_in(thurrock.person("business").username, PASSWORD)
    pages.goto(f"/{thurrock.slug}/funding/")
    page.click("text=2020/21")
    pages.check()
    assert "£177,444.00" in page.locator("#total-income").inner_text()

    page.click("text=Add a contribution")
    pages.check()
    page.select_option("#id_organisation", label="Essex Police")
    page.fill("#id_agreed", "-17777")
    page.fill("#id_notes", "Agreed at the Strategic Group")
    page.click("button:has-text('Save contribution')")
    pages.check()
    assert "The agreed amount must be £0 or more, not -£17,777.00" in page.locator(".govuk-error-summary").inner_text()
    assert "The agreed amount must be £0 or more" in page.locator("#id_agreed-error").inner_text()
    assert page.input_value("#id_agreed") == "-17777"
    assert page.input_value("#id_notes") == "Agreed at the Strategic Group"
    assert (
        not Contribution.objects.for_partnership(thurrock.partnership)
        .filter(member=thurrock.members["police"])
        .exists()
    )
    # The error summary links to the field.
    page.click(".govuk-error-summary a")
    assert page.evaluate("document.activeElement.id") == "id_agreed"

    page.fill("#id_agreed", "17,777")
    page.click("button:has-text('Save contribution')")
    pages.check()
    assert (
        "Essex Police's contribution of £17,777.00 has been recorded"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    assert "£195,221.00" in page.locator("#total-income").inner_text()
    assert "from 2 organisations" in page.locator("#contributions-total").inner_text()
    police_row = page.locator("#sector-table tr", has_text="Police").inner_text()
    assert "£17,777.00" in police_row and "9.1%" in police_row


def _xlsx(path):
    workbook = Workbook()
    workbook.active.append(["Partnership", "Year", "Local authority", "Health", "Police"])
    workbook.active.append(["Luton", "2016-17", 141544, "lots", 24359])
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_every_funding_page_meets_wcag_2_2_aa(pages, thurrock, tmp_path):
    ctx = thurrock.ctx()
    year = services.year_add(ctx=ctx, label="2021-22", copy_previous=True)
    services.income_add(ctx=ctx, year=year, kind="training", amount=D("14868.75"))
    services.spending_add(ctx=ctx, year=year, kind="reviews", budget=D("20000"), actual=D("25000"))
    services.spending_add(ctx=ctx, year=year, kind="training", budget=D("15000"), actual=D("15000"))
    services.benchmark_add(
        ctx=ctx,
        name="Southend",
        year="2016-17",
        authority_type="unitary",
        council=D("43065"),
        health=D("22620"),
        police=D("14355"),
        other=D("4888"),
        training_income=D("5000"),
        population=179799,
        budget=D("108449"),
    )
    slug = thurrock.slug
    contribution = Contribution.objects.for_partnership(thurrock.partnership).filter(year=year).first()
    income = Income.objects.for_partnership(thurrock.partnership).get(year=year)
    line = SpendingLine.objects.for_partnership(thurrock.partnership).filter(year=year).first()
    benchmark = Benchmark.objects.for_partnership(thurrock.partnership).get(name="Southend")
    pages.sign_in(thurrock.person("business").username, PASSWORD)
    for path in [
        f"/{slug}/funding/",
        f"/{slug}/funding/years/add/",
        f"/{slug}/funding/years/2021-22/",
        f"/{slug}/funding/years/2021-22/contributions/add/",
        f"/{slug}/funding/contributions/{contribution.pk}/change/",
        f"/{slug}/funding/contributions/{contribution.pk}/remove/",
        f"/{slug}/funding/years/2021-22/income/add/",
        f"/{slug}/funding/income/{income.pk}/change/",
        f"/{slug}/funding/income/{income.pk}/remove/",
        f"/{slug}/funding/years/2021-22/spending/add/",
        f"/{slug}/funding/spending/{line.pk}/change/",
        f"/{slug}/funding/spending/{line.pk}/remove/",
        f"/{slug}/funding/years/2021-22/planning/",
        f"/{slug}/funding/years/2021-22/planning/?council=54&health=26.5&police=13.8&other=5.7&years=2",
        f"/{slug}/funding/years/2021-22/planning/?council=60&health=26.5&police=13.8&other=5.7&years=20",
        f"/{slug}/funding/benchmarks/",
        f"/{slug}/funding/benchmarks/?sort=-population",
        f"/{slug}/funding/benchmarks/add/",
        f"/{slug}/funding/benchmarks/{benchmark.pk}/change/",
        f"/{slug}/funding/benchmarks/{benchmark.pk}/remove/",
        f"/{slug}/funding/benchmarks/upload/",
        f"/{slug}/funding/comparison/",
        f"/{slug}/funding/comparison/?recorded=2021-22&group=unitary",
    ]:
        pages.goto(path)
    # Error states: a form with every kind of field in error, and a spreadsheet with problems.
    pages.goto(f"/{slug}/funding/years/2021-22/spending/add/")
    pages.page.click("button:has-text('Save spending line')")
    pages.check()
    pages.goto(f"/{slug}/funding/benchmarks/upload/")
    pages.page.set_input_files("#id_file", _xlsx(tmp_path / "benchmarks.xlsx"))
    pages.page.click("button:has-text('Upload')")
    pages.check()
    assert "missing the column 'Other agencies'" in pages.page.locator(".govuk-error-summary").inner_text()
    # And what a scrutineer sees: the same pages, without the buttons that change anything.
    pages.page.click("button:has-text('Sign out')")
    pages.sign_in(thurrock.person("scrutineer").username, PASSWORD)
    pages.goto(f"/{slug}/funding/years/2021-22/")
    assert pages.page.get_by_text("Add a contribution").count() == 0
    assert pages.page.get_by_text("Download the funding report (PDF)").count() == 1
    pages.goto(f"/{slug}/funding/benchmarks/")
    assert pages.page.get_by_text("Upload a spreadsheet").count() == 0
    assert len(pages.checked) >= 30


def test_adding_a_year_works_without_javascript(pages_without_js, thurrock):
    page, base = pages_without_js
    page.goto(base + "/accounts/sign-in/")
    page.fill("#id_username", thurrock.person("business").username)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.goto(base + f"/{thurrock.slug}/funding/years/add/")
    page.fill("#id_label", "2021-23")
    page.click("button:has-text('Add year')")
    assert "2021-23 is not a financial year" in page.locator(".govuk-error-summary").inner_text()
    assert page.input_value("#id_label") == "2021-23"
    page.fill("#id_label", "2021/22")
    page.check("#id_copy_previous")
    page.click("button:has-text('Add year')")
    assert "Financial year 2021/22 has been added" in page.locator(".govuk-notification-banner").inner_text()
    assert "£177,444.00" in page.locator("#total-income").inner_text()  # copied from 2020-21
