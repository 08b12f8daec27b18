"""Routes that reach a backing service that is down, or fail with a database error that is a bug, for test_outages.

`DOWN` holds the database the routes reach (the test sets it: PostgreSQL on a closed port, or a
SQLite file that cannot be opened); `DatabaseMiddleware` reaches it outside any view.
"""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels_redis.core import RedisChannelLayer
from django.db import OperationalError, connection
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

DOWN: dict = {}  # "database": a DatabaseWrapper that cannot connect; "redis": a redis:// URL nobody serves


def reach_database() -> None:
    with DOWN["database"].cursor() as cursor:
        cursor.execute("SELECT 1")


def database_view(request):
    reach_database()


class DatabaseApiView(APIView):
    def get(self, request):
        reach_database()
        return Response("unreachable")


class ChannelLayerApiView(APIView):
    def post(self, request):
        async_to_sync(RedisChannelLayer(hosts=[DOWN["redis"]]).send)("nobody", {"type": "nothing"})
        return Response("unreachable")


class DatabaseMiddleware:
    """Reaches the down database on `/down/middleware`, before any view (as the session middleware would)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/down/middleware":
            reach_database()
        return self.get_response(request)


class BugApiView(APIView):
    """Database errors that are the node's own: a missing table, a deadlock, a broken constraint."""

    def get(self, request, kind: str):
        if kind == "missing-table":
            with connection.cursor() as cursor:
                cursor.execute("SELECT * FROM no_such_table_secret")
        if kind == "deadlock":
            from psycopg.errors import DeadlockDetected

            cause = DeadlockDetected("deadlock detected secret")
            raise OperationalError(*cause.args) from cause  # as Django wraps the driver's error
        if kind == "integrity":
            from .testapp.models import Note

            Note.objects.create(pk=1, value="v")
            Note(pk=1, value="v").save(force_insert=True)
        return Response("no bug")


urlpatterns = [
    path("down/view", database_view),
    path("down/drf", DatabaseApiView.as_view()),
    path("down/middleware", database_view),  # the middleware fails first
    path("down/redis", ChannelLayerApiView.as_view()),
    path("bug/<str:kind>", BugApiView.as_view()),
]

handler404 = "distributed_core.api.errors.not_found"
handler500 = "distributed_core.api.errors.server_error"
