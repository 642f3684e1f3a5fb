"""Demo funding from seed 003 (the 2020 independent review of Thurrock LSCP, §14 Budget).

From the seed: Thurrock's 2020/21 contributions; training income of £14,868.75 against £15,000
spent on training; the business unit's unit costs (£120,835.00), the independent chair (£20,000)
and the child death review contribution (£11,102.48); nearly £20,000 spent on reviews the year
before, hence a review contingency line. Invented for the demo: invoice and payment dates, and
actual spending so far. The Eastern region comparison tables (contributions by sector, training
and other income, population and 2016/17 budget) are each partnership's benchmark table; each
demo partnership's own row is marked as its own.

Loaded through the services, as the business unit would; safe to run twice.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from funding import services
from funding.models import Benchmark, FinancialYear, SpendingKind
from lscp.roles import Role
from lscp.tenancy import TenantContext
from partners.models import Membership, Organisation, Partnership, Person

D = Decimal

# (organisation, agreed, invoiced on, received on): Thurrock 2020/21, seed 003 §14.
THURROCK_2020_21 = [
    ("Thurrock Council", D("177444.00"), dt.date(2020, 4, 20), dt.date(2020, 5, 29)),
    ("Essex Police", D("17777.00"), dt.date(2020, 4, 20), dt.date(2020, 6, 12)),
    ("CAFCASS", D("550.00"), dt.date(2020, 4, 20), dt.date(2020, 5, 15)),
    ("National Probation Service", D("1206.21"), dt.date(2020, 4, 20), dt.date(2020, 7, 3)),
    ("Essex Community Rehabilitation Company (CRC)", D("4750.00"), dt.date(2020, 4, 20), None),
    ("Thurrock Clinical Commissioning Group (CCG)", D("17777.00"), dt.date(2020, 4, 20), dt.date(2020, 6, 30)),
    ("North East London NHS Foundation Trust (NELFT)", D("5000.00"), dt.date(2020, 4, 20), dt.date(2020, 6, 5)),
    (
        "Basildon and Thurrock University Hospitals NHS Foundation Trust (BTUH)",
        D("5000.00"),
        dt.date(2020, 4, 20),
        None,
    ),
    (
        "Essex Partnership University NHS Foundation Trust (EPUT)",
        D("5000.00"),
        dt.date(2020, 4, 20),
        dt.date(2020, 7, 17),
    ),
]

# (kind, description, budget, actual so far, notes)
THURROCK_SPENDING = [
    (SpendingKind.STAFFING, "", D("120835.00"), D("60417.50"), "Unit costs of the five-person business unit"),
    (
        SpendingKind.CHAIR,
        "",
        D("20000.00"),
        D("0.00"),
        "No independent chair costs so far this year",
    ),
    (
        SpendingKind.CHILD_DEATH_REVIEW,
        "",
        D("11102.48"),
        D("11102.48"),
        "CDR is now the responsibility of health and the local authority",
    ),
    (
        SpendingKind.REVIEW_CONTINGENCY,
        "",
        D("20000.00"),
        D("0.00"),
        "Nearly £20,000 was spent on serious case reviews in 2019/20",
    ),
    (SpendingKind.TRAINING, "", D("15000.00"), D("15000.00"), "Multi-agency training, charged at a standard rate"),
]

# The Eastern region comparison (seed 003 §14): contributions by sector, training and other
# income (blank where the table is blank), population (ONS mid-year 2016) and LSCB budget 2016/17.
EASTERN_REGION_2016_17 = [
    # name, type, council, health, police, other, training, other income, population, budget
    ("Bedford Borough", "unitary", 108240, 62663, 18300, 2228, None, 9000, 168751, 225056),
    ("Cambridgeshire", "county", 111530, 43458, 48468, 1762, 6000, None, 651940, 255374),
    ("Central Bedfordshire", "unitary", 82037, 54830, 19992, 2229, None, 22210, 278937, 241765),
    ("Essex", "county", 213166, 66426, 66426, 22567, 11208, None, 1455340, 389443),
    ("Hertfordshire", "county", 198694, 104300, 16800, 7450, 9000, None, 1176720, 331724),
    ("Luton", "unitary", 141544, 87068, 24359, 3868, 0, 6900, 216791, 237220),
    ("Norfolk", "county", 121108, 80621, 48611, 39550, 95000, 10000, 892870, 363635),
    ("Peterborough", "unitary", 74911, 45420, 35884, 1762, 3000, None, 197095, 172710),
    ("Southend", "unitary", 43065, 22620, 14355, 4888, 5000, 14000, 179799, 108449),
    ("Suffolk", "county", 100865, 47000, 23500, 40150, 0, 0, 745274, 205821),
    ("Thurrock", "unitary", 108000, 25000, 15000, 10050, 0, 0, 167025, 120641),
]
SOURCE = "Association of Independent Chairs and Eastern Region comparison, as tabled in the 2020 independent review"
OWN_ROW = {"thurrock": "Thurrock", "southend": "Southend", "essex": "Essex"}


def _money(value) -> Decimal | None:
    return None if value is None else D(value).quantize(D("0.01"))


def load_benchmarks(ctx: TenantContext) -> None:
    existing = Benchmark.objects.for_partnership(ctx.partnership)
    own = OWN_ROW.get(ctx.partnership.slug)
    for (
        name,
        kind,
        council,
        health,
        police,
        other,
        training,
        other_income,
        population,
        budget,
    ) in EASTERN_REGION_2016_17:
        if existing.filter(name=name, year="2016-17").exists():
            continue
        services.benchmark_add(
            ctx=ctx,
            name=name,
            year="2016-17",
            authority_type=kind,
            council=_money(council),
            health=_money(health),
            police=_money(police),
            other=_money(other),
            training_income=_money(training),
            other_income=_money(other_income),
            population=population,
            budget=_money(budget),
            is_this_partnership=name == own,
            notes=SOURCE,
        )


def load_thurrock_year(ctx: TenantContext) -> None:
    if FinancialYear.objects.for_partnership(ctx.partnership).filter(label="2020-21").exists():
        return
    year = services.year_add(ctx=ctx, label="2020-21")
    for name, agreed, invoiced_on, received_on in THURROCK_2020_21:
        services.contribution_add(
            ctx=ctx,
            year=year,
            organisation=Organisation.objects.get(name=name),
            agreed=agreed,
            invoiced_on=invoiced_on,
            invoiced=agreed,
            received_on=received_on,
            received=agreed if received_on else None,
        )
    services.income_add(
        ctx=ctx,
        year=year,
        kind="training",
        description="Multi-agency training at a standard rate",
        amount=D("14868.75"),
        notes="As reported for the year before the 2020 review",
    )
    for kind, description, budget, actual, notes in THURROCK_SPENDING:
        services.spending_add(
            ctx=ctx, year=year, kind=kind, description=description, budget=budget, actual=actual, notes=notes
        )


def load(admin: Person) -> str:
    for slug in OWN_ROW:
        partnership = Partnership.objects.filter(slug=slug).first()
        if partnership is None:
            continue
        ctx = TenantContext.for_administrator(partnership=partnership, user=admin)
        load_benchmarks(ctx)
        if slug == "thurrock":
            load_thurrock_year(ctx)
    return "Funding: Thurrock 2020-21 and the Eastern region benchmarks"


# The shared budget of this year (issue 13), after the health partners' mergers: Thurrock Council,
# Essex Police and NHS Essex ICB, signed by their lead safeguarding partners. 2020-21 stays as it was.
THURROCK_2026_27 = [
    ("Thurrock Council", D("98500.00")),
    ("Essex Police", D("32000.00")),
    ("NHS Essex Integrated Care Board (ICB)", D("52500.00")),
]


def load_signed_budget(admin: Person) -> str:
    partnership = Partnership.objects.filter(slug="thurrock").first()
    if partnership is None or FinancialYear.objects.for_partnership(partnership).filter(label="2026-27").exists():
        return ""
    ctx = TenantContext.for_administrator(partnership=partnership, user=admin)
    year = services.year_add(ctx=ctx, label="2026-27")
    for name, agreed in THURROCK_2026_27:
        services.contribution_add(ctx=ctx, year=year, organisation=Organisation.objects.get(name=name), agreed=agreed)
    lsps = (
        Membership.objects.for_partnership(partnership).filter(role=Role.LSP, is_active=True).select_related("person")
    )
    for lsp in lsps:
        services.budget_sign(TenantContext(partnership=partnership, user=lsp.person, membership=lsp), year)
    return "Funding: Thurrock 2026-27, signed by the three LSPs"
