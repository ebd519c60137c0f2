"""REST API views: parse the request, call one selector or service, shape the answer."""
from __future__ import annotations

import re

from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from interpreter.limits import DEFINITION_TEXT_BYTES

from ..glossary.selectors import glossary_applied
from .. import graph, selectors, services
from ..asl_io import export_json
from ..imports import services as imports
from ..suites.selectors import latest_by_version as latest_suite_by_version
from ..diagnostics import definition_problems
from ..errors import InvalidInput, NotFound
from ..models import Workflow, WorkflowVersion
from . import serializers as s
from .. import workpool
from .large import answer_large, large_body, parse_body, spliced
from .parsers import BoundedJSONParser, RawDefinitionParser
from .schema import ERROR

IMPORT_FORMATS = {"json": "json", "yaml": "yaml", "yml": "yaml", "tf": "terraform"}
IMPORT_PARAMETERS = [
    OpenApiParameter("machine", str, description="which state machine of a file holding several (its logical id, "
                                                 "Serverless key or Terraform label); default: the first"),
    OpenApiParameter("substitutions", str, description="values for the file's placeholders, as a JSON object "
                                                       "{\"LambdaArn\": \"arn:...\"}; others are kept as written"),
    OpenApiParameter("fill", str, enum=["suggested", "none"],
                     description="'suggested' fills every placeholder without a value with its suggestion"),
    OpenApiParameter("format_hint", str, enum=["json", "yaml", "terraform"]),
]


def _workflow(request, workflow_id: int) -> Workflow:
    return selectors.workflow_get(user=request.user, workflow_id=workflow_id)


def _read_upload(request) -> tuple[imports.Imported, str | None]:
    """The file in an import request (a multipart ``file``, or the raw body: JSON, YAML or
    Terraform), its placeholders filled as the request asks."""
    fmt = request.query_params.get("format_hint")
    filename = None
    options = request.query_params
    if request.content_type.startswith("multipart/") or request.content_type.startswith("application/x-www-form"):
        upload = request.FILES.get("file")
        if upload is None:
            raise InvalidInput("Send the definition as a file field named 'file', or as the request body.",
                               field="file")
        filename = upload.name
        ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        fmt = fmt or IMPORT_FORMATS.get(ext)
        # Read no more than the bound: import_read refuses what is over it.
        data = upload.read(DEFINITION_TEXT_BYTES + 1)
        options = {**{k: v for k, v in request.query_params.items()}, **{k: v for k, v in request.data.items()
                                                                          if isinstance(v, str)}}
    else:
        data = request.data  # bytes from RawDefinitionParser; DRF gives an empty dict for no body
        if not isinstance(data, (bytes, str)):
            data = b""
        if "yaml" in request.content_type:
            fmt = "yaml"
    imported = imports.import_read(
        data=data, fmt=fmt if fmt in ("json", "yaml", "terraform") else None, machine=options.get("machine"),
        substitutions=imports.substitutions_parse(options.get("substitutions")), fill=options.get("fill"))
    return imported, filename


class WorkflowListView(APIView):
    @extend_schema(responses=s.WorkflowSerializer(many=True), summary="Workflows you can see")
    def get(self, request):
        latest = WorkflowVersion.objects.filter(workflow=OuterRef("pk")).order_by("-number").values("number")[:1]
        workflows = list(selectors.workflow_list(user=request.user).annotate(latest_number=Subquery(latest)))
        roles = selectors.workflow_roles(user=request.user, workflows=workflows)
        return Response(s.WorkflowSerializer(workflows, many=True, context={"roles": roles}).data)

    @extend_schema(request=s.WorkflowCreateSerializer, responses={201: s.WorkflowSerializer, 422: ERROR},
                   summary="Create a workflow (with its first version)")
    def post(self, request):
        data = _valid(s.WorkflowCreateSerializer, request.data)
        workflow = services.workflow_create(owner=request.user, **data)
        return Response(s.WorkflowSerializer(workflow, context={"roles": {workflow.pk: "owner"}}).data,
                        status=status.HTTP_201_CREATED)


class WorkflowImportView(APIView):
    parser_classes = [MultiPartParser, FormParser, RawDefinitionParser]

    @extend_schema(
        request={"multipart/form-data": s.ImportFileSerializer, "application/json": OpenApiTypes.OBJECT,
                 "application/yaml": OpenApiTypes.STR},
        parameters=[OpenApiParameter("name", str, description="name of the new workflow"), *IMPORT_PARAMETERS],
        responses={201: s.WorkflowImportSerializer, 422: ERROR},
        summary="Import a state machine (ASL, SAM, CloudFormation, Serverless or Terraform; file or body) as a "
                "new workflow")
    def post(self, request):
        imported, filename = _read_upload(request)
        name = request.query_params.get("name") or (request.data.get("name") if filename else None)
        workflow = imports.import_workflow_create(owner=request.user, imported=imported, name=name,
                                                  filename=filename)
        body = s.WorkflowSerializer(workflow, context={"roles": {workflow.pk: "owner"}}).data
        return Response({**body, "import": imported.summary()}, status=status.HTTP_201_CREATED)


class ImportPreviewView(APIView):
    parser_classes = [MultiPartParser, FormParser, RawDefinitionParser]

    @extend_schema(
        request={"multipart/form-data": s.ImportFileSerializer, "application/json": OpenApiTypes.OBJECT,
                 "application/yaml": OpenApiTypes.STR},
        parameters=IMPORT_PARAMETERS, responses={200: s.ImportPreviewSerializer, 422: ERROR},
        summary="Read a file as an import would, without saving: its definition, state machines and placeholders")
    def post(self, request):
        imported, _ = _read_upload(request)
        return Response({"definition": imported.definition, "import": imported.summary()})


class WorkflowDetailView(APIView):
    @extend_schema(responses=s.WorkflowSerializer, summary="One workflow")
    def get(self, request, workflow_id: int):
        workflow = _workflow(request, workflow_id)
        return Response(self._out(request, workflow))

    @extend_schema(request=s.WorkflowUpdateSerializer, responses=s.WorkflowSerializer, summary="Rename or describe")
    def patch(self, request, workflow_id: int):
        workflow = _workflow(request, workflow_id)
        data = _valid(s.WorkflowUpdateSerializer, request.data)
        services.workflow_update(user=request.user, workflow=workflow, **data)
        return Response(self._out(request, workflow))

    @extend_schema(responses={204: None}, summary="Delete (owner only)")
    def delete(self, request, workflow_id: int):
        services.workflow_delete(user=request.user, workflow=_workflow(request, workflow_id))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _out(self, request, workflow):
        role = selectors.workflow_role(user=request.user, workflow=workflow)
        return s.WorkflowSerializer(workflow, context={"roles": {workflow.pk: role}}).data


class VersionListView(APIView):
    @extend_schema(responses=s.VersionSummarySerializer(many=True), summary="Versions, newest first")
    def get(self, request, workflow_id: int):
        workflow = _workflow(request, workflow_id)
        versions = list(selectors.version_list(workflow=workflow))
        rows = s.VersionSummarySerializer(versions, many=True, context=s.version_list_context(workflow)).data
        suites = latest_suite_by_version(workflow=workflow)
        for version, row in zip(versions, rows):
            run = suites.get(version.pk)
            row["suite"] = ({"id": run.pk, "passed": run.passed, "total": run.total, "summary": run.summary}
                            if run is not None else None)
        return Response(rows)

    @extend_schema(request=s.VersionCreateSerializer,
                   responses={201: s.VersionSerializer, 409: ERROR, 422: ERROR},
                   summary="Save a new version")
    def post(self, request, workflow_id: int):
        workflow = _workflow(request, workflow_id)
        selectors.require_edit(user=request.user, workflow=workflow)
        body = large_body(request)
        if body is None:
            data = _valid(s.VersionCreateSerializer, request.data)
            version = services.version_create(user=request.user, workflow=workflow, **data)
        else:
            # Parsed, checked, serialised and compared with the latest version in a child; here
            # only the writes (services.version_create finds the renames again if someone saved since).
            latest = selectors.version_latest(workflow=workflow)
            checked, message, base = workpool.run(
                version_checked, *body, latest.pk if latest else None, latest.definition_json if latest else None,
                what="Checking this definition")
            version = services.version_create(user=request.user, workflow=workflow, checked=checked, message=message,
                                              base_version=base)
        return version_answer(version, status=status.HTTP_201_CREATED)


def version_checked(body: bytes, encoding: str, previous_pk: int | None,
                    previous_text: str | None) -> tuple[services.CheckedDefinition, str, int | None]:
    """In a child: a save's body read as the small path reads it (the same errors), and the
    definition worked on (``services.definition_checked``); the message and base version too."""
    data = _valid(s.VersionCreateSerializer, parse_body(body, encoding))
    checked = services.definition_checked(definition=data["definition"], previous_pk=previous_pk,
                                          previous_text=previous_text)
    return checked, data["message"], data["base_version"]


def version_answer(version: WorkflowVersion, *, status: int = 200, extra: dict | None = None):
    """A version as VersionSerializer gives it; a large definition goes into the answer as stored
    text (large.spliced), not decoded and encoded again."""
    if not workpool.large_text(version.definition_json):
        return Response({**s.VersionSerializer(version).data, **(extra or {})}, status=status)
    data = {**s.VersionTextSerializer(version).data, **(extra or {})}
    return spliced(data, {"definition": version.definition_json}, status=status)


class VersionImportView(APIView):
    parser_classes = [MultiPartParser, FormParser, RawDefinitionParser]

    @extend_schema(
        request={"multipart/form-data": s.ImportFileSerializer, "application/json": OpenApiTypes.OBJECT,
                 "application/yaml": OpenApiTypes.STR},
        parameters=[OpenApiParameter("base_version", int, description="409 if a newer version exists"),
                    OpenApiParameter("message", str), *IMPORT_PARAMETERS],
        responses={201: s.VersionImportSerializer, 409: ERROR, 422: ERROR},
        summary="Import a state machine (ASL, SAM, CloudFormation, Serverless or Terraform) as the next version")
    def post(self, request, workflow_id: int):
        workflow = _workflow(request, workflow_id)
        selectors.require_edit(user=request.user, workflow=workflow)
        base = request.query_params.get("base_version")
        if base is not None and not (base.isascii() and base.isdigit()):
            raise InvalidInput("base_version must be a version number.", field="base_version")
        imported, filename = _read_upload(request)
        version = imports.import_version_create(
            user=request.user, workflow=workflow, imported=imported, message=request.query_params.get("message"),
            filename=filename, base_version=int(base) if base is not None else None)
        return version_answer(version, status=status.HTTP_201_CREATED, extra={"import": imported.summary()})


class VersionDetailView(APIView):
    @extend_schema(responses=s.VersionSerializer, summary="One version with its definition and problems")
    def get(self, request, workflow_id: int, number: int):
        workflow = _workflow(request, workflow_id)
        return version_answer(selectors.version_get(workflow=workflow, number=number))


class VersionExportView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=["asl", "svg", "png"])],
        responses={(200, "application/json"): OpenApiTypes.OBJECT, (200, "image/svg+xml"): OpenApiTypes.STR,
                   (200, "image/png"): OpenApiTypes.BINARY, 422: ERROR},
        summary="Download a version as ASL JSON (AWS key order), SVG or PNG")
    def get(self, request, workflow_id: int, number: int, fmt: str):
        if fmt not in ("asl", "svg", "png"):
            raise NotFound(f"Unknown export format '{fmt}': use asl, svg or png.")
        workflow = _workflow(request, workflow_id)
        version = selectors.version_get(workflow=workflow, number=number)
        base = f"{_filename(workflow.name)}-v{version.number}"
        if fmt == "asl":
            response = HttpResponse(export_json(version.definition), content_type="application/json; charset=utf-8")
            ext = "asl.json"
        elif fmt == "svg":
            response = HttpResponse(graph.svg_document(graph.render_svg(version.definition, version.problems)),
                                    content_type="image/svg+xml; charset=utf-8")
            ext = "svg"
        else:
            response = HttpResponse(graph.render_png(version.definition, version.problems), content_type="image/png")
            ext = "png"
        response["Content-Disposition"] = f'attachment; filename="{base}.{ext}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


class DraftView(APIView):
    @extend_schema(responses={200: s.DraftSerializer, 404: OpenApiResponse(description="no draft")},
                   summary="Your autosaved draft")
    def get(self, request, workflow_id: int):
        workflow = _workflow(request, workflow_id)
        draft = selectors.draft_get(workflow=workflow, user=request.user)
        if draft is None:
            return Response({"error": "not_found", "detail": "You have no draft of this workflow."},
                            status=status.HTTP_404_NOT_FOUND)
        return Response(s.DraftSerializer({"definition": draft.definition, "base_version": draft.base_version,
                                           "updated": draft.updated}).data)

    @extend_schema(request=s.DraftSerializer, responses={200: s.DraftSerializer, 422: ERROR}, summary="Autosave your draft")
    def put(self, request, workflow_id: int):
        workflow = _workflow(request, workflow_id)
        selectors.require_edit(user=request.user, workflow=workflow)
        data = _valid(s.DraftSerializer, request.data)
        draft = services.draft_save(user=request.user, workflow=workflow, **data)
        return Response(s.DraftSerializer({"definition": draft.definition, "base_version": draft.base_version,
                                           "updated": draft.updated}).data)

    @extend_schema(responses={204: None}, summary="Discard your draft")
    def delete(self, request, workflow_id: int):
        workflow = _workflow(request, workflow_id)
        services.draft_discard(user=request.user, workflow=workflow)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ValidateView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(request=s.DefinitionRequestSerializer, responses={200: s.ValidateResponseSerializer, 422: ERROR},
                   summary="Check a definition")
    def post(self, request):
        return answer_large(request, validate_answer, what="Checking this definition") or \
            Response(validate_answer(request.data))


def validate_answer(data) -> dict:
    definition = _valid(s.DefinitionRequestSerializer, data)["definition"]
    problems = definition_problems(definition)
    return {"valid": not any(p["severity"] == "error" for p in problems), "problems": problems}


class RenderView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(request=s.RenderRequestSerializer, responses={200: s.RenderResponseSerializer, 422: ERROR},
                   summary="Draw a definition as SVG, with its problems marked and its data in plain words")
    def post(self, request):
        return answer_large(request, render_answer, what="Drawing this definition") or \
            Response(render_answer(request.data))


def render_answer(data) -> dict:
    data = _valid(s.RenderRequestSerializer, data)
    definition = data["definition"]
    problems = definition_problems(definition)
    glossary = glossary_applied(definition, data["glossary"])
    return {"svg": graph.render_svg(definition, problems, glossary=glossary), "problems": problems,
            "hash": graph.definition_hash(definition, problems, glossary=glossary)}


def _valid(serializer_class, data) -> dict:
    if not isinstance(data, dict):
        raise InvalidInput("The request body must be a JSON object.")
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _filename(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-")[:80] or "workflow"
