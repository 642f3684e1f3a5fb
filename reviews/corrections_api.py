"""The API's input for a correction (reviews/corrections.py), one serializer per record kind: the
same {field, value, reason, version, confirm}, `field` an enum of that kind's correctable dates
(named in ENUM_NAME_OVERRIDES, lscp/settings/base.py). Used by the notification, LCSPR and
request-for-information actions of the notifications' viewset."""

from __future__ import annotations

from rest_framework import serializers

from reviews import corrections


class CorrectionIn(serializers.Serializer):
    field = serializers.ChoiceField(
        choices=corrections.NOTIFICATION_FIELDS, help_text="The recorded date to correct: the notification's own field"
    )
    value = serializers.DateField(allow_null=True, help_text="The corrected date")
    reason = serializers.CharField(allow_blank=True, max_length=corrections.REASON_MAX, help_text="Why it changes")
    version = serializers.IntegerField(help_text="The version you read; a stale one is refused (409)")
    confirm = serializers.BooleanField(
        required=False, default=False, help_text="Save a date the case makes unusual (see the steps' confirm)"
    )


class LcsprCorrectionIn(CorrectionIn):
    field = serializers.ChoiceField(
        choices=corrections.LCSPR_FIELDS, help_text="The recorded date to correct: the LCSPR's own field"
    )


class InformationRequestCorrectionIn(CorrectionIn):
    field = serializers.ChoiceField(
        choices=corrections.INFORMATION_REQUEST_FIELDS,
        help_text="The recorded date to correct: the request's own field",
    )
