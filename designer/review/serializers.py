"""The shapes of comments, reviews, activity, share links and notifications: one definition for
the REST API, the live feed's frames and the pages' embedded data (so they cannot drift apart)."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..suites.selectors import version_tests
from . import selectors, words
from .links import share_link_path, share_link_state
from .models import Activity, Comment, EdgeKind, Notification, ReviewAnswer, ReviewRequest, ShareLink


class EdgeSerializer(serializers.Serializer):
    source = serializers.CharField(help_text="the step the arrow leaves")
    to = serializers.CharField(help_text="the step it goes to")
    kind = serializers.ChoiceField(choices=EdgeKind.choices)

    def to_representation(self, instance):
        return {"source": instance["source"], "to": instance["to"], "kind": instance["kind"]}


class CommentSerializer(serializers.ModelSerializer):
    """A comment. Give ``context={"states": names of the latest version}`` to say whether its step
    is still there (``on_removed_step``)."""

    thread = serializers.SerializerMethodField(help_text="the id of the thread's first comment")
    version = serializers.IntegerField(source="version.number", help_text="the version it was written on")
    author = serializers.CharField(source="author.username", default=None, allow_null=True)
    state = serializers.CharField(source="state_name", help_text="the step, by its current name ('' for none)")
    edge = serializers.SerializerMethodField()
    written_on_state = serializers.CharField(source="written_state_name",
                                             help_text="the step's name when the comment was written")
    text = serializers.SerializerMethodField(help_text="plain text; empty once deleted")
    is_deleted = serializers.SerializerMethodField()
    is_resolved = serializers.SerializerMethodField()
    resolved_by = serializers.CharField(source="resolved_by.username", default=None, allow_null=True)
    on_removed_step = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = ["id", "thread", "parent", "version", "author", "anchor", "state", "edge", "written_on_state",
                  "text", "mentions", "created", "edited", "is_deleted", "deleted", "is_resolved", "resolved",
                  "resolved_by", "on_removed_step"]

    def get_thread(self, obj) -> int:
        return obj.parent_id or obj.pk

    @extend_schema_field(EdgeSerializer(allow_null=True))
    def get_edge(self, obj):
        if obj.anchor != "edge":
            return None
        return {"source": obj.state_name, "to": obj.edge_to, "kind": obj.edge_kind}

    def get_text(self, obj) -> str:
        return "" if obj.deleted else obj.text

    def get_is_deleted(self, obj) -> bool:
        return obj.deleted is not None

    def get_is_resolved(self, obj) -> bool:
        return obj.resolved is not None

    def get_on_removed_step(self, obj) -> bool:
        states = self.context.get("states")
        if states is None or obj.anchor == "workflow":
            return False
        return obj.state_name not in states or (obj.anchor == "edge" and obj.edge_to not in states)


class AnswerSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.username")

    class Meta:
        model = ReviewAnswer
        fields = ["reviewer", "decision", "comment", "answered"]


class ReviewSummarySerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=["in_review", "approved", "changes_requested", "superseded", "withdrawn"])
    label = serializers.CharField()
    approved = serializers.IntegerField()
    changes_requested = serializers.IntegerField()
    reviewers = serializers.IntegerField()
    approved_by_all = serializers.BooleanField(help_text="every reviewer approved (a superseded review too)")
    request = serializers.IntegerField()


class TestsSerializer(serializers.Serializer):
    suiteRun = serializers.IntegerField()
    passed = serializers.IntegerField()
    total = serializers.IntegerField()
    summary = serializers.CharField(help_text="'12/12 pass'")
    created = serializers.DateTimeField()


class ReviewSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="version.number")
    requested_by = serializers.CharField(source="requested_by.username", default=None, allow_null=True)
    superseded_by = serializers.IntegerField(source="superseded_by.number", default=None, allow_null=True)
    answers = AnswerSerializer(many=True)
    summary = serializers.SerializerMethodField()
    tests = serializers.SerializerMethodField(
        help_text="the version's newest suite run (passed, total, summary such as '12/12 pass'); null if never run")

    class Meta:
        model = ReviewRequest
        fields = ["id", "version", "requested_by", "message", "status", "superseded_by", "created", "closed",
                  "answers", "summary", "tests"]

    @extend_schema_field(ReviewSummarySerializer)
    def get_summary(self, obj):
        return selectors.review_summary(obj)

    @extend_schema_field(TestsSerializer(allow_null=True))
    def get_tests(self, obj):
        return version_tests(version=obj.version)


class ActivitySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)
    version = serializers.IntegerField(source="version_number", allow_null=True)
    words = serializers.SerializerMethodField(help_text="what happened, in a sentence")

    class Meta:
        model = Activity
        fields = ["seq", "kind", "actor", "version", "comment", "review", "data", "created", "words"]

    def get_words(self, obj) -> str:
        return words.activity_words(obj)


class ShareLinkSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="the link to give out (opens without an account)")
    version = serializers.IntegerField(source="version.number", default=None, allow_null=True)
    execution = serializers.IntegerField(source="execution_id", default=None, allow_null=True)
    created_by = serializers.CharField(source="created_by.username", default=None, allow_null=True)
    revoked_by = serializers.CharField(source="revoked_by.username", default=None, allow_null=True)
    state = serializers.SerializerMethodField(help_text="active, expired or revoked")

    class Meta:
        model = ShareLink
        fields = ["id", "url", "label", "version", "execution", "created_by", "created", "expires", "revoked",
                  "revoked_by", "last_used", "uses", "state"]

    def get_url(self, obj) -> str:
        request = self.context.get("request")
        path = share_link_path(obj)
        return request.build_absolute_uri(path) if request is not None else path

    def get_state(self, obj) -> str:
        return share_link_state(obj)


class NotificationSerializer(serializers.ModelSerializer):
    workflow = serializers.IntegerField(source="workflow_id")
    workflow_name = serializers.CharField(source="workflow.name")
    actor = serializers.CharField(source="activity.actor.username", default=None, allow_null=True)
    words = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="where to look: opening it through /inbox/ marks it read")
    compare_url = serializers.SerializerMethodField(
        help_text="for a review of version N > 1: what changed since version N-1; else null")
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "workflow", "workflow_name", "actor", "words", "url", "compare_url", "created", "read",
                  "is_read"]

    def get_words(self, obj) -> str:
        return words.notification_words(obj)

    def get_url(self, obj) -> str:
        return words.activity_url(obj.activity)

    def get_compare_url(self, obj) -> str | None:
        return words.compare_url(obj.activity)

    def get_is_read(self, obj) -> bool:
        return obj.read is not None


def comments_out(comments, *, workflow) -> list[dict]:
    comments = list(comments)
    # No comment, no need to read the latest version's steps (a megabyte for a large workflow).
    states = selectors.latest_state_names(workflow) if comments else set()
    return CommentSerializer(comments, many=True, context={"states": states}).data


def comment_out(comment) -> dict:
    return CommentSerializer(comment, context={"states": selectors.latest_state_names(comment.workflow)}).data

