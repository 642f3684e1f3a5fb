"""Demo data for Thurrock's documents register (issue 13): the arrangements revised for Working
Together 2023 (with the plans for independent scrutiny), signed by the three lead safeguarding
partners and published; the threshold document, whose review date has passed (its clock
escalated) while its next version waits for the partners' signatures; and the yearly report
2025/26 with the independent scrutineer's commentary, signed and published.

Loaded after the organisation history (settings.LSCP_DEMO_LOADERS), so the health partner signing
today is the Essex ICB. The LSPs are the seat holders the partners' demo gave each statutory
partner; a partner without one gets an invented chief executive or chief constable here. Everything
through the real services, dated back from today, and safe to run twice (a document already in the
register is left as it is).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from audits.annual_report import services as annual_report_services
from audits.models import AnnualReport
from governance import services
from governance.models import DocumentKind, DocumentVersion, GovernanceDocument
from lscp.demo import DEMO_PASSWORD
from lscp.roles import Role
from lscp.tenancy import TenantContext
from partners import services as partner_services
from partners import signing
from partners.models import Membership, Partnership, Person, Seat

# An invented LSP for a partner whose seat is empty, by statutory role: (first, last, job title).
INVENTED_LSPS = {
    "council": ("Helen", "Marsh", "Chief Executive, Thurrock Council"),
    "police": ("Daniel", "Okoye", "Chief Constable, Essex Police"),
    "health": ("Priya", "Raman", "Chief Executive, NHS Essex Integrated Care Board"),
}

ARRANGEMENTS = (
    "Thurrock Local Safeguarding Children Partnership arrangements",
    "How the three safeguarding partners work together to safeguard children in Thurrock under Working "
    "Together 2023, including the plans for independent scrutiny by the Independent Chair and Scrutineer.",
)
THRESHOLD = (
    "Thurrock threshold document: levels of need",
    "The levels of need and the help each level calls for, for every practitioner in Thurrock.",
)

YEARLY_REPORT = {
    "title": "Thurrock LSCP yearly report 2025/26",
    "period_start": dt.date(2025, 4, 1),
    "period_end": dt.date(2026, 3, 31),
    "foreword": (
        "This is the yearly report of Thurrock's lead safeguarding partners, Thurrock Council, Essex Police and "
        "the NHS Essex Integrated Care Board, on how well the partnership kept children safe in 2025/26."
    ),
    "arrangements": (
        "The arrangements were revised for Working Together 2023: each partner's lead safeguarding partner "
        "named a delegated safeguarding partner, and the plans for independent scrutiny were published with them."
    ),
    "reviews_narrative": "Every notification was considered at a rapid review within 15 working days.",
    "review_impact": (
        "Two rapid reviews found that neglect was recognised late. The Neglect Tool Kit is now used at every "
        "child protection conference."
    ),
    "recommendation_decisions": (
        "The partners accepted all the recommendations of the local reviews, and the National Panel's review "
        "of bruising in non-mobile babies: its protocol was adopted in September 2025."
    ),
    "impact_evidence": "Repeat referrals for neglect fell from 24% to 17% over the year.",
    "little_progress": (
        "Information-sharing with schools at transition to secondary school has not improved; the Education "
        "Safeguarding Group leads on it this year."
    ),
    "children_views": (
        "The Young People's Panel rewrote the leaflet about the Graded Care Profile 2, and families' comments "
        "from the neglect audit shaped the revised threshold document."
    ),
    "priorities_ahead": "Neglect, child exploitation and online safety remain our priorities.",
}
COMMENTARY = (
    "The partnership knows itself well. The lead safeguarding partners attended every Strategic Group and "
    "answered each challenge in the log. The next step is to show the difference for children at transition."
)


def _membership(partnership: Partnership, username: str) -> Membership | None:
    return (
        Membership.objects.for_partnership(partnership)
        .filter(person__username=username, is_active=True)
        .select_related("person", "member__organisation")
        .first()
    )


def _ctx(membership: Membership) -> TenantContext:
    return TenantContext(partnership=membership.partnership, user=membership.person, membership=membership)


def _lsps(ctx: TenantContext) -> list[TenantContext]:
    """Each signing member's LSP seat holder (invented where the seat is empty), as a context."""
    holders = []
    for member in signing.signing_members(ctx.partnership):
        seat = (
            Seat.objects.for_partnership(ctx.partnership)
            .filter(member=member, level=Role.LSP, until__isnull=True)
            .select_related("membership__person")
            .first()
        )
        membership = seat.membership if seat else None
        if membership is None:
            first, last, title = INVENTED_LSPS.get(member.statutory_role, ("Alex", "Lead", "Chief Executive"))
            username = f"{ctx.partnership.slug}-lsp-{member.statutory_role or member.pk}"
            membership = _membership(ctx.partnership, username) or partner_services.person_add(
                ctx=ctx,
                email=f"{username}@demo.lscp.invalid",
                first_name=first,
                last_name=last,
                role=Role.LSP,
                member=member,
                job_title=title,
                username=username,
                password=DEMO_PASSWORD,
                invite=False,
            )
        holders.append(_ctx(membership))
    return holders


def _signed(ctx, version: DocumentVersion, signers: list[TenantContext]) -> DocumentVersion:
    version = services.send_for_sign_off(ctx, version)
    for signer in signers:
        services.sign(signer, version)
    version.refresh_from_db()
    return version


def _document(ctx, kind: str, title: str, description: str, **kwargs) -> GovernanceDocument | None:
    """A new document, or None if the register has it already (nothing is loaded twice)."""
    if GovernanceDocument.objects.for_partnership(ctx.partnership).filter(title=title).exists():
        return None
    return services.document_add(ctx, kind=kind, title=title, description=description, **kwargs)


def load(admin: Person) -> str:
    partnership = Partnership.objects.filter(slug="thurrock").first()
    business = _membership(partnership, "thurrock-business") if partnership else None
    if business is None:
        return ""
    ctx = _ctx(business)
    today = timezone.localdate()
    lsps = _lsps(ctx)

    document = _document(ctx, DocumentKind.ARRANGEMENTS, *ARRANGEMENTS)
    if document is not None:
        version = services.version_add(
            ctx,
            document,
            number="2.0",
            summary="Revised for Working Together 2023: lead and delegated safeguarding partners, the plans for "
            "independent scrutiny, designated childcare and education agencies.",
            link="https://www.thurrocklscp.uk/arrangements",
        )
        published = today - dt.timedelta(days=120)
        services.publish(
            ctx, _signed(ctx, version, lsps), published_on=published, next_review_on=published + dt.timedelta(days=365)
        )

    document = _document(ctx, DocumentKind.THRESHOLD_DOCUMENT, *THRESHOLD)
    if document is not None:
        version = services.version_add(
            ctx, document, number="3.0", summary="Levels of need", link="https://www.thurrocklscp.uk/threshold-3"
        )
        published = today - dt.timedelta(days=400)
        services.publish(
            ctx, _signed(ctx, version, lsps), published_on=published, next_review_on=today - dt.timedelta(days=35)
        )
        # Its review is overdue: the next version waits for two of the partners' signatures.
        version = services.version_add(
            ctx,
            document,
            number="4.0",
            summary="Families' comments from the neglect audit; the Children's Wellbeing and Schools Act 2026.",
            link="https://www.thurrocklscp.uk/threshold-4-draft",
        )
        version = services.send_for_sign_off(ctx, version)
        services.sign(lsps[0], version)

    report = AnnualReport.objects.for_partnership(partnership).filter(title=YEARLY_REPORT["title"]).first()
    if report is None:
        report = annual_report_services.annual_report_save(ctx, **YEARLY_REPORT)
        scrutineer = _membership(partnership, "thurrock-scrutineer")
        if scrutineer is not None:
            report = annual_report_services.scrutineer_commentary_save(_ctx(scrutineer), report, commentary=COMMENTARY)
        document = services.yearly_report_register(ctx, report)
        version = DocumentVersion.objects.for_partnership(partnership).get(document=document)
        published = min(today, dt.date(2026, 9, 30))
        services.publish(ctx, _signed(ctx, version, lsps), published_on=published, next_review_on=dt.date(2027, 9, 30))
    count = GovernanceDocument.objects.for_partnership(partnership).count()
    return f"Documents register: {count} documents, signed by {len(lsps)} lead safeguarding partners"
