"""REST API of the check before a run: what in a test case no longer fits a version, and the
one-click fixes. Each view parses, calls one service or selector, and answers."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors, simulation
from ..api.parsers import BoundedJSONParser
from ..api.views import _valid, _workflow
from . import fit


class FixSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=fit.ACTIONS, help_text="rename, remove or add a mock")
    state = serializers.CharField(max_length=fit.MAX_STATE_NAME, trim_whitespace=False,
                                  help_text="the step whose mock is renamed, removed or added")
    to = serializers.CharField(required=False, max_length=fit.MAX_STATE_NAME, trim_whitespace=False,
                               help_text="rename: the step's name in this version")


def _target(request, workflow_id: int, number: int, test_case_id: int):
    workflow = _workflow(request, workflow_id)
    version = selectors.version_get(workflow=workflow, number=number)
    return workflow, version, simulation.test_case_get(workflow=workflow, test_case_id=test_case_id)


class TestCaseFitView(APIView):
    __test__ = False

    @extend_schema(responses=OpenApiTypes.OBJECT,
                   summary="What in a test case's mocks does not fit a version, in words, each with a fix")
    def get(self, request, workflow_id: int, number: int, test_case_id: int):
        workflow, version, tc = _target(request, workflow_id, number, test_case_id)
        return Response(fit.test_case_fit(user=request.user, workflow=workflow, test_case=tc, version=version))


class TestCaseFixView(APIView):
    __test__ = False
    parser_classes = [BoundedJSONParser]

    @extend_schema(request=FixSerializer, responses=OpenApiTypes.OBJECT,
                   summary="Apply one proposed fix to a test case's mocks (editors); answers the new fit")
    def post(self, request, workflow_id: int, number: int, test_case_id: int):
        workflow, version, tc = _target(request, workflow_id, number, test_case_id)
        selectors.require_edit(user=request.user, workflow=workflow)
        data = _valid(FixSerializer, request.data)
        tc = fit.test_case_fix(user=request.user, workflow=workflow, test_case=tc, version=version, **data)
        return Response(fit.test_case_fit(user=request.user, workflow=workflow, test_case=tc, version=version))
