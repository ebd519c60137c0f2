"""``/api/executions/{id}/map-runs/``: a run's Distributed Map runs (DescribeMapRun's status and
counts, as of the run's last write), and the history of one child execution that ended."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import simulation
from ..errors import NotFound
from . import store


class MapRunListView(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT,
                   summary="A run's Map Runs: status and counts of child executions and items, running ones first")
    def get(self, request, execution_id: int):
        execution = simulation.execution_get(user=request.user, execution_id=execution_id)
        runs = simulation.execution_state(execution)["mapRuns"]
        return Response({"mapRuns": [{**run, "id": run["mapRunArn"].rsplit(":", 1)[-1]} for run in runs]})


class ChildHistoryView(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
                   summary="The history of one child execution of a Map Run (by its index), once it has ended")
    def get(self, request, execution_id: int, map_run_id: str, index: int):
        execution = simulation.execution_get(user=request.user, execution_id=execution_id)
        history = store.child_history(execution.pk, map_run_id, index)
        if history is None:
            raise NotFound("No history is stored for this child execution: it has not ended yet, or there is "
                           "no such Map Run or child.")
        return Response(history)
