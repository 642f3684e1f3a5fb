"""Who may see and change the documents register: everyone reads it; the business unit keeps it
(documents, versions, sending for sign-off, publishing); a version is signed by a person holding
a signing member's seat at the level the partnership sets for the document's kind
(partners.signing.may_sign)."""

from __future__ import annotations

from lscp.permissions import Policy
from lscp.roles import BUSINESS_UNIT, EVERYONE, SAFEGUARDING_PARTNERS
from partners import signing


class GovernanceDocumentPolicy(Policy):
    resource = "document"
    rules = {"view": EVERYONE, "manage": BUSINESS_UNIT, "sign": SAFEGUARDING_PARTNERS}

    @classmethod
    def object_allows(cls, ctx, permission: str, obj) -> bool:
        if permission != "sign":
            return True
        from governance.selectors import signable_for  # the document's kind -> what is signed

        what = signable_for(obj)
        return what is not None and signing.may_sign(ctx, what)
