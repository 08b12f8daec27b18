"""`/api/auth/token/`: where an API client gets (and gives back) a token.

    POST   /api/auth/token/  {"username": ..., "password": ..., "device"?: ...}  -> {"token": "<key>"}
    DELETE /api/auth/token/  with `Authorization: Token <key>`                 -> 204, that token revoked

Each sign-in issues a new token (one per device: `device` names it, else the User-Agent does);
the key is shown this once, only its hash is kept. Refusals are JSON like every other answer: a
wrong username or password is a 400, a disabled account a 401, and past the sign-in failure
limits (`lockout`) a 429 with `Retry-After`. A disabled account costs the same password hashing
as a wrong password, so the time of the answer does not tell one from the other.
"""

from __future__ import annotations

from django.contrib.auth import authenticate, get_user_model
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from ..messages import STATUS_DESCRIPTIONS
from .lockout import LOCKED_OUT, retry_after
from .tokens import ExpiringTokenAuthentication, issue_token

__all__ = ["TokenRequestSerializer", "TokenView"]


class TokenRequestSerializer(serializers.Serializer):
    """The body of `POST /api/auth/token/`."""

    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})
    device = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="What the token is for; else the User-Agent"
    )


_refused = OpenApiResponse(str, description=STATUS_DESCRIPTIONS[401])  # a disabled account, a token not valid
WRONG_CREDENTIALS = "when the username and password do not name an account"


class TokenView(APIView):
    """`POST /api/auth/token/` issues a new API token of a user; `DELETE` with a token revokes it."""

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
            429: OpenApiResponse(str, description=LOCKED_OUT),
        },
        auth=[],
        extensions={"x-refused-by-state": WRONG_CREDENTIALS},
    )
    def post(self, request) -> Response:
        """A new token of the user for a right username and password; 400 if wrong, 401 if disabled, 429 if locked."""
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username, password = serializer.validated_data["username"], serializer.validated_data["password"]
        # Django's request, not DRF's wrapper: django-axes marks a locked-out attempt on it (lockout.py)
        user = authenticate(request._request, username=username, password=password)
        if user is None:
            if getattr(request._request, "axes_locked_out", False):
                locked = exceptions.Throttled(detail=LOCKED_OUT)
                locked.wait = retry_after(request._request)  # the exception handler's Retry-After
                raise locked
            if _disabled_account(username, password):
                raise exceptions.AuthenticationFailed("This account is disabled")
            raise exceptions.ValidationError("Unable to sign in with the username and password given")
        device = serializer.validated_data.get("device") or request.headers.get("User-Agent", "")
        _, key = issue_token(user, device)
        return Response({"token": key})

    @extend_schema(request=None, responses={204: None, 401: _refused}, auth=[{"tokenAuth": []}])
    def delete(self, request) -> Response:
        """Revoke the token this request is authenticated with."""
        authenticated = ExpiringTokenAuthentication().authenticate(request)
        if authenticated is None:
            raise exceptions.NotAuthenticated("Send the token to revoke: Authorization: Token <key>")
        authenticated[1].delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


def _disabled_account(username: str, password: str) -> bool:
    """Whether `username` names a disabled account and `password` is its password (Django refuses both alike).

    The password is hashed whatever the account: a wrong password, an unknown username and a
    disabled account each cost what `authenticate` cost plus one hashing, so the time of the
    answer does not tell them apart (as Django's ModelBackend hashes for an unknown username).
    """
    model = get_user_model()
    user = model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()
    if user is None:
        model().set_password(password)
        return False
    return user.check_password(password) and not user.is_active
