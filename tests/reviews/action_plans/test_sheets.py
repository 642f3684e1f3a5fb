"""Action plans in and out of spreadsheets: the template, a plan exported then imported as a new
plan with the same content, every bad row and column listed with nothing created, and the
exports of open actions."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from reviews.action_plans import services, sheets
from reviews.action_plans.models import Action, ActionPlan, ProgressUpdate, SourceKind
from tests.support.clients import error_by_field
from tests.support.makers_actions import plan_with, ratify_all

pytestmark = pytest.mark.django_db

D = dt.date
FROZEN = dt.datetime(2026, 11, 26, 10, 0)


@pytest.fixture
def november(db):
    with time_machine.travel(FROZEN, tick=False):
        yield


def xlsx(rows, headers=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers or sheets.HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row(**values):
    """A template row, with sensible values and any cell overridden by its header."""
    cells = {
        "Recommendation number": "1",
        "Recommendation": "Agencies share information about children who go missing",
        "Action number": "",
        "Action": "Agree a protocol",
        "Owner organisation": "NELFT",
        "Owner email": "",
        "Due date": D(2027, 1, 29),
        "Measure of success": "",
        "Status": "Not started",
        "Completed on": None,
        "Evidence of completion": "",
        "Evidence link": "",
        "Evidence of impact": "",
    }
    cells.update({key.replace("_", " ").capitalize(): value for key, value in values.items()})
    return [cells[header] for header in sheets.HEADERS]


NOV_2 = D(2026, 11, 2)


def import_form(world, client, data: bytes, *, name="plan.xlsx", title="Imported plan", created=NOV_2):
    return client.post(
        reverse("action-plan-import", args=[world.slug]),
        {
            "file": SimpleUploadedFile(name, data),
            "title": title,
            "source_kind": "local_review",
            "source_reference": "",
            "created_on-day": str(created.day),
            "created_on-month": str(created.month),
            "created_on-year": str(created.year),
            "submission_key": "",
        },
    )


def plans(world) -> int:
    return ActionPlan.objects.for_partnership(world.partnership).count()


def content(plan) -> list[tuple]:
    """Everything a plan's spreadsheet carries, action by action."""
    return [
        (
            a.recommendation.label,
            a.recommendation.text,
            a.number,
            a.description,
            a.owner_member_id,
            a.owner_id,
            a.due_date,
            a.measure_of_success,
            a.status,
            a.completed_on,
            a.completion_evidence,
            a.completion_link,
            a.impact_evidence,
        )
        for a in Action.objects.for_partnership(plan.partnership)
        .filter(plan=plan)
        .select_related("recommendation")
        .order_by("recommendation__number", "recommendation__part", "position")
    ]


def test_the_template_has_the_import_columns(world_a, as_user):
    response = as_user(world_a.people["business"]).get(reverse("action-plan-template", args=[world_a.slug]))
    assert response["Content-Disposition"] == 'attachment; filename="action-plan-template.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == sheets.HEADERS


def test_export_then_import_as_a_new_plan_gives_the_same_content(world_a, as_user, november):
    ctx = world_a.ctx()
    agency, police = world_a.members["agency"], world_a.members["police"]
    original = services.plan_create(
        ctx,
        title="Original",
        source_kind=SourceKind.LOCAL_REVIEW,
        created_on=D(2026, 11, 2),
        recommendations=[
            services.RecommendationIn(
                1,
                "",
                "Share information",
                actions=[
                    services.ActionIn(
                        "=Agree a protocol (a formula-looking description)",
                        agency,
                        D(2027, 1, 29),
                        owner=world_a.people["agency"],
                        measure_of_success="Signed by all",
                    ),
                    services.ActionIn("- Brief the partnership", None, D(2027, 2, 5), owner=world_a.people["business"]),
                ],
            ),
            services.RecommendationIn(
                2,
                "a",
                "Police share intelligence",
                actions=[
                    services.ActionIn(
                        "MACE protocol",
                        police,
                        D(2026, 12, 18),
                        status="complete",
                        completed_on=D(2026, 11, 20),
                        completion_evidence="Signed on 20 November",
                        completion_link="https://example.org/mace",
                        impact_evidence="Referrals up by a third",
                    )
                ],
            ),
            services.RecommendationIn(
                2,
                "b",
                "Schools share attendance concerns",
                actions=[
                    services.ActionIn(
                        "Attendance protocol",
                        world_a.members["council"],
                        D(2027, 3, 1),
                        status="awaiting_acceptance",
                        completed_on=D(2026, 11, 25),
                        completion_evidence="Agreed at the heads' meeting",
                    ),
                    services.ActionIn("Attendance audit", world_a.members["council"], D(2027, 3, 31), status="at_risk"),
                ],
            ),
        ],
    )
    client = as_user(world_a.people["business"])
    exported = client.get(reverse("action-plan-xlsx", args=[world_a.slug, original.pk]))
    assert exported.status_code == 200
    workbook = load_workbook(io.BytesIO(exported.content))
    assert workbook.sheetnames == ["Actions", "Progress"]
    assert workbook["Actions"]["A2"].value == "1" and workbook["Actions"]["D2"].value.startswith("'=")  # guarded
    response = import_form(world_a, client, exported.content, title="Imported")
    assert response.status_code == 302, response.content.decode()[:3000]
    imported = ActionPlan.objects.for_partnership(world_a.partnership).get(title="Imported")
    assert content(imported) == content(original)
    assert len(content(imported)) == 5
    # ...and the grants came along: the agency lead sees the imported plan's agency action.
    action = Action.objects.for_partnership(world_a.partnership).get(plan=imported, owner_member=agency)
    assert (
        as_user(world_a.people["agency"]).get(reverse("action-detail", args=[world_a.slug, action.pk])).status_code
        == 200
    )


def test_a_plan_exports_as_csv_with_rag_and_progress(world_a, as_user, november):
    plan = world_a.objects[ActionPlan]  # live, its one action due in January
    world_a.objects[ProgressUpdate]  # "Protocol drafted", on track, today
    response = as_user(world_a.people["scrutineer"]).get(reverse("action-plan-csv", args=[world_a.slug, plan.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [*sheets.HEADERS, "RAG", "Latest progress on", "Latest progress"]
    assert rows[1][:5] == ["1", "Agencies share information about children who go missing.", "1.1", rows[1][3], "NELFT"]
    assert rows[1][-3:-1] == ["On track", "26/11/2026"]
    assert rows[1][-1] == "Protocol drafted"


@pytest.mark.parametrize(
    ("cells", "headers", "message"),
    [
        (
            [row()],
            [h for h in sheets.HEADERS if h != "Due date"],
            "The spreadsheet is missing the column 'Due date'",
        ),
        (
            [row(due_date="31/02/2027")],
            None,
            "Row 2, Due date: '31/02/2027' is not a date: enter a date like 31/03/2026",
        ),
        (
            [row(owner_organisation="Essex Polce")],
            None,
            "Row 2, Owner organisation: 'Essex Polce' is not a member organisation of Thurrock LSCP: use its name as on "
            "the Partners page, or 'Thurrock LSCP' for the business unit",
        ),
        (
            [row(due_date=D(2026, 10, 30))],
            None,
            "Row 2, Due date: The due date, 30 Oct 2026, is before the plan was drawn up (2 Nov 2026)",
        ),
        (
            [row(owner_email="thurrock-police@example.org")],
            None,
            "Row 2, Owner email: Police OfThurrock is not a member of NELFT",
        ),
        (
            [row(), row(recommendation="Something else", action="Second")],
            None,
            "Row 3, Recommendation: differs from row 2 for recommendation 1: give the same text, or leave it blank "
            "after the first row",
        ),
        ([row(status="Done")], None, "Row 2, Status: 'Done' is not one of: "),
        (
            [row(status="Complete")],
            None,
            "Row 2, Completed on: Enter the date it was completed",
        ),
        (
            [row(recommendation_number="1.5")],
            None,
            "Row 2, Recommendation number: '1.5' is not a recommendation number",
        ),
    ],
    ids=[
        "missing-column",
        "bad-date",
        "unknown-organisation",
        "due-before-plan",
        "owner-of-another-organisation",
        "differing-recommendation",
        "unknown-status",
        "complete-without-date",
        "bad-number",
    ],
)
def test_bad_spreadsheets_load_nothing_and_say_which_row_and_column(
    world_a, as_user, november, cells, headers, message
):
    if headers is not None:
        cells = [[value for header, value in zip(sheets.HEADERS, r, strict=True) if header in headers] for r in cells]
    before = plans(world_a)
    response = import_form(world_a, as_user(world_a.people["business"]), xlsx(cells, headers))
    html = response.content.decode()
    import html as html_lib

    assert response.status_code == 200
    assert message in html_lib.unescape(html), html_lib.unescape(html)[html.find("govuk-error-summary") :][:2000]
    assert 'value="Imported plan"' in html  # the other input is kept
    assert plans(world_a) == before


def test_every_problem_is_listed_at_once(world_a, as_user, november):
    cells = [
        row(),
        row(action="", due_date="soon"),
        row(owner_organisation="Nobody", due_date=D(2020, 1, 1)),
        row(recommendation_number="2", recommendation="", action="x"),
    ]
    response = import_form(world_a, as_user(world_a.people["business"]), xlsx(cells))
    import html as html_lib

    html = html_lib.unescape(response.content.decode())
    problems = html[html.find('id="sheet-problems"') :]
    for expected in (
        "Row 3, Action: is empty",
        "Row 3, Due date: 'soon' is not a date",
        "Row 4, Owner organisation: 'Nobody' is not a member organisation",
        "Row 4, Due date: The due date, 1 Jan 2020, is before the plan was drawn up",
        "Row 5, Recommendation: Enter the recommendation",
    ):
        assert expected in problems, expected
    assert "5 problems in the spreadsheet: nothing was loaded" in problems
    assert error_by_field(response.content.decode(), "id_file").startswith("Row 3, Action: is empty")
    assert plans(world_a) == 0  # nothing was loaded


def test_ten_thousand_rows_and_not_a_spreadsheet_are_refused(world_a, as_user, november):
    from openpyxl import Workbook as WriteOnly

    workbook = WriteOnly(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(sheets.HEADERS)
    for n in range(10_000):
        sheet.append(row(action=f"Action {n}"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = as_user(world_a.people["business"])
    before = plans(world_a)
    big = import_form(world_a, client, buffer.getvalue())
    assert error_by_field(big.content.decode(), "id_file") == (
        "The spreadsheet has more than 5,000 rows: split it into smaller files"
    )
    for data, name in ((b"%PDF-1.4 not a sheet", "plan.xlsx"), (b"Recommendation number,Action\n1,x\n", "plan.csv")):
        response = import_form(world_a, client, data, name=name)
        assert error_by_field(response.content.decode(), "id_file") == "The file is not an Excel spreadsheet (.xlsx)"
    assert plans(world_a) == before


def test_an_import_is_loaded_once_however_often_it_is_submitted(world_a):
    data = xlsx([row(), row(recommendation_number="1a", recommendation="Part a", action="Second")])
    first, again = (
        services.plan_import(
            world_a.ctx(),
            upload=SimpleUploadedFile("p.xlsx", data),
            title="Once",
            source_kind=SourceKind.STANDALONE,
            created_on=D(2026, 11, 2),
            submission_key="import-1",
        )
        for _ in range(2)
    )
    assert first == again
    assert [a[2] for a in content(first)] == ["1.1", "1a.1"]


def test_open_actions_export_follows_the_filters_and_the_grants(world_a, as_user, november):
    plan = plan_with(
        world_a,
        [
            (
                "1",
                "R",
                [("NELFT's overdue action", "agency", D(2026, 11, 20)), ("Police action", "police", D(2027, 1, 20))],
            )
        ],
        created_on=D(2026, 11, 2),
        title="Two owners",
        source_kind=SourceKind.STANDALONE,
    )
    ratify_all(world_a, plan, D(2026, 11, 3))
    business = as_user(world_a.people["business"])
    everything = business.get(reverse("action-list-xlsx", args=[world_a.slug]))
    sheet = load_workbook(io.BytesIO(everything.content)).active
    assert [c.value for c in sheet[1]] == sheets.REPORT_HEADERS
    titles = [r[2] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert "NELFT's overdue action" in titles and "Police action" in titles
    overdue = business.get(reverse("action-list-csv", args=[world_a.slug]) + "?overdue=on")
    rows = list(csv.reader(io.StringIO(overdue.content.decode("utf-8-sig"))))
    assert [r[2] for r in rows[1:]] == ["NELFT's overdue action"]
    assert rows[1][7] == "Overdue"
    police = business.get(reverse("action-list-csv", args=[world_a.slug]) + f"?owner={world_a.members['police'].pk}")
    assert [r[2] for r in csv.reader(io.StringIO(police.content.decode("utf-8-sig")))][1:] == ["Police action"]
    # An agency lead's export is their organisation's actions only.
    theirs = as_user(world_a.people["agency"]).get(reverse("action-list-csv", args=[world_a.slug]))
    owners = {r[3] for r in list(csv.reader(io.StringIO(theirs.content.decode("utf-8-sig"))))[1:]}
    assert owners == {"NELFT"}
