from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .selectors import me_summary


class MeApi(APIView):
    @extend_schema(
        responses=inline_serializer(
            "Me",
            {
                "email": serializers.EmailField(),
                "roles": serializers.ListField(child=serializers.CharField()),
                "business": serializers.DictField(allow_null=True),
                "institution": serializers.DictField(allow_null=True),
            },
        )
    )
    def get(self, request):
        return Response(me_summary(user=request.user))


urlpatterns = [path("me", MeApi.as_view(), name="api-me")]
