"""``/api/workflows/{id}/glossary/``: read the data glossary (members), give fields names (editors)."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors
from ..api.parsers import BoundedJSONParser
from ..api.views import _valid, _workflow
from . import services
from .selectors import glossary_terms


class TermSerializer(serializers.Serializer):
    path = serializers.CharField()
    name = serializers.CharField()
    proposed = serializers.BooleanField(help_text="the name is proposed from the path; nobody wrote it")
    read = serializers.BooleanField(help_text="the latest version reads this field")


class GlossarySerializer(serializers.Serializer):
    terms = TermSerializer(many=True)


class GlossaryUpdateSerializer(serializers.Serializer):
    terms = serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=200),
                                  help_text='{"$.checks[0].flagged": "the identity check flagged it"}; "" goes back to the proposal')


def _answer(workflow) -> Response:
    latest = selectors.version_latest(workflow=workflow)
    definition = latest.definition if latest else {}
    return Response({"terms": glossary_terms(workflow_id=workflow.pk, definition=definition)})


class GlossaryView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(responses=GlossarySerializer, summary="The data glossary: a plain name for each field the workflow reads")
    def get(self, request, workflow_id: int):
        return _answer(_workflow(request, workflow_id))

    @extend_schema(request=GlossaryUpdateSerializer, responses=GlossarySerializer, summary="Name fields in plain words")
    def put(self, request, workflow_id: int):
        workflow = _workflow(request, workflow_id)
        data = _valid(GlossaryUpdateSerializer, request.data)
        services.glossary_set(user=request.user, workflow=workflow, terms=data["terms"])
        return _answer(workflow)
