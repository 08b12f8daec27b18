"""`/api/auth/tokens/`: the caller's own API tokens, listed without their keys, and revoked one by one.

    GET    /api/auth/tokens/       -> [{"id", "device", "created", "expiry", "current"}], newest first
    DELETE /api/auth/tokens/<id>/  -> 204, that token revoked (its device signs in again)

A user signed in with a session or a token sees and revokes only their own tokens: another
user's id is a 404, as an unknown one is. An administrator sees and revokes everyone's in the
admin (`API tokens`). The key of a token is never shown again after it was issued.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ..messages import STATUS_DESCRIPTIONS
from .tokens import token_model

__all__ = ["OwnTokenView", "OwnTokensView", "TokenSerializer"]

REFUSED_401 = OpenApiResponse(str, description=STATUS_DESCRIPTIONS[401])
LARGEST_ID = 2**63 - 1  # a BigAutoField: a longer number names no token (and must not reach the database)


class TokenSerializer(serializers.ModelSerializer):
    """A token as its owner sees it: no key, no digest; `current` when this request is authenticated with it."""

    current = serializers.SerializerMethodField()

    class Meta:
        model = token_model()
        fields = ["id", "device", "created", "expiry", "current"]

    def get_current(self, token) -> bool:
        """Whether the request listing the tokens was authenticated with this one."""
        return getattr(self.context["request"].auth, "pk", None) == token.pk


class OwnTokensView(APIView):
    """`GET /api/auth/tokens/`: the caller's tokens that have not expired, newest first."""

    permission_classes = [IsAuthenticated]
    serializer_class = TokenSerializer

    @extend_schema(responses={200: TokenSerializer(many=True), 401: REFUSED_401})
    def get(self, request) -> Response:
        """The caller's live tokens (id, device, created, expiry, current)."""
        live = Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
        tokens = token_model().objects.filter(live, user=request.user).order_by("-created", "-pk")
        return Response(TokenSerializer(tokens, many=True, context={"request": request}).data)


class OwnTokenView(APIView):
    """`DELETE /api/auth/tokens/<id>/`: revoke one of the caller's tokens."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={
            204: None,
            401: REFUSED_401,
            404: OpenApiResponse(str, description=STATUS_DESCRIPTIONS[404]),
        },
    )
    def delete(self, request, id: str) -> Response:
        """Revoke the caller's token `id`; 404 when the caller has no token with that id."""
        number = int(id)
        deleted = number <= LARGEST_ID and token_model().objects.filter(user=request.user, pk=number).delete()[0]
        if not deleted:
            raise exceptions.NotFound(f"You have no token {id}")
        return Response(status=status.HTTP_204_NO_CONTENT)
