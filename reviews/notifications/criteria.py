"""The statutory criteria for a serious child safeguarding case (Children Act 2004 s16C, as
amended; Working Together 2018 ch. 4), evaluated from what the notification records."""

from __future__ import annotations

from dataclasses import dataclass

from reviews.notifications.models import AbuseOrNeglect, CriteriaResult, Location, Outcome


@dataclass(frozen=True)
class Evaluation:
    result: str
    reason: str

    @property
    def label(self) -> str:
        return CriteriaResult(self.result).label


def evaluate(notification, *, children=None) -> Evaluation:
    """The product's reading of the criteria, with its reason in words a person can check."""
    children = list(notification.children.all()) if children is None else children
    area = notification.partnership.area
    harmed = "died" if notification.outcome == Outcome.DIED else "was seriously harmed"
    abuse = notification.abuse_or_neglect in (AbuseOrNeglect.KNOWN, AbuseOrNeglect.SUSPECTED)
    if notification.outcome == Outcome.DIED and any(child.looked_after for child in children):
        return Evaluation(
            CriteriaResult.LAC_DEATH,
            "A looked-after child died. The local authority must notify the National Panel, the Secretary of "
            "State and Ofsted, whether or not abuse or neglect is known or suspected.",
        )
    if not abuse:
        return Evaluation(
            CriteriaResult.DOES_NOT_MEET,
            "Abuse or neglect is not known or suspected, so this is not a serious child safeguarding case. "
            "Consider whether a local review would still bring learning.",
        )
    known = "known" if notification.abuse_or_neglect == AbuseOrNeglect.KNOWN else "suspected"
    if notification.location == Location.IN_AREA:
        return Evaluation(
            CriteriaResult.MEETS,
            f"Abuse or neglect is {known} and the child {harmed} in {area}. The local authority must notify "
            "the National Panel within 5 working days of becoming aware.",
        )
    if notification.location == Location.OUTSIDE_ENGLAND:
        return Evaluation(
            CriteriaResult.MEETS,
            f"Abuse or neglect is {known} and a child normally resident in {area} {harmed} outside England. "
            "The local authority must notify the National Panel within 5 working days of becoming aware.",
        )
    return Evaluation(
        CriteriaResult.DOES_NOT_MEET,
        f"The child {harmed} elsewhere in England: the local authority for that area notifies the National Panel. "
        "Share what you know with that partnership, and consider a local review.",
    )
