"""Makers of the audits app's tenant-owned records (see world.py)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from audits.annual_report import services as annual_report_services
from audits.challenges import services as challenge_services
from audits.dataset import services as dataset_services
from audits.models import (
    AnnualReport,
    Audit,
    Challenge,
    Cycle,
    CycleStandard,
    Indicator,
    IndicatorValue,
    Priority,
    SelfAssessment,
    Standard,
    StandardGrade,
)
from audits.programme import services as programme_services
from audits.quarters import current_year_start
from audits.self_assessment import services as self_assessment_services
from tests.support.world import World, maker


def green_return(
    world: World, assessment: SelfAssessment, who: str = "agency", *, submit: bool = True
) -> SelfAssessment:
    grades = {
        g.pk: {"grade": "green", "evidence": "Policy and training records", "improvement_actions": ""}
        for g in assessment.grades.all()
    }
    return self_assessment_services.return_save(world.ctx(who), assessment, grades=grades, submit=submit)


@maker(Priority)
def _priority(world: World) -> Priority:
    return programme_services.priority_create(
        world.ctx(), name="Neglect", description="Identify and tackle neglect earlier"
    )


@maker(Audit)
def _audit(world: World) -> Audit:
    year = current_year_start()
    earlier = programme_services.audit_save(
        world.ctx(),
        title="Neglect: multi-agency case audit",
        kind="multi_agency_case",
        priority=world.objects[Priority],
        year_start=year - 1,
        quarter=2,
        participants=[world.members["agency"], world.members["police"]],
        practitioners_involved=True,
    )
    return programme_services.audit_save(
        world.ctx(),
        title="Neglect: re-audit",
        kind="multi_agency_case",
        priority=world.objects[Priority],
        year_start=year,
        quarter=1,
        re_audit_of=earlier,
        participants=[world.members["agency"]],
    )


@maker(Standard)
def _standard(world: World) -> Standard:
    return self_assessment_services.standards_install_defaults(world.ctx(), framework="s11")[0]


@maker(Cycle)
def _cycle(world: World) -> Cycle:
    world.objects[Standard]  # the Section 11 standards the cycle copies
    today = timezone.localdate()
    cycle = self_assessment_services.cycle_create(
        world.ctx(),
        name="Section 11 audit",
        framework="s11",
        opens_on=today - dt.timedelta(days=20),
        due_on=today + dt.timedelta(days=20),
        members=[world.members["agency"], world.members["police"]],
    )
    assessment = SelfAssessment.objects.for_partnership(world.partnership).get(
        cycle=cycle, member=world.members["agency"]
    )
    green_return(world, assessment)
    return cycle


@maker(CycleStandard)
def _cycle_standard(world: World) -> CycleStandard:
    return world.objects[Cycle].standards.first()


@maker(SelfAssessment)
def _self_assessment(world: World) -> SelfAssessment:
    return SelfAssessment.objects.for_partnership(world.partnership).get(
        cycle=world.objects[Cycle], member=world.members["agency"]
    )


@maker(StandardGrade)
def _standard_grade(world: World) -> StandardGrade:
    return world.objects[SelfAssessment].grades.first()


@maker(Indicator)
def _indicator(world: World) -> Indicator:
    return dataset_services.indicator_save(
        world.ctx(),
        name="Children subject to a child protection plan",
        unit="rate",
        reporting_member=world.members["council"],
        priority=world.objects[Priority],
        direction="neither",
    )


@maker(IndicatorValue)
def _indicator_value(world: World) -> IndicatorValue:
    year = current_year_start()
    return dataset_services.indicator_value_set(
        world.ctx(), world.objects[Indicator], year_start=year - 1, quarter=4, value="41.5"
    )


@maker(Challenge)
def _challenge(world: World) -> Challenge:
    return challenge_services.challenge_log(
        world.ctx(),
        raised_on=timezone.localdate(),
        raised_by="scrutineer",
        raised_by_name="The scrutineer",
        to_member=world.members["police"],
        subject="Attendance at strategy meetings",
        challenge="Police attendance at strategy meetings fell to 60%.",
    )


@maker(AnnualReport)
def _annual_report(world: World) -> AnnualReport:
    year = current_year_start() - 1
    return annual_report_services.annual_report_save(
        world.ctx(),
        title=f"Annual report {year}-{str(year + 1)[-2:]}",
        period_start=dt.date(year, 4, 1),
        period_end=dt.date(year + 1, 3, 31),
        foreword="A year of learning.",
    )
