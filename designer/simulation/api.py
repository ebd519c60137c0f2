"""``/api/workflows/{id}/proposed-input/``: the starting input the simulate panel proposes."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors
from ..api.views import _workflow
from ..errors import InvalidInput
from .proposal import proposed_input

MODES = ("fail", "return_input", "empty", "ask")


class ProposedInputView(APIView):
    @extend_schema(parameters=[
        OpenApiParameter("version", int, description="default: the latest version"),
        OpenApiParameter("unmocked", str, enum=list(MODES),
                         description="what Tasks with no mocked answer do in the runs trying it (default return_input)")],
        responses=OpenApiTypes.OBJECT,
        summary="A starting input proposed from the fields the workflow reads, as a form's fields")
    def get(self, request, workflow_id: int):
        workflow = _workflow(request, workflow_id)
        unmocked = request.query_params.get("unmocked", "return_input")
        if unmocked not in MODES:
            raise InvalidInput(f"unmocked is one of {', '.join(MODES)}.", field="unmocked")
        number = request.query_params.get("version")
        if number is not None:
            if not number.isdigit() or not 0 < int(number) < 2**31:
                raise InvalidInput("version is a version number.", field="version")
            version = selectors.version_get(workflow=workflow, number=int(number))
        else:
            version = selectors.version_latest(workflow=workflow)
            if version is None:
                raise InvalidInput("This workflow has no version yet.", field="version")
        return Response(proposed_input(workflow=workflow, version=version, unmocked=unmocked))
