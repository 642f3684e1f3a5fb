"""The API's view of the email outbox: an email decided about a record, as its page shows it."""

from __future__ import annotations

from rest_framework import serializers

from lscp.models import OutboxDelivery, OutboxEmail


class DeliveryOut(serializers.Serializer):
    """One recipient's copy: delivered, waiting (with its tries and what the server last said),
    or refused for good."""

    recipient = serializers.EmailField()
    status = serializers.ChoiceField(choices=OutboxDelivery.Status.choices)
    attempts = serializers.IntegerField()
    sent_at = serializers.DateTimeField(allow_null=True)
    last_error = serializers.CharField(allow_blank=True)


class EmailOut(serializers.Serializer):
    """One email about a record (a case, an action): who it went to and whether it was sent. The
    body is not repeated here: the record itself says what the email said."""

    subject = serializers.CharField()
    to = serializers.ListField(child=serializers.EmailField())
    status = serializers.ChoiceField(choices=OutboxEmail.Status.choices)
    created_at = serializers.DateTimeField(help_text="When the email was decided")
    sent_at = serializers.DateTimeField(allow_null=True, help_text="When the last recipient's copy was accepted")
    attempts = serializers.IntegerField(help_text="The most attempts any one recipient's copy took")
    last_error = serializers.CharField(allow_blank=True, help_text="What the mail server last said, if it refused")
    deliveries = DeliveryOut(many=True, help_text="Each recipient's copy", source="deliveries.all")
