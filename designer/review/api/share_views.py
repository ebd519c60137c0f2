"""REST API of a share link, for people without an account: read what the link points at (a
version, or a run and its version), its workflow's comments, and a run's events and data flow.
Nothing else: any other method answers 403, a revoked, expired or unknown link 404."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import SAFE_METHODS, AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from ... import simulation, timeline
from ...api.simulation_views import EVENTS_PAGE, dataflow
from ...errors import Forbidden, InvalidInput, NotFound
from .. import selectors, sharing
from ..serializers import CommentSerializer, comments_out
from .views import _query_int


class ShareAPIView(APIView):
    authentication_classes: list = []  # the link is the credential; no session, no token
    permission_classes = [AllowAny]
    link = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method not in SAFE_METHODS:
            raise Forbidden("A share link only lets you read: sign in as a member to comment or change anything.")
        self.link = sharing.share_link_open(kwargs.get("token"))

    def _execution(self):
        if self.link.execution_id is None:
            raise NotFound("This link is to a version, not a run.")
        execution = self.link.execution
        execution.refresh_from_db()
        return execution


class ShareView(ShareAPIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, summary="What a share link shows: the version (and the run)")
    def get(self, request, token: str):
        link = self.link
        version = link.version
        body = {"workflow": link.workflow.name, "version": version.number, "definition": version.definition,
                "problems": version.problems, "expires": link.expires, "kind": "run" if link.execution_id else "version"}
        if link.execution_id:
            execution = self._execution()
            body["execution"] = simulation.execution_state(execution)
        return Response(body)


class ShareCommentsView(ShareAPIView):
    @extend_schema(responses=CommentSerializer(many=True), summary="The workflow's comments, read-only")
    def get(self, request, token: str):
        workflow = self.link.workflow
        return Response(comments_out(selectors.comment_list(workflow=workflow), workflow=workflow))


class ShareEventsView(ShareAPIView):
    @extend_schema(parameters=[OpenApiParameter("after", int), OpenApiParameter("limit", int)],
                   responses=OpenApiTypes.OBJECT, summary="A shared run's events, oldest first")
    def get(self, request, token: str):
        execution = self._execution()
        after = min(_query_int(request, "after", 0), 2**31 - 1)
        limit = min(_query_int(request, "limit", EVENTS_PAGE) or EVENTS_PAGE, EVENTS_PAGE)
        rows = [timeline.event_row(e) for e in simulation.execution_events_after(execution=execution, after=after,
                                                                              limit=limit)]
        return Response({"events": rows, "lastSeq": execution.last_seq,
                         "more": bool(rows) and rows[-1]["id"] < execution.last_seq})


class ShareDataFlowView(ShareAPIView):
    @extend_schema(parameters=[OpenApiParameter("state", str, required=True)], responses=OpenApiTypes.OBJECT,
                   summary="A step's data flow in a shared run")
    def get(self, request, token: str):
        name = request.query_params.get("state")
        if name is not None and len(name) > 200:
            raise InvalidInput("There is no step with so long a name.", field="state")
        return Response(dataflow(self._execution(), name))
