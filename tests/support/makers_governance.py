"""Makers of the governance app's tenant-owned records (see world.py): the arrangements in the
register, a version of them sent for sign-off, and the council's LSP's signature on it.

The world's safeguarding partners are its DSPs ("council", "police", "health"); the register's
documents are signed by the LSPs (Working Together 2023's default), added here as each partner's
LSP ("council_lsp" ...) the first time a test needs them."""

from __future__ import annotations

from governance import services
from governance.models import DocumentKind, DocumentSignature, DocumentVersion, GovernanceDocument
from lscp.roles import Role
from tests.support.world import World, add_person, maker

PARTNERS = ("council", "police", "health")
COUNCIL_SIGNER = "council_lsp"


def lsps(world: World) -> list[str]:
    """The names (in world.people) of the three partners' LSPs, each holding their member's LSP seat."""
    names = []
    for partner in PARTNERS:
        name = f"{partner}_lsp"
        if name not in world.people:
            world.people[name] = add_person(world, name.replace("_", "-"), role=Role.LSP, member=world.members[partner])
        names.append(name)
    return names


@maker(GovernanceDocument)
def _document(world: World) -> GovernanceDocument:
    return services.document_add(
        world.ctx(),
        kind=DocumentKind.ARRANGEMENTS,
        title=f"{world.partnership.area} safeguarding arrangements",
        description="With the plans for independent scrutiny",
    )


@maker(DocumentVersion)
def _version(world: World) -> DocumentVersion:
    lsps(world)
    version = services.version_add(
        world.ctx(),
        world.objects[GovernanceDocument],
        number="1.0",
        summary="First version under Working Together 2023",
        link="https://example.org/arrangements.pdf",
    )
    return services.send_for_sign_off(world.ctx(), version)


@maker(DocumentSignature)
def _signature(world: World) -> DocumentSignature:
    lsps(world)
    return services.sign(world.ctx(COUNCIL_SIGNER), world.objects[DocumentVersion])
