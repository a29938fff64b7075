"""The documents endpoints of api.md (section Documents), as thin as the pages."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasRole

from . import selectors, services
from .kinds import DocumentType
from .views import file_response


class UploadSerializer(serializers.Serializer):
    # The service checks presence, size and content so that the page and the API refuse
    # alike; here only the form of the fields.
    file = serializers.FileField(required=False, allow_empty_file=True, use_url=False)
    document_type = serializers.ChoiceField(choices=DocumentType.choices)
    issued_on = serializers.DateField(required=False, allow_null=True)
    valid_until = serializers.DateField(required=False, allow_null=True)


class DocumentSerializer(serializers.Serializer):
    """A document's metadata (api.md); the file itself is GET …/file."""

    id = serializers.IntegerField(source="pk")
    document_type = serializers.ChoiceField(choices=DocumentType.choices)
    name = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    issued_on = serializers.DateField(allow_null=True)


class DocumentListApi(APIView):
    permission_classes = [HasRole.of("business")]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={201: DocumentSerializer, 200: OpenApiResponse(DocumentSerializer, description="The same bytes were uploaded before: the existing document."),
                   400: OpenApiResponse(description="A type the content does not match, an empty file, one over the limit.")},
    )
    def post(self, request):
        serializer = UploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = services.document_upload(actor=request.user, uploaded_file=data.get("file"), document_type=data["document_type"],
                                          issued_on=data.get("issued_on"), valid_until=data.get("valid_until"))
        return Response(DocumentSerializer(result.document).data, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)

    @extend_schema(responses=DocumentSerializer(many=True))
    def get(self, request):
        documents = selectors.document_list(viewer=request.user, filters=request.query_params)
        return Response(DocumentSerializer(documents, many=True).data)


class DocumentDetailApi(APIView):
    permission_classes = [HasRole.of("business")]
    @extend_schema(responses=DocumentSerializer)
    def get(self, request, id: int):  # noqa: A002 - api.md names the parameter {id}
        return Response(DocumentSerializer(selectors.document_for_owner_or_404(viewer=request.user, document_id=id)).data)


class DocumentFileApi(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(
        OpenApiTypes.BINARY, description="The file itself, served with its own content type.")})
    def get(self, request, id: int):  # noqa: A002 - api.md names the parameter {id}
        document = services.document_read(viewer=request.user, document_id=id, channel="api")
        return file_response(document)


PUBLIC_URL_NAMES: set[str] = set()
urlpatterns = [
    path("documents", DocumentListApi.as_view(), name="api-documents"),
    path("documents/<int:id>", DocumentDetailApi.as_view(), name="api-document"),
    path("documents/<int:id>/file", DocumentFileApi.as_view(), name="api-document-file"),
]
