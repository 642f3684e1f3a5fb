"""What the audits API's input serializers share: a choice of one of the caller's partnership's
records by its id, read through the scoped path (never `dangerously_unscoped`)."""

from __future__ import annotations

from rest_framework import serializers


class TenantRef(serializers.PrimaryKeyRelatedField):
    """A record of `model` chosen by id, from the partnership of the request (the view's `ctx` in
    the serializer's context); without one (the schema generator) the choice is empty. Another
    partnership's id is 'does not exist', as a missing one is."""

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(queryset=model.objects.none(), **kwargs)

    def get_queryset(self):
        ctx = self.context.get("ctx")
        if ctx is None:
            return self.model.objects.none()
        return self.model.objects.for_partnership(ctx.partnership)
