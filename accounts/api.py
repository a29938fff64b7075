from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .permissions import AuthenticatedRequest
from .selectors import me_summary


class MeBusinessSerializer(serializers.Serializer[Any]):
    corporate_number = serializers.CharField(allow_null=True)  # a sole proprietor has none
    name = serializers.CharField()


class MeInstitutionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()


class MeSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField()
    roles = serializers.ListField(child=serializers.CharField())
    business = MeBusinessSerializer(allow_null=True)
    institution = MeInstitutionSerializer(allow_null=True)


class MeApi(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request: AuthenticatedRequest) -> Response:
        return Response(MeSerializer(me_summary(user=request.user)).data)


urlpatterns = [path("me", MeApi.as_view(), name="api-me")]
