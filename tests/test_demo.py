"""The demo data: the seeds' partnerships and one login per role; loading twice changes nothing."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client

from lscp.demo import DEMO_PASSWORD
from partners.models import Member, Membership, Organisation, Partnership

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


def test_demo_loads_the_seed_partnerships_and_loading_twice_changes_nothing():
    call_command("load_demo", "--force")
    first = row_counts()
    call_command("load_demo", "--force")
    assert row_counts() == first

    assert set(Partnership.objects.values_list("slug", flat=True)) == {"thurrock", "southend", "essex"}
    thurrock = Partnership.objects.get(slug="thurrock")
    statutory = dict(
        Member.objects.for_partnership(thurrock)
        .exclude(statutory_role="")
        .values_list("statutory_role", "organisation__name")
    )
    assert statutory == {
        "council": "Thurrock Council",
        "police": "Essex Police",
        "health": "Thurrock Clinical Commissioning Group (CCG)",
    }
    # The shared agencies are one organisation each, a member of all three partnerships.
    for name in (
        "Essex Police",
        "Essex Partnership University NHS Foundation Trust (EPUT)",
        "North East London NHS Foundation Trust (NELFT)",
        "Essex County Fire and Rescue Service",
        "East of England Ambulance Service NHS Trust",
    ):
        assert Organisation.objects.get(name=name).memberships.count() == 3
    titles = set(
        Membership.objects.for_partnership(thurrock).filter(role="executive_lead").values_list("job_title", flat=True)
    )
    assert titles == {"Director of People Services", "Head of Public Protection", "Chief Nurse"}


def test_every_demo_login_signs_in_to_its_partnership():
    call_command("load_demo", "--force")
    for slug in ("thurrock", "southend", "essex"):
        for login in ("business", "agency", "partner-council", "partner-police", "partner-health", "scrutineer"):
            client = Client()
            response = client.post("/accounts/sign-in/", {"username": f"{slug}-{login}", "password": DEMO_PASSWORD})
            assert response.status_code == 302, f"{slug}-{login}"
            assert client.get(f"/{slug}/").status_code == 200, f"{slug}-{login}"


def test_demo_refuses_to_load_outside_demo_mode():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="only in demo mode"):
        call_command("load_demo")


def test_the_demo_audit_programme_and_section_11_cycle():
    from audits import dashboard
    from audits.models import Audit, SelfAssessment
    from lscp.tenancy import TenantContext
    from reviews.action_plans.models import ActionPlan

    call_command("load_demo", "--force")
    thurrock = Partnership.objects.get(slug="thurrock")
    states = dict(SelfAssessment.objects.for_partnership(thurrock).values_list("member__organisation__name", "status"))
    assert states == {
        "North East London NHS Foundation Trust (NELFT)": "moderated",
        "Basildon and Thurrock University Hospitals NHS Foundation Trust (BTUH)": "submitted",
        "Essex Police": "draft",
        "Thurrock Youth Offending Service": "not_started",
        "Thurrock Clinical Commissioning Group (CCG)": "submitted",  # emailed in, recorded by the business unit
    }
    ccg = SelfAssessment.objects.for_partnership(thurrock).get(member__organisation__name__endswith="(CCG)")
    assert ccg.recorded_for_organisation and ccg.submitted_by.username == "thurrock-business"
    audits = Audit.objects.for_partnership(thurrock)
    assert audits.count() == 9
    re_audit = audits.get(re_audit_of__isnull=False)
    assert re_audit.re_audit_of.year_start == re_audit.year_start - 1
    plan = ActionPlan.objects.for_partnership(thurrock).get(source_kind="audit")
    assert plan.source_record() == re_audit.re_audit_of and plan.status == "live"

    scrutineer = Membership.objects.for_partnership(thurrock).get(person__username="thurrock-scrutineer")
    ctx = TenantContext(partnership=thurrock, user=scrutineer.person, membership=scrutineer)
    heat = dashboard.heatmap(ctx)
    rows = {row.organisation: row.cells for row in heat.rows}
    # NELFT graded information sharing green; the business unit challenged it to amber.
    assert rows["North East London NHS Foundation Trust (NELFT)"][6] == "amber"
    assert rows["Essex Police"] == [""] * 9  # a draft is not shown
