"""The challenge log: challenges raised at meetings or by the scrutineer, to a member
organisation, with the response and the outcome."""

from __future__ import annotations

from django.db import models

from lscp.tenancy import TenantOwned


class RaisedBy(models.TextChoices):
    MEETING = "meeting", "At a meeting"
    SCRUTINEER = "scrutineer", "The independent scrutineer"
    PARTNER = "partner", "A partner organisation"
    OTHER = "other", "Other"


class ChallengeStatus(models.TextChoices):
    OPEN = "open", "Waiting for a response"
    RESPONDED = "responded", "Responded"
    CLOSED = "closed", "Closed"


class Challenge(TenantOwned):
    url_kwarg = "challenge_id"

    raised_on = models.DateField()
    raised_by = models.CharField(max_length=12, choices=RaisedBy.choices)
    raised_at = models.ForeignKey(
        "partners.GovernanceGroup", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    raised_by_name = models.CharField("raised by", max_length=200)
    to_member = models.ForeignKey("partners.Member", on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(max_length=200)
    challenge = models.TextField()
    response = models.TextField(blank=True)
    responded_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=ChallengeStatus.choices, default=ChallengeStatus.OPEN)

    class Meta:
        ordering = ["-raised_on", "-id"]

    def __str__(self) -> str:
        return self.subject
