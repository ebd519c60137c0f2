"""Shapes of the API's requests and answers. No logic: services and selectors do the work."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..asl_io import check_shape, read_definition
from ..models import Membership, Role, Workflow, WorkflowVersion
from ..review import selectors as review_selectors
from ..review.serializers import ReviewSummarySerializer


@extend_schema_field(OpenApiTypes.OBJECT)
class DefinitionField(serializers.Field):
    """An ASL definition: a JSON object, or JSON/YAML text holding one."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            return read_definition(data)
        if not isinstance(data, dict):
            raise serializers.ValidationError("Expected an ASL definition: a JSON object with StartAt and States.")
        check_shape(data)
        return data

    def to_representation(self, value):
        return value


class ProblemSerializer(serializers.Serializer):
    code = serializers.CharField()
    severity = serializers.ChoiceField(choices=["error", "warning"])
    pointer = serializers.CharField(allow_blank=True)
    state = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class WorkflowSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", read_only=True)
    type = serializers.ChoiceField(source="workflow_type", choices=["STANDARD", "EXPRESS"], read_only=True,
                                   help_text="the type it is deployed as; simulated runs default to it")
    role = serializers.SerializerMethodField()
    latest_version = serializers.SerializerMethodField()

    class Meta:
        model = Workflow
        fields = ["id", "name", "description", "type", "owner", "role", "latest_version", "created", "updated"]
        read_only_fields = ["id", "owner", "created", "updated"]

    def get_role(self, obj) -> str | None:
        return self.context.get("roles", {}).get(obj.pk)

    def get_latest_version(self, obj) -> int | None:
        if hasattr(obj, "latest_number"):  # annotated by the list view: one query for the whole list
            return obj.latest_number
        return obj.versions.order_by("-number").values_list("number", flat=True).first()


class WorkflowCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    type = serializers.ChoiceField(choices=["STANDARD", "EXPRESS"], required=False, default="STANDARD",
                                   source="workflow_type")
    definition = DefinitionField(required=False)
    message = serializers.CharField(required=False, allow_blank=True, default="First version", max_length=2000)


class WorkflowUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    type = serializers.ChoiceField(choices=["STANDARD", "EXPRESS"], required=False, source="workflow_type")


class VersionSerializer(serializers.ModelSerializer):
    """A version. Its review status and whether it is the released one are read per version,
    unless the context has them for all (``reviews``: number -> summary, ``released``: number)."""

    author = serializers.CharField(source="author.username", read_only=True, default=None, allow_null=True)
    definition = serializers.JSONField(read_only=True)
    problems = ProblemSerializer(many=True, read_only=True)
    is_valid = serializers.BooleanField(read_only=True)
    review = serializers.SerializerMethodField(help_text="where its newest review stands (null: never reviewed)")
    is_released = serializers.SerializerMethodField(help_text="the workflow's released version")

    class Meta:
        model = WorkflowVersion
        fields = ["number", "definition", "author", "message", "created", "problems", "is_valid", "review",
                  "is_released"]

    @extend_schema_field(ReviewSummarySerializer(allow_null=True))
    def get_review(self, obj):
        reviews = self.context.get("reviews")
        return reviews.get(obj.number) if reviews is not None else review_selectors.version_review(version=obj)

    def get_is_released(self, obj) -> bool:
        if "released" in self.context:
            return self.context["released"] == obj.number
        released = review_selectors.version_released(workflow=obj.workflow)
        return released is not None and released.pk == obj.pk


class VersionTextSerializer(VersionSerializer):
    """VersionSerializer with the definition left null, for an answer that puts the stored text
    there itself (``api/large.py``: ``spliced``)."""

    definition = serializers.SerializerMethodField()

    def get_definition(self, obj) -> None:
        return None


class VersionSummarySerializer(VersionSerializer):
    class Meta(VersionSerializer.Meta):
        fields = ["number", "author", "message", "created", "is_valid", "review", "is_released"]


def version_list_context(workflow) -> dict:
    """What VersionSummarySerializer needs for a whole list, read once."""
    released = review_selectors.version_released(workflow=workflow)
    return {"reviews": review_selectors.version_reviews(workflow=workflow),
            "released": released.number if released else None}


class VersionCreateSerializer(serializers.Serializer):
    definition = DefinitionField()
    message = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    base_version = serializers.IntegerField(
        allow_null=True, min_value=0, max_value=2**31 - 1,
        help_text="The version number the change started from; if a newer one exists the answer is 409.")


class DraftSerializer(serializers.Serializer):
    definition = DefinitionField()
    base_version = serializers.IntegerField(allow_null=True, min_value=0, max_value=2**31 - 1, required=False,
                                            default=None)
    updated = serializers.DateTimeField(read_only=True)


class MembershipSerializer(serializers.ModelSerializer):
    user_id = serializers.IntegerField(source="user.id", read_only=True)
    username = serializers.CharField(source="user.username")
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        model = Membership
        fields = ["user_id", "username", "role"]


class DefinitionRequestSerializer(serializers.Serializer):
    definition = DefinitionField()


class RenderRequestSerializer(DefinitionRequestSerializer):
    glossary = serializers.DictField(child=serializers.CharField(max_length=200), required=False, default=dict,
                                     help_text="the workflow's names for data fields (path -> name); other fields "
                                               "the definition reads get proposed names")

    def validate_glossary(self, value):
        if len(value) > 500:
            raise serializers.ValidationError("At most 500 names.")
        if any(len(k) > 500 for k in value):
            raise serializers.ValidationError("A path is at most 500 characters.")
        return value


class ValidateResponseSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    problems = ProblemSerializer(many=True)


class RenderResponseSerializer(serializers.Serializer):
    svg = serializers.CharField()
    problems = ProblemSerializer(many=True)
    hash = serializers.CharField()


class ImportFileSerializer(serializers.Serializer):
    file = serializers.FileField(required=False, help_text="ASL as JSON or YAML, or a SAM, CloudFormation, "
                                                           "Serverless or Terraform file")
    name = serializers.CharField(required=False)
    machine = serializers.CharField(required=False)
    substitutions = serializers.CharField(required=False, help_text="a JSON object of placeholder names and values")
    fill = serializers.ChoiceField(choices=["suggested", "none"], required=False)


class PlaceholderSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="what is between ${ and }")
    token = serializers.CharField(help_text="the placeholder as written: ${name}")
    origin = serializers.CharField(help_text="where the real value comes from, in plain words")
    suggestion = serializers.JSONField(allow_null=True, help_text="a value that lets the workflow run")
    pointers = serializers.ListField(child=serializers.CharField())
    states = serializers.ListField(child=serializers.CharField())
    filled = serializers.BooleanField()
    value = serializers.JSONField(allow_null=True, help_text="the value filled in, when filled")


class ImportSummarySerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=["asl", "sam", "cloudformation", "serverless", "terraform", "aws-cli"])
    machine = serializers.CharField(allow_null=True)
    machines = serializers.ListField(child=serializers.CharField())
    type = serializers.ChoiceField(choices=["STANDARD", "EXPRESS"], allow_null=True,
                                   help_text="the workflow type the file declares, if any")
    placeholders = PlaceholderSerializer(many=True)


class _WithImport:
    """Adds ``import`` (a Python keyword, hence not a class attribute) to a serializer's fields."""

    def get_fields(self):
        fields = super().get_fields()
        fields["import"] = ImportSummarySerializer(read_only=True)
        return fields


class ImportPreviewSerializer(_WithImport, serializers.Serializer):
    definition = serializers.JSONField(help_text="the definition, with the placeholders given values filled")


class WorkflowImportSerializer(_WithImport, WorkflowSerializer):
    pass


class VersionImportSerializer(_WithImport, VersionSerializer):
    pass


# --- simulation -----------------------------------------------------------------------------

class TestCaseSerializer(serializers.Serializer):
    __test__ = False

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=200)
    input = serializers.JSONField(required=False, default=dict)
    mock_config = serializers.JSONField(required=False, default=dict,
                                        help_text="a Step Functions Local mock config")
    mock_test_case = serializers.CharField(required=False, allow_blank=True, default="", max_length=200,
                                           help_text="the test case inside mock_config (default: name)")
    created = serializers.DateTimeField(read_only=True)


class ExecutionStartSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1,
                                       help_text="default: the latest version")
    input = serializers.JSONField(required=False, help_text="default: the test case's input, or {}")
    test_case = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1,
                                         help_text="a saved test case's id")
    mock_config = serializers.JSONField(required=False, help_text="instead of a saved test case's")
    mock_test_case = serializers.CharField(required=False, allow_blank=True, max_length=200)
    manual_callbacks = serializers.BooleanField(
        required=False, default=True,
        help_text="leave .waitForTaskToken tasks unmocked, so the run waits for a person's answer")
    unmocked = serializers.ChoiceField(
        choices=["fail", "return_input", "empty", "ask"], required=False, default="fail",
        help_text="what a Task with no mocked answer does: fail (stop the run), return_input (return its input; "
                  "a .sync job comes back finished), empty (return {}) or ask (wait for a person, like a callback)")
    type = serializers.ChoiceField(
        choices=["STANDARD", "EXPRESS"], required=False,
        help_text="run as a STANDARD or EXPRESS workflow (default: the workflow's type); EXPRESS refuses "
                  ".sync, .waitForTaskToken and activities as AWS does and ends a run after five minutes")
    breakpoints = serializers.ListField(child=serializers.CharField(max_length=200), required=False, default=list)
    speed = serializers.FloatField(required=False, default=0, min_value=0, max_value=1000,
                                   help_text="transitions per second while continuing; 0: as fast as possible")
    seed = serializers.IntegerField(required=False, min_value=0, max_value=2**62)


class ExecutionSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    version = serializers.IntegerField(source="version.number")
    test_case = serializers.CharField(source="test_case.name", default=None, allow_null=True)
    status = serializers.CharField()
    mode = serializers.CharField()
    started_by = serializers.CharField(source="started_by.username", default=None, allow_null=True)
    created = serializers.DateTimeField()
    last_seq = serializers.IntegerField()


class CommandSerializer(serializers.Serializer):
    command = serializers.ChoiceField(choices=["step", "continue", "pause", "abort", "set_breakpoints", "set_speed",
                                               "send_task_success", "send_task_failure", "redrive"])
    breakpoints = serializers.ListField(child=serializers.CharField(), required=False)
    speed = serializers.FloatField(required=False)
    let_time_pass = serializers.BooleanField(required=False, help_text="step: fire a waiting callback's timeout")
    token = serializers.CharField(required=False)
    output = serializers.JSONField(required=False)
    error = serializers.CharField(required=False, allow_blank=True)
    cause = serializers.CharField(required=False, allow_blank=True)
    mock_override = serializers.JSONField(required=False, allow_null=True,
                                          help_text="redrive: see RedriveSerializer")


class MockOverrideSerializer(serializers.Serializer):
    state = serializers.CharField(help_text="a Task step of the run's version (usually the one that failed)")
    response = serializers.JSONField(help_text='its mocked answer, keyed by call number from 0 as in a mock config: '
                                               '{"0": {"Return": {...}}} or {"0": {"Throw": {"Error": "...", "Cause": "..."}}}; '
                                               'a single {"Return": ...} answers the next call')


class RedriveSerializer(serializers.Serializer):
    mock_override = MockOverrideSerializer(required=False, allow_null=True,
                                           help_text="change this step's mocked answer before going on "
                                                     "(its call numbers, like every mock's, start again at 0)")
