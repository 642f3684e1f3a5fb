"""The statutory criteria for a serious child safeguarding case (Children Act 2004 s16C, as
amended; Working Together 2023 ch. 5), evaluated from what the notification records, and which of
the statutory clocks follow from the result (DESIGN.md §2), each with its reason in words.

- A care leaver's death (18 to 24) is notified to the Secretary of State and Ofsted only: no Panel
  notification and no rapid review. A care leaver under 18 is still a child: the criteria are
  evaluated as for any child (and the Secretary of State and Ofsted are told too).
- A looked-after child's death is notified to the Panel, the Secretary of State and Ofsted; with no
  abuse or neglect known or suspected the Panel does not consider it, so no rapid review clock runs
  unless the business unit decides the criteria are met."""

from __future__ import annotations

from dataclasses import dataclass

from reviews.notifications.models import AbuseOrNeglect, CriteriaResult, Location, Nature


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
    harmed = "died" if notification.nature == Nature.DEATH else "was seriously harmed"
    abuse = notification.abuse_or_neglect in (AbuseOrNeglect.KNOWN, AbuseOrNeglect.SUSPECTED)
    death = notification.nature == Nature.DEATH
    if death and children and all(child.care_leaver and child.age_years >= 18 for child in children):
        return Evaluation(
            CriteriaResult.CARE_LEAVER_DEATH,
            "A care leaver aged 18 to 24 died. The local authority must notify the Secretary of State and Ofsted; "
            "the National Panel is not notified and there is no rapid review.",
        )
    if death and any(child.looked_after for child in children):
        return Evaluation(
            CriteriaResult.LAC_DEATH,
            "A looked-after child died. The local authority must notify the National Panel, the Secretary of "
            "State and Ofsted, whether or not abuse or neglect is known or suspected.",
        )
    if notification.nature == Nature.OTHER:
        return Evaluation(
            CriteriaResult.DOES_NOT_MEET,
            "The child neither died nor was seriously harmed, so this is not a serious child safeguarding case. "
            "Consider whether a local review would still bring learning.",
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


def care_leaver_under_18(notification, *, children=None) -> bool:
    """A care leaver under 18 died: the criteria are evaluated as for any child, and the Secretary
    of State and Ofsted are told as well."""
    children = list(notification.children.all()) if children is None else children
    return notification.nature == Nature.DEATH and any(c.care_leaver and c.age_years < 18 for c in children)


NOT_NOTIFIABLE = "Not needed: the criteria for notifying the National Panel are not met"
CARE_LEAVER_NO_CLOCK = (
    "Not needed: a care leaver's death is notified to the Secretary of State and Ofsted only, with no rapid review"
)
LAC_NO_ABUSE_NO_CLOCK = (
    "Not needed: a looked-after child died with no abuse or neglect known or suspected. The Panel is notified "
    "but does not consider the case, so there is no rapid review unless the business unit decides the criteria "
    "are met"
)


def panel_reason(notification) -> tuple[bool, str]:
    """Whether the National Panel is notified, and if not why not."""
    if notification.is_care_leaver_death:
        return False, CARE_LEAVER_NO_CLOCK
    return notification.notifiable, NOT_NOTIFIABLE


def rapid_review_reason(notification) -> tuple[bool, str]:
    """Whether the rapid review's clocks run, and if not why not."""
    notified, reason = panel_reason(notification)
    if not notified:
        return False, reason
    no_abuse = notification.abuse_or_neglect == AbuseOrNeglect.NOT_SUSPECTED
    if notification.criteria_result == CriteriaResult.LAC_DEATH and no_abuse:
        return False, LAC_NO_ABUSE_NO_CLOCK
    return True, ""
