"""`/api/auth/token/`: where an API client gets (and gives back) its token.

    POST   /api/auth/token/  {"username": ..., "password": ...}  -> {"token": "<key>"}
    DELETE /api/auth/token/  with `Authorization: Token <key>`    -> 204, the token revoked

Refusals are JSON like every other answer: a wrong username or password is a 400, a disabled
account a 401.
"""

from __future__ import annotations

from django.contrib.auth import authenticate, get_user_model
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from ..messages import STATUS_DESCRIPTIONS
from .tokens import ExpiringTokenAuthentication, issue_token

__all__ = ["TokenRequestSerializer", "TokenView"]


class TokenRequestSerializer(serializers.Serializer):
    """The body of `POST /api/auth/token/`."""

    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


_refused = OpenApiResponse(str, description=STATUS_DESCRIPTIONS[401])  # a disabled account, a token not valid
WRONG_CREDENTIALS = "when the username and password do not name an account"


class TokenView(APIView):
    """`POST /api/auth/token/` issues a user's API token; `DELETE` with that token revokes it."""

    authentication_classes = []  # the credentials are in the body: no session, so no CSRF to check
    permission_classes = [AllowAny]
    serializer_class = TokenRequestSerializer

    def get_authenticate_header(self, request) -> str:
        """`Token`: so that a refused account or token is a 401 with its challenge, not a 403."""
        return ExpiringTokenAuthentication.keyword

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer("AuthToken", {"token": serializers.CharField()}),
            400: OpenApiResponse(str, description=f"{STATUS_DESCRIPTIONS[400]}; also {WRONG_CREDENTIALS}"),
            401: _refused,
        },
        auth=[],
        extensions={"x-refused-by-state": WRONG_CREDENTIALS},
    )
    def post(self, request) -> Response:
        """The user's token for a right username and password; 400 if they are wrong, 401 if the account is disabled."""
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username, password = serializer.validated_data["username"], serializer.validated_data["password"]
        user = authenticate(request, username=username, password=password)
        if user is None:
            if _disabled_account(username, password):
                raise exceptions.AuthenticationFailed("This account is disabled")
            raise exceptions.ValidationError("Unable to sign in with the username and password given")
        return Response({"token": issue_token(user).key})

    @extend_schema(request=None, responses={204: None, 401: _refused}, auth=[{"tokenAuth": []}])
    def delete(self, request) -> Response:
        """Revoke the token this request is authenticated with."""
        authenticated = ExpiringTokenAuthentication().authenticate(request)
        if authenticated is None:
            raise exceptions.NotAuthenticated("Send the token to revoke: Authorization: Token <key>")
        authenticated[1].delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


def _disabled_account(username: str, password: str) -> bool:
    """Whether `username` names a disabled account and `password` is its password (Django refuses both alike)."""
    user = get_user_model()._default_manager.filter(**{get_user_model().USERNAME_FIELD: username}).first()
    return user is not None and not user.is_active and user.check_password(password)
