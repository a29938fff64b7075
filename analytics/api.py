"""API of analytics (api.md): open data (anyone) and the research extract (approved
researchers). Thin: validate the filters, call the selector, stream or paginate."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.http import StreamingHttpResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import renderers, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasRole
from consent.access import require_researcher
from core import csv_files, formatting
from core.db import reads_from_replica

from . import extract, open_data, services
from .forms import ExtractFilterForm, OpenDataFilterForm

PUBLIC_URL_NAMES = {"api-open-data-adoptions", "api-open-data-certifications"}


class CSVRenderer(renderers.BaseRenderer):
    """Lets DRF's content negotiation accept ?format=csv; the views stream the CSV."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, (bytes, str)):
            return data
        return json.dumps(data, ensure_ascii=False).encode("utf-8")  # error bodies


class _Echo:
    def write(self, value: str) -> str:
        return value


def _valid_filters(form_class, request) -> dict:
    params = {k: v for k, v in request.query_params.items() if k not in ("format", "page", "page_size", "encoding", "labels")}
    if not params and not any(field.required for field in form_class.base_fields.values()):
        return {}  # what the form gives for no input, without building it (a cached page costs less than the form)
    form = form_class(params)
    if not form.is_valid():
        raise ValidationError({field: [str(m) for m in errors] for field, errors in form.errors.items()})
    return form.filters()


def _program_label(code) -> str:
    from applications.models import Program

    return str(Program(code).label) if code in Program.values else (code or "")


def _result_label(code) -> str:
    from applications.models import Application

    values = Application.ReviewResult
    return str(values(code).label) if code in values.values else (code or "")


# For people (?labels=1, the portal's own download links): the name beside each code, in a
# column of its own right after it; the contract's columns keep their names and order.
CODE_LABELS: dict[str, tuple[str, Callable[[Any], str]]] = {
    "prefecture": ("prefecture_name", formatting.prefecture_name),
    "program": ("program_name", _program_label),
    "result": ("result_name", _result_label),
}


def _stream_csv(header: Sequence[str], records: Iterable[dict[str, Any]], filename: str, *, encoding: str = "utf-8",
                labels: bool = False) -> StreamingHttpResponse:
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    columns: list[tuple[str, str, Callable[[Any], str] | None]] = []  # (output header, source field, label function or None)
    for name in header:
        columns.append((name, name, None))
        if labels and name in CODE_LABELS:
            label_name, label_of = CODE_LABELS[name]
            columns.append((label_name, name, label_of))

    def lines():
        yield writer.writerow([column for column, _field, _label in columns])
        for record in records:
            row = []
            for _column, field, label_of in columns:
                value = record[field]
                row.append("" if value is None else (label_of(value) if label_of else value))
            yield writer.writerow(row)

    response = StreamingHttpResponse(csv_files.encode_stream(lines(), encoding), content_type=csv_files.content_type(encoding))
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class OpenDataPagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


FILTER_PARAMETERS = [
    OpenApiParameter("fiscal_year", OpenApiTypes.INT), OpenApiParameter("prefecture", OpenApiTypes.STR),
    OpenApiParameter("program", OpenApiTypes.STR), OpenApiParameter("q", OpenApiTypes.STR, description="法人番号 or name"),
    OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"]),
    OpenApiParameter("labels", OpenApiTypes.STR, enum=["1", "0"],
                     description="CSV for people: a *_name column with the name beside each code column (adoptions: "
                                 "off unless 1, the contract fixes its header; certifications: on unless 0)"),
]


class AdoptionRecordSerializer(serializers.Serializer):
    """An adopted case: exactly the ※6 items of api.md (open_data.ADOPTION_FIELDS)."""

    corporate_number = serializers.CharField()
    name = serializers.CharField()
    prefecture = serializers.CharField()
    municipality = serializers.CharField()
    plan_title = serializers.CharField()
    program = serializers.CharField()
    fiscal_year = serializers.IntegerField(allow_null=True)
    round = serializers.IntegerField(allow_null=True)
    result = serializers.CharField()
    support_institution = serializers.CharField()


class CertificationRecordSerializer(serializers.Serializer):
    corporate_number = serializers.CharField()
    name = serializers.CharField()
    program = serializers.CharField()
    certified_on = serializers.DateField()


class _Page(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)


class AdoptionPageSerializer(_Page):
    results = AdoptionRecordSerializer(many=True)


class CertificationPageSerializer(_Page):
    results = CertificationRecordSerializer(many=True)


def _open_data_schema(page: type[serializers.Serializer]):
    return extend_schema(parameters=FILTER_PARAMETERS,
                         responses={(200, "application/json"): page, (200, "text/csv"): OpenApiTypes.STR})


class _OpenDataApi(APIView):
    """A public open-data list: JSON paginated, or the whole list as streamed CSV."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    renderer_classes = [renderers.JSONRenderer, CSVRenderer]
    list_rows = staticmethod(open_data.adoption_list)
    as_record = staticmethod(open_data.adoption_record)
    csv_fields: tuple[str, ...] | list[str] = open_data.ADOPTION_FIELDS
    csv_filename = "mirasapo-adoptions.csv"
    # api.md fixes the adoptions' CSV header: names beside codes only when asked (?labels=1).
    # No contract fixes the certifications' header: names beside codes unless ?labels=0.
    labels_by_default = False
    record_serializer: type[serializers.Serializer] = AdoptionRecordSerializer

    def get(self, request):
        filters = _valid_filters(OpenDataFilterForm, request)
        if request.query_params.get("format") == "csv":
            rows = self.list_rows(filters=filters)
            records = (self.as_record(v) for v in rows.iterator(chunk_size=2000))
            return _stream_csv(self.csv_fields, records, self.csv_filename,
                               encoding=csv_files.csv_encoding(request.query_params),
                               labels=request.query_params.get("labels", "1" if self.labels_by_default else "0") == "1")

        def compute() -> Any:
            # The release query is built only on a miss: building it (consent's conditions)
            # cost a cached page more than reading it from the cache.
            rows = self.list_rows(filters=filters)
            paginator = OpenDataPagination()
            page = paginator.paginate_queryset(rows, request, view=self)
            listed = [self.as_record(v) for v in page] if page is not None else []
            return paginator.get_paginated_response(self.record_serializer(listed, many=True).data).data

        # Cached per URL and invalidated on change (analytics.open_data.cached_page).
        return Response(open_data.cached_page(f"{type(self).__name__}|{request.build_absolute_uri()}", compute))


@_open_data_schema(AdoptionPageSerializer)
class OpenDataAdoptionsApi(_OpenDataApi):
    """Adopted subsidy cases: exactly the ※6 items (api.md). JSON paginated; CSV whole."""


@_open_data_schema(CertificationPageSerializer)
class OpenDataCertificationsApi(_OpenDataApi):
    """Certified procedures (経営力向上計画 etc.): only the fact and date, only with the opt-in."""

    list_rows = staticmethod(open_data.certification_list)
    as_record = staticmethod(open_data.certification_record)
    csv_fields = open_data.CERTIFICATION_FIELDS
    csv_filename = "mirasapo-certifications.csv"
    labels_by_default = True
    record_serializer = CertificationRecordSerializer


class ResearchExtractApi(APIView):
    """The ※5 extract for approved researchers, streamed; every download logged."""

    renderer_classes = [renderers.JSONRenderer, CSVRenderer]
    permission_classes = [HasRole.of("researcher")]

    @extend_schema(parameters=FILTER_PARAMETERS[:3], responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request):
        require_researcher(request.user)
        filters = _valid_filters(ExtractFilterForm, request)
        download = services.extract_download_start(user=request.user, filters=filters)

        def finish(rows: int, digest: str) -> None:
            services.extract_download_finish(download_id=download.pk, row_count=rows, sha256=digest)

        encoding = csv_files.csv_encoding(request.query_params)
        response = StreamingHttpResponse(extract.stream_extract(viewer=request.user, filters=filters, on_finish=finish, encoding=encoding),
                                         content_type=csv_files.content_type(encoding))
        response["Content-Disposition"] = f'attachment; filename="mirasapo-research-extract-{download.pk}.csv"'
        response["X-Extract-Id"] = str(download.pk)
        return response


urlpatterns = [
    # Heavy reads: on the read replica when one is configured (core/db.py).
    path("open-data/adoptions", reads_from_replica(OpenDataAdoptionsApi.as_view()), name="api-open-data-adoptions"),
    path("open-data/certifications", reads_from_replica(OpenDataCertificationsApi.as_view()), name="api-open-data-certifications"),
    path("research/extract", reads_from_replica(ResearchExtractApi.as_view()), name="api-research-extract"),
]
