"""REST API: the structural diff of two versions, and a version in plain words."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from interpreter.explain import explain

from ..api import serializers as s
from ..api.large import answer_large
from ..api.parsers import BoundedJSONParser
from ..api.schema import ERROR
from ..api.views import _valid
from ..glossary.selectors import glossary_applied

from . import selectors as compare

FROM = OpenApiParameter("from", int, required=True, description="the earlier version's number")
TO = OpenApiParameter("to", int, required=True, description="the later version's number")
TO_WORKFLOW = OpenApiParameter("to_workflow", int, required=False,
                               description="the workflow of `to`, when given: it must be this one (400 otherwise)")


def pair_from(request, workflow_id: int) -> compare.VersionPair:
    params = request.query_params
    other = params.get("to_workflow")
    return compare.version_pair_get(
        user=request.user, workflow_id=workflow_id,
        old_number=compare.number_param(params.get("from"), "from"),
        new_number=compare.number_param(params.get("to"), "to"),
        new_workflow_id=compare.number_param(other, "to_workflow") if other not in (None, "") else None)


class CompareView(APIView):
    @extend_schema(parameters=[FROM, TO, TO_WORKFLOW], responses=OpenApiTypes.OBJECT,
                   summary="What changed from one version to another",
                   description="`summary` (\"2 steps added, 1 removed, 3 changed\", or \"No changes\"); `states`: "
                               "each added, removed, renamed or changed state at any nesting level with its "
                               "changes in words (`changes`) and as JSON Pointers with old and new values "
                               "(`fields`); `edges` added and removed; `top`-level changes; `renames`; each "
                               "version's `problems` (versions that do not validate are compared too).")
    def get(self, request, workflow_id: int):
        return Response(compare.compare_report(pair=pair_from(request, workflow_id)))


class NarrativeView(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, summary="A version in plain words",
                   description="Numbered steps in reading order (`steps`, nested parts under `groups`), the "
                               "introduction (`intro`), and the whole as text (`text`).")
    def get(self, request, workflow_id: int, number: int):
        version, narrative = compare.narrative_get(user=request.user, workflow_id=workflow_id, number=number)
        return Response({"version": version.number, **narrative.as_dict()})


class BehaviourView(APIView):
    @extend_schema(parameters=[FROM, TO, TO_WORKFLOW], responses={200: OpenApiTypes.OBJECT, 422: ERROR},
                   summary="What the saved test cases do on each of two versions",
                   description="Every saved test case run on both versions (mocks, virtual clock, bounded): per "
                               "case the outcome `before` and `after` (status, output or error, path of states "
                               "entered, whether its expectations are met, `misfits`: mocks that no longer fit, "
                               "by name), whether the outcome or the path changed, the first point where the "
                               "paths part (`divergence`), and all of it in words (`words`).")
    def get(self, request, workflow_id: int):
        return Response(compare.behaviour_report(pair=pair_from(request, workflow_id)))


class ExplainView(APIView):
    """What the editor's Read tab shows for the definition being edited (saved or not)."""
    parser_classes = [BoundedJSONParser]

    @extend_schema(request=s.RenderRequestSerializer, responses={200: OpenApiTypes.OBJECT, 422: ERROR},
                   summary="A definition in plain words",
                   description="The narrative of any definition, valid or not (the same shape as a version's "
                               "narrative): what the editor's Read tab shows while you edit. With `glossary` "
                               "(the workflow's names for data fields), data is called by those names, as the "
                               "graph's Choice labels call it.")
    def post(self, request):
        return answer_large(request, explain_answer, what="Putting this definition in words") or \
            Response(explain_answer(request.data))


def explain_answer(data) -> dict:
    data = _valid(s.RenderRequestSerializer, data)
    definition = data["definition"]
    return explain(definition, glossary_applied(definition, data["glossary"])).as_dict()
