"""``/api/executions/{id}/map-runs/``: a run's Distributed Map runs (DescribeMapRun's status and
counts, as of the run's last write), and the history of one child execution that ended."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import simulation


class MapRunListView(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT,
                   summary="A run's Map Runs: status and counts of child executions and items, running ones first")
    def get(self, request, execution_id: int):
        execution = simulation.execution_get(user=request.user, execution_id=execution_id)
        runs = simulation.execution_state(execution)["mapRuns"]
        return Response({"mapRuns": [{**run, "id": run["mapRunArn"].rsplit(":", 1)[-1]} for run in runs]})
