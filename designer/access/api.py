"""REST API for members and invitations (the owner), and for accepting an invitation (anyone
holding its link)."""
from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors as access
from ..api.serializers import MembershipSerializer
from ..api.views import _valid, _workflow
from ..errors import NotFound
from ..models import Role
from . import services
from .models import Invitation


class MemberAdd(serializers.Serializer):
    username = serializers.CharField(max_length=254, help_text="a username, or the e-mail address of an account")
    role = serializers.ChoiceField(choices=Role.choices)


class RoleChange(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationSerializer(serializers.ModelSerializer):
    invited_by = serializers.CharField(source="invited_by.username", default=None, allow_null=True)
    accepted_by = serializers.CharField(source="accepted_by.username", default=None, allow_null=True)
    state = serializers.SerializerMethodField(help_text="open, accepted, revoked or expired")
    url = serializers.SerializerMethodField(help_text="the link to send (only while open)")

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "invited_by", "created", "expires", "accepted", "accepted_by", "revoked",
                  "state", "url"]

    def get_state(self, obj) -> str:
        return services.invitation_state(obj)

    def get_url(self, obj) -> str | None:
        if services.invitation_state(obj) != "open":
            return None
        request = self.context.get("request")
        path_ = services.invitation_path(obj)
        return request.build_absolute_uri(path_) if request is not None else path_


class InvitationCreate(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices)
    expires_in_days = serializers.FloatField(required=False, default=services.INVITATION_DAYS)


class InvitationAccept(serializers.Serializer):
    username = serializers.CharField(required=False, allow_blank=True, max_length=150,
                                     help_text="for a new account (not needed when signed in)")
    password = serializers.CharField(required=False, allow_blank=True, max_length=4096, trim_whitespace=False)


class MemberListView(APIView):
    @extend_schema(responses=MembershipSerializer(many=True), summary="Members and their roles")
    def get(self, request, workflow_id: int):
        workflow = _workflow(request, workflow_id)
        return Response(MembershipSerializer(access.membership_list(workflow=workflow), many=True).data)

    @extend_schema(request=MemberAdd, responses={201: MembershipSerializer},
                   summary="Give an account a role, by username or e-mail (owner only)")
    def post(self, request, workflow_id: int):
        workflow = _workflow(request, workflow_id)
        access.require(user=request.user, workflow=workflow, action="manage_members")
        data = _valid(MemberAdd, request.data)
        membership = services.member_set(user=request.user, workflow=workflow, who=data["username"], role=data["role"])
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)


class MemberDetailView(APIView):
    @extend_schema(request=RoleChange, responses=MembershipSerializer, summary="Change a member's role (owner only)")
    def patch(self, request, workflow_id: int, user_id: int):
        workflow = _workflow(request, workflow_id)
        access.require(user=request.user, workflow=workflow, action="manage_members")
        data = _valid(RoleChange, request.data)
        membership = access.membership_list(workflow=workflow).filter(user_id=user_id).first()
        if membership is None:
            raise NotFound("That user is not a member of this workflow.")
        membership = services.member_set(user=request.user, workflow=workflow, who=membership.user.username,
                                         role=data["role"])
        return Response(MembershipSerializer(membership).data)

    @extend_schema(responses={204: None}, summary="Remove a member (owner only)")
    def delete(self, request, workflow_id: int, user_id: int):
        workflow = _workflow(request, workflow_id)
        services.member_remove(user=request.user, workflow=workflow, member_id=user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationListView(APIView):
    @extend_schema(responses=InvitationSerializer(many=True), summary="Invitations, newest first (owner only)")
    def get(self, request, workflow_id: int):
        workflow = _workflow(request, workflow_id)
        access.require(user=request.user, workflow=workflow, action="manage_members")
        found = workflow.invitations.select_related("invited_by", "accepted_by").order_by("-id")[:200]
        return Response(InvitationSerializer(found, many=True, context={"request": request}).data)

    @extend_schema(request=InvitationCreate, responses={201: InvitationSerializer},
                   summary="Invite someone without an account: a single-use, expiring link (owner only)")
    def post(self, request, workflow_id: int):
        workflow = _workflow(request, workflow_id)
        access.require(user=request.user, workflow=workflow, action="manage_members")
        data = _valid(InvitationCreate, request.data)
        invitation = services.invitation_create(user=request.user, workflow=workflow, email=data["email"],
                                                role=data["role"], expires_in_days=data["expires_in_days"])
        return Response(InvitationSerializer(invitation, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


class InvitationDetailView(APIView):
    @extend_schema(responses=InvitationSerializer, summary="Withdraw an invitation (owner only)")
    def delete(self, request, workflow_id: int, invitation_id: int):
        workflow = _workflow(request, workflow_id)
        access.require(user=request.user, workflow=workflow, action="manage_members")
        invitation = services.invitation_get(workflow=workflow, invitation_id=invitation_id)
        return Response(InvitationSerializer(services.invitation_revoke(user=request.user, invitation=invitation),
                                             context={"request": request}).data)


InvitationPublic = inline_serializer("InvitationPublic", {
    "workflow": serializers.CharField(), "role": serializers.CharField(), "email": serializers.CharField(),
    "invited_by": serializers.CharField(allow_null=True), "expires": serializers.DateTimeField()})


class InvitationPublicView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=InvitationPublic, summary="What an invitation link offers (404 once used or expired)")
    def get(self, request, token: str):
        invitation = services.invitation_open(token)
        return Response({"workflow": invitation.workflow.name, "role": invitation.role, "email": invitation.email,
                         "invited_by": invitation.invited_by.username if invitation.invited_by_id else None,
                         "expires": invitation.expires})

    @extend_schema(request=InvitationAccept, responses={201: MembershipSerializer},
                   summary="Accept: as the signed-in user, or with a new username and password")
    def post(self, request, token: str):
        data = _valid(InvitationAccept, request.data)
        _, membership = services.invitation_accept(token=token, user=request.user, username=data.get("username"),
                                                   password=data.get("password"))
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("workflows/<int:workflow_id>/members/", MemberListView.as_view(), name="api-member-list"),
    path("workflows/<int:workflow_id>/members/<int:user_id>/", MemberDetailView.as_view(), name="api-member-detail"),
    path("workflows/<int:workflow_id>/invitations/", InvitationListView.as_view(), name="api-invitation-list"),
    path("workflows/<int:workflow_id>/invitations/<int:invitation_id>/", InvitationDetailView.as_view(),
         name="api-invitation-detail"),
    path("invitations/<str:token>/", InvitationPublicView.as_view(), name="api-invitation"),
]
