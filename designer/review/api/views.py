"""REST API of the design review, for members: comments, reviews, release, export of the
released version, the activity log, who is here, share links and your notifications."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ... import selectors as access
from ...api.parsers import BoundedJSONParser
from ...api.views import VersionExportView, _valid, _workflow
from ...errors import InvalidInput, NotFound
from .. import comments, consumers, notifications, reviews, selectors, sharing
from ..models import Decision
from ..serializers import (ActivitySerializer, CommentSerializer, EdgeSerializer, NotificationSerializer,
                           ReviewSerializer, ShareLinkSerializer, comment_out, comments_out)

MAX_ACTIVITY_PAGE = 500


def _query_int(request, name: str, default: int | None) -> int | None:
    value = request.query_params.get(name)
    if value is None or value == "":
        return default
    if not (value.isascii() and value.isdigit()) or len(value) > 12:
        raise InvalidInput(f"{name} must be a whole number.", field=name)
    return int(value)


def _reading(request, workflow_id: int):
    workflow = _workflow(request, workflow_id)
    access.require(user=request.user, workflow=workflow, action="read")
    return workflow


# --- comments ----------------------------------------------------------------------------------

class CommentCreate(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, trim_whitespace=False,
                                 help_text="plain text, line breaks kept, at most 10,000 characters; @name mentions a member")
    version = serializers.IntegerField(required=False, allow_null=True, help_text="default: the latest version")
    state = serializers.CharField(required=False, allow_null=True, trim_whitespace=False,
                                  help_text="pin it to this step (by name)")
    edge = EdgeSerializer(required=False, allow_null=True, help_text="or pin it to this arrow")
    parent = serializers.IntegerField(required=False, allow_null=True, help_text="reply in this comment's thread")


class CommentEdit(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, trim_whitespace=False)


class CommentListView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(parameters=[OpenApiParameter("state", str, description="only those pinned to this step"),
                               OpenApiParameter("open", bool, description="only threads not resolved")],
                   responses=CommentSerializer(many=True), summary="Comments, oldest first (members)")
    def get(self, request, workflow_id: int):
        workflow = _reading(request, workflow_id)
        found = selectors.comment_list(workflow=workflow, state=request.query_params.get("state"),
                                       open_only=request.query_params.get("open") in ("1", "true"))
        return Response(comments_out(found, workflow=workflow))

    @extend_schema(request=CommentCreate, responses={201: CommentSerializer},
                   summary="Write a comment on a step, an arrow or the workflow, or reply (reviewers and editors)")
    def post(self, request, workflow_id: int):
        workflow = _workflow(request, workflow_id)
        access.require(user=request.user, workflow=workflow, action="comment")
        data = _valid(CommentCreate, request.data)
        edge = data.get("edge")
        comment = comments.comment_create(user=request.user, workflow=workflow, text_=data["text"],
                                          version=data.get("version"), state=data.get("state"),
                                          edge=dict(edge) if edge else None, parent=data.get("parent"))
        return Response(comment_out(comment), status=status.HTTP_201_CREATED)


class CommentDetailView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(responses=CommentSerializer, summary="One comment")
    def get(self, request, workflow_id: int, comment_id: int):
        workflow = _reading(request, workflow_id)
        return Response(comment_out(selectors.comment_get(workflow=workflow, comment_id=comment_id)))

    @extend_schema(request=CommentEdit, responses=CommentSerializer, summary="Edit your own comment")
    def patch(self, request, workflow_id: int, comment_id: int):
        workflow = _workflow(request, workflow_id)
        comment = selectors.comment_get(workflow=workflow, comment_id=comment_id)
        data = _valid(CommentEdit, request.data)
        return Response(comment_out(comments.comment_edit(user=request.user, comment=comment, text_=data["text"])))

    @extend_schema(responses=CommentSerializer,
                   summary="Delete your own comment (its words go; replies stay, under “comment deleted”)")
    def delete(self, request, workflow_id: int, comment_id: int):
        workflow = _workflow(request, workflow_id)
        comment = selectors.comment_get(workflow=workflow, comment_id=comment_id)
        return Response(comment_out(comments.comment_delete(user=request.user, comment=comment)))


class CommentResolveView(APIView):
    resolve = True

    @extend_schema(request=None, responses=CommentSerializer,
                   summary="Resolve a thread (editors, and whoever started it)")
    def post(self, request, workflow_id: int, comment_id: int):
        workflow = _workflow(request, workflow_id)
        comment = selectors.comment_get(workflow=workflow, comment_id=comment_id)
        action = comments.comment_resolve if self.resolve else comments.comment_reopen
        return Response(comment_out(action(user=request.user, comment=comment)))


class CommentReopenView(CommentResolveView):
    resolve = False

    @extend_schema(request=None, responses=CommentSerializer,
                   summary="Reopen a resolved thread (editors, and whoever started it)")
    def post(self, request, workflow_id: int, comment_id: int):
        return super().post(request, workflow_id, comment_id)


# --- reviews -----------------------------------------------------------------------------------

class ReviewCreate(serializers.Serializer):
    version = serializers.IntegerField(help_text="the version to review: the latest")
    reviewers = serializers.ListField(child=serializers.CharField(), help_text="usernames of members to ask")
    message = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)


class ReviewAnswerRequest(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[Decision.APPROVED, Decision.CHANGES_REQUESTED])
    comment = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False,
                                    help_text="what to change (needed when requesting changes)")


class ReviewListView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(parameters=[OpenApiParameter("version", int)], responses=ReviewSerializer(many=True),
                   summary="Review requests, newest first")
    def get(self, request, workflow_id: int):
        workflow = _reading(request, workflow_id)
        found = selectors.review_list(workflow=workflow, version_number=_query_int(request, "version", None))
        return Response(ReviewSerializer(found[:200], many=True).data)

    @extend_schema(request=ReviewCreate, responses={201: ReviewSerializer},
                   summary="Ask members to review the latest version (editors)")
    def post(self, request, workflow_id: int):
        workflow = _workflow(request, workflow_id)
        access.require(user=request.user, workflow=workflow, action="request_review")
        data = _valid(ReviewCreate, request.data)
        review = reviews.review_request(user=request.user, workflow=workflow, version=data["version"],
                                        reviewers=list(data["reviewers"]), message=data["message"])
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class ReviewDetailView(APIView):
    @extend_schema(responses=ReviewSerializer, summary="One review request with its answers")
    def get(self, request, workflow_id: int, review_id: int):
        workflow = _reading(request, workflow_id)
        return Response(ReviewSerializer(selectors.review_get(workflow=workflow, review_id=review_id)).data)


class ReviewAnswerView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(request=ReviewAnswerRequest, responses=ReviewSerializer,
                   summary="Approve or request changes (the reviewers asked)")
    def post(self, request, workflow_id: int, review_id: int):
        workflow = _workflow(request, workflow_id)
        access.require(user=request.user, workflow=workflow, action="answer_review")
        review = selectors.review_get(workflow=workflow, review_id=review_id)
        data = _valid(ReviewAnswerRequest, request.data)
        answered = reviews.review_answer(user=request.user, request=review, decision=data["decision"],
                                         comment=data["comment"])
        return Response(ReviewSerializer(answered).data)


class ReviewWithdrawView(APIView):
    @extend_schema(request=None, responses=ReviewSerializer, summary="Withdraw a review request (editors)")
    def post(self, request, workflow_id: int, review_id: int):
        workflow = _workflow(request, workflow_id)
        review = selectors.review_get(workflow=workflow, review_id=review_id)
        return Response(ReviewSerializer(reviews.review_withdraw(user=request.user, request=review)).data)


# --- release and export ------------------------------------------------------------------------

ReleaseOut = inline_serializer("Release", {
    "version": serializers.IntegerField(allow_null=True), "released_by": serializers.CharField(allow_null=True),
    "released": serializers.DateTimeField(allow_null=True)})


def _release_out(workflow) -> dict:
    release = selectors.release_latest(workflow=workflow)
    if release is None:
        return {"version": None, "released_by": None, "released": None}
    return {"version": release.version.number, "released": release.created,
            "released_by": release.released_by.username if release.released_by_id else None}


class ReleaseView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(responses=ReleaseOut, summary="The released version (null when none is)")
    def get(self, request, workflow_id: int):
        return Response(_release_out(_reading(request, workflow_id)))

    @extend_schema(request=inline_serializer("ReleaseRequest", {"version": serializers.IntegerField()}),
                   responses=ReleaseOut, summary="Mark an approved version as released (editors)")
    def post(self, request, workflow_id: int):
        workflow = _workflow(request, workflow_id)
        access.require(user=request.user, workflow=workflow, action="release")
        version = request.data.get("version") if isinstance(request.data, dict) else None
        reviews.version_release(user=request.user, workflow=workflow, version=version)
        return Response(_release_out(workflow))


class WorkflowExportView(VersionExportView):
    @extend_schema(
        parameters=[OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=["asl", "svg", "png"]),
                    OpenApiParameter("version", int, description="default: the released version, else the latest")],
        responses={(200, "application/json"): OpenApiTypes.OBJECT, (200, "image/svg+xml"): OpenApiTypes.STR,
                   (200, "image/png"): OpenApiTypes.BINARY},
        summary="Download the released version (or the one named) as ASL JSON, SVG or PNG")
    def get(self, request, workflow_id: int, fmt: str):
        return super().get(request, workflow_id, _default_version(request, workflow_id), fmt)


def _default_version(request, workflow_id: int) -> int:
    number = _query_int(request, "version", None)
    if number is None:
        version = selectors.version_for_export(workflow=_workflow(request, workflow_id))
        if version is None:
            raise NotFound("This workflow has no version yet.")
        number = version.number
    return number


# --- activity, presence and notifications ---------------------------------------------------------

class ActivityView(APIView):
    @extend_schema(parameters=[OpenApiParameter("after", int, description="entries after this number"),
                               OpenApiParameter("limit", int, description=f"at most (≤ {MAX_ACTIVITY_PAGE})")],
                   responses=ActivitySerializer(many=True), summary="The activity log, oldest first")
    def get(self, request, workflow_id: int):
        workflow = _reading(request, workflow_id)
        limit = min(_query_int(request, "limit", MAX_ACTIVITY_PAGE) or MAX_ACTIVITY_PAGE, MAX_ACTIVITY_PAGE)
        entries = selectors.activity_after(workflow=workflow, after=_query_int(request, "after", 0), limit=limit)
        return Response(ActivitySerializer(entries, many=True).data)


class PresenceView(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, summary="Who has a page of this workflow open")
    def get(self, request, workflow_id: int):
        workflow = _reading(request, workflow_id)
        return Response({"here": consumers.presence_now(workflow.pk)})


class NotificationListView(APIView):
    @extend_schema(parameters=[OpenApiParameter("unread", bool)], responses=NotificationSerializer(many=True),
                   summary="Your notifications, newest first (at most 200)")
    def get(self, request):
        unread_only = request.query_params.get("unread") in ("1", "true")
        notes = selectors.notification_list(user=request.user, unread_only=unread_only)[:200]
        return Response(NotificationSerializer(notes, many=True).data,
                        headers={"X-Unread-Count": str(selectors.notification_unread_count(user=request.user))})


class NotificationReadView(APIView):
    @extend_schema(request=None, responses=NotificationSerializer, summary="Mark one of your notifications read")
    def post(self, request, notification_id: int):
        note = selectors.notification_get(user=request.user, notification_id=notification_id)
        return Response(NotificationSerializer(notifications.notification_read(user=request.user, notification=note)).data)


class NotificationReadAllView(APIView):
    @extend_schema(request=None, responses=inline_serializer("ReadAll", {"marked": serializers.IntegerField()}),
                   summary="Mark all your notifications read")
    def post(self, request):
        return Response({"marked": notifications.notification_read_all(user=request.user)})


# --- share links (members' side) -----------------------------------------------------------------

class ShareLinkCreate(serializers.Serializer):
    version = serializers.IntegerField(required=False, allow_null=True, help_text="a version's number")
    execution = serializers.IntegerField(required=False, allow_null=True, help_text="or a run's id")
    expires_in_days = serializers.FloatField(required=False, allow_null=True, help_text="empty: never expires")
    label = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)


class ShareLinkListView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(responses=ShareLinkSerializer(many=True), summary="Share links, with who made them and last use (editors)")
    def get(self, request, workflow_id: int):
        workflow = _workflow(request, workflow_id)
        access.require(user=request.user, workflow=workflow, action="share")
        return Response(ShareLinkSerializer(selectors.share_link_list(workflow=workflow)[:200], many=True,
                                            context={"request": request}).data)

    @extend_schema(request=ShareLinkCreate, responses={201: ShareLinkSerializer},
                   summary="Make a read-only link to a version or a run (editors)")
    def post(self, request, workflow_id: int):
        workflow = _workflow(request, workflow_id)
        access.require(user=request.user, workflow=workflow, action="share")
        data = _valid(ShareLinkCreate, request.data)
        link = sharing.share_link_create(user=request.user, workflow=workflow, version=data.get("version"),
                                         execution=data.get("execution"), label=data["label"],
                                         expires_in_days=data.get("expires_in_days"))
        return Response(ShareLinkSerializer(link, context={"request": request}).data, status=status.HTTP_201_CREATED)


class ShareLinkDetailView(APIView):
    @extend_schema(responses=ShareLinkSerializer, summary="Revoke a share link: it answers 404 at once (editors)")
    def delete(self, request, workflow_id: int, link_id: int):
        workflow = _workflow(request, workflow_id)
        access.require(user=request.user, workflow=workflow, action="share")
        link = sharing.share_link_get(workflow=workflow, link_id=link_id)
        return Response(ShareLinkSerializer(sharing.share_link_revoke(user=request.user, link=link),
                                            context={"request": request}).data)
