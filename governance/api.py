"""API for the documents register, through the same services, policies and rules as the pages.

- `governance-documents/`: list, create (`kind`, `title`, `description`), retrieve (with every
  version, its signatures and what it still waits for), PATCH the title or description (send the
  `version` you read: a stale one is 409);
- POST `governance-documents/<id>/versions/`: add a draft version (`number`, `summary`, a `file`
  as multipart or a `link`, `next_review_on`);
- `governance-documents/versions/<id>/`: retrieve, PATCH (a change after signing withdraws the
  signatures; a published version is 409);
- GET `governance-documents/versions/<id>/signatures/` (who signed, who is waited for, whether you
  may sign) and POST to it to sign (a signing member's seat holder at the level the partnership
  sets for the kind); POST `.../send-for-sign-off/` and `.../publish/` (`published_on`, `next_review_on`; 409 until every signing member
  has signed). Each write of a version takes the `version` you read where it changes it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from governance import selectors, services
from governance.models import DocumentKind, DocumentSignature, DocumentVersion, GovernanceDocument
from governance.permissions import GovernanceDocumentPolicy
from lscp.api import TenantViewSet
from lscp.documents import check_upload


class DocumentSignatureOut(serializers.Serializer):
    member = serializers.IntegerField(source="member_id")
    organisation = serializers.CharField(source="member.organisation.name")
    person = serializers.CharField(source="person.get_full_name")
    seat = serializers.CharField(source="level", help_text="lsp or dsp")
    job_title = serializers.CharField(allow_blank=True)
    signed_version = serializers.IntegerField(help_text="The version's edit that was read and signed")
    at = serializers.DateTimeField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdrawn_reason = serializers.CharField(allow_blank=True)


class SignOffStateOut(serializers.Serializer):
    level = serializers.CharField(allow_null=True, help_text="lsp or dsp: who signs this kind of document")
    signatures = DocumentSignatureOut(many=True)
    waiting_for = serializers.ListField(child=serializers.IntegerField(), help_text="Members still to sign")
    you_may_sign = serializers.BooleanField()


class DocumentVersionOut(serializers.Serializer):
    id = serializers.IntegerField()
    document = serializers.IntegerField(source="document_id")
    number = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)
    file = serializers.IntegerField(source="file_id", allow_null=True, help_text="Download at /<slug>/documents/<id>/")
    link = serializers.CharField(allow_blank=True)
    status = serializers.CharField()
    sent_for_sign_off_at = serializers.DateTimeField(allow_null=True)
    published_on = serializers.DateField(allow_null=True)
    next_review_on = serializers.DateField(allow_null=True)
    superseded_on = serializers.DateField(allow_null=True)
    signatures = serializers.SerializerMethodField()
    waiting_for = serializers.SerializerMethodField(help_text="Empty in lists: read the version for it")
    version = serializers.IntegerField(help_text="Send it back with a change: a stale one is refused (409)")

    @extend_schema_field(DocumentSignatureOut(many=True))
    def get_signatures(self, version):
        found = getattr(version, "all_signatures", None)  # prefetched by lists (selectors.versions_of too)
        if found is None:
            found = version.signatures.select_related("member__organisation", "person").order_by("at", "id")
        return DocumentSignatureOut(found, many=True).data

    def get_waiting_for(self, version) -> list[int]:
        """The signing members still to sign (ids), while it is not published."""
        if version.status == "published" or self.context.get("listing"):
            return []
        return [member.pk for member in selectors.missing_signers(version)]


class DocumentOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    annual_report = serializers.IntegerField(source="annual_report_id", allow_null=True)
    current_version = serializers.SerializerMethodField()
    version = serializers.IntegerField(help_text="Send it back with a change: a stale one is refused (409)")

    def get_current_version(self, document) -> str | None:
        """The number of the version in force (the latest published)."""
        current = selectors.current_version(document)
        return current.number if current else None


class DocumentDetailOut(DocumentOut):
    versions = serializers.SerializerMethodField()

    @extend_schema_field(DocumentVersionOut(many=True))
    def get_versions(self, document):
        return DocumentVersionOut(selectors.versions_of(self.context["ctx"], document), many=True).data


class DocumentIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class DocumentPatchIn(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, help_text="The version you read: a stale one is refused (409)")


class DocumentVersionIn(serializers.Serializer):
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    number = serializers.CharField(max_length=20, allow_blank=True)
    file = serializers.FileField(required=False, allow_null=True, default=None)
    link = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    next_review_on = serializers.DateField(required=False, allow_null=True, default=None)

    def validate_file(self, upload):
        if upload is None:
            return None
        try:
            content, kind = check_upload(upload)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return (upload, content, kind)


class DocumentVersionPatchIn(DocumentVersionIn):
    version = serializers.IntegerField(required=False, help_text="The version you read: a stale one is refused (409)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        for name in ("summary", "file", "link", "next_review_on"):
            self.fields[name].default = serializers.empty  # not given means not changed


class DocumentVersionStepIn(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text="The version you read: a stale one is refused (409)")


class DocumentPublishIn(DocumentVersionStepIn):
    published_on = serializers.DateField()
    next_review_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="By default, the one planned on the version"
    )


def _version_values(data: dict) -> dict:
    values = dict(data)
    upload = values.pop("file", None)
    if upload is not None:
        values["upload"] = upload
    return values


@extend_schema_view(
    retrieve=extend_schema(responses={200: DocumentDetailOut}),
    create=extend_schema(request=DocumentIn, responses={201: DocumentDetailOut}),
    partial_update=extend_schema(request=DocumentPatchIn, responses={200: DocumentDetailOut, 409: None}),
    versions=extend_schema(request=DocumentVersionIn, responses={201: DocumentVersionOut, 409: None}),
)
class GovernanceDocumentViewSet(TenantViewSet):
    """The documents register: the arrangements, the threshold document, the yearly report, others."""

    model = GovernanceDocument
    policy = GovernanceDocumentPolicy
    action_permissions = {
        "list": "view",
        "retrieve": "view",
        "create": "manage",
        "partial_update": "manage",
        "versions": "manage",
    }
    input_serializers = {"create": DocumentIn, "partial_update": DocumentPatchIn, "versions": DocumentVersionIn}
    serializer_class = DocumentOut
    lookup_value_regex = "[0-9]+"

    def tenant_queryset(self):
        return selectors.documents(self.ctx).order_by("kind", "title", "pk")

    def _out(self, document):
        return DocumentDetailOut(document, context=self.get_serializer_context()).data

    def retrieve(self, request, *args, **kwargs):
        return Response(self._out(self.get_object()))

    def create(self, request, *args, **kwargs):
        data = DocumentIn(data=request.data)
        data.is_valid(raise_exception=True)
        document = services.document_add(self.ctx, **data.validated_data)
        return Response(self._out(document), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        document = self.get_object()
        data = DocumentPatchIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        document = services.document_save(self.ctx, document, expected_version=values.pop("version", None), **values)
        return Response(self._out(document))

    @action(detail=True, methods=["post"])
    def versions(self, request, *args, **kwargs):
        document = self.get_object()
        data = DocumentVersionIn(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.version_add(self.ctx, document, **_version_values(data.validated_data))
        return Response(DocumentVersionOut(version).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    partial_update=extend_schema(request=DocumentVersionPatchIn, responses={200: DocumentVersionOut, 409: None}),
    send_for_sign_off=extend_schema(request=DocumentVersionStepIn, responses={200: DocumentVersionOut, 409: None}),
    signatures=extend_schema(responses={200: SignOffStateOut}),
    publish=extend_schema(request=DocumentPublishIn, responses={200: DocumentVersionOut, 409: None}),
)
class DocumentVersionViewSet(TenantViewSet):
    """A document's versions: changed, sent for sign-off, signed by each signing member, published."""

    model = DocumentVersion
    policy = GovernanceDocumentPolicy
    action_permissions = {
        "list": "view",
        "retrieve": "view",
        "partial_update": "manage",
        "send_for_sign_off": "manage",
        "signatures": "view",
        "sign": "sign",
        "publish": "manage",
    }
    input_serializers = {
        "partial_update": DocumentVersionPatchIn,
        "send_for_sign_off": DocumentVersionStepIn,
        "sign": DocumentVersionStepIn,
        "publish": DocumentPublishIn,
    }
    serializer_class = DocumentVersionOut
    lookup_value_regex = "[0-9]+"

    def tenant_queryset(self):
        signatures = DocumentSignature.objects.for_partnership(self.ctx.partnership).select_related(
            "member__organisation", "person"
        )
        return (
            super()
            .tenant_queryset()
            .select_related("document")
            .prefetch_related(
                Prefetch("signatures", queryset=signatures.order_by("at", "id"), to_attr="all_signatures")
            )
            .order_by("document_id", "-created_at", "-pk")
        )

    def get_serializer_context(self):
        # A list leaves out who each version still waits for (a few queries each): its page says.
        return {**super().get_serializer_context(), "listing": getattr(self, "action", None) == "list"}

    def partial_update(self, request, *args, **kwargs):
        version = self.get_object()
        data = DocumentVersionPatchIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = _version_values(data.validated_data)
        expected = values.pop("version", None)
        version = services.version_save(self.ctx, version, expected_version=expected, **values)
        return Response(DocumentVersionOut(version).data)

    @action(detail=True, methods=["post"], url_path="send-for-sign-off")
    def send_for_sign_off(self, request, *args, **kwargs):
        version = self.get_object()
        data = DocumentVersionStepIn(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.send_for_sign_off(self.ctx, version, expected_version=data.validated_data.get("version"))
        return Response(DocumentVersionOut(version).data)

    @action(detail=True, methods=["get"])
    def signatures(self, request, *args, **kwargs):
        """Who has signed, who is waited for, and whether you may sign."""
        version = self.get_object()
        state = selectors.sign_off_state(version)
        return Response(
            {
                "level": state.level,
                "signatures": DocumentSignatureOut(state.signatures, many=True).data,
                "waiting_for": [member.pk for member in state.missing],
                "you_may_sign": bool(state.what) and GovernanceDocumentPolicy.can(self.ctx, "sign", version),
            }
        )

    @extend_schema(request=DocumentVersionStepIn, responses={200: DocumentVersionOut, 409: None})
    @signatures.mapping.post
    def sign(self, request, *args, **kwargs):
        """Sign the version for your member, from your seat."""
        data = DocumentVersionStepIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.sign(self.ctx, self.get_object(), expected_version=data.validated_data.get("version"))
        return Response(DocumentVersionOut(self.get_object()).data)  # read again, with the new signature

    @action(detail=True, methods=["post"])
    def publish(self, request, *args, **kwargs):
        version = self.get_object()
        data = DocumentPublishIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        expected = values.pop("version", None)
        version = services.publish(self.ctx, version, expected_version=expected, **values)
        return Response(DocumentVersionOut(version).data)
