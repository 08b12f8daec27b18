"""Routes that fail in every way Django can, for test_errors: a view, a DRF view, refusals (and a middleware, there)."""

from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponseNotAllowed
from django.urls import path
from rest_framework.views import APIView


def crashing_view(request):
    raise RuntimeError("secret detail of a view")


class CrashingApiView(APIView):
    def get(self, request):
        raise RuntimeError("secret detail of a DRF view")


def suspicious_view(request):
    raise SuspiciousOperation("secret detail of a suspicious request")


def not_allowed_view(request):
    return HttpResponseNotAllowed(["POST"])


urlpatterns = [
    path("crash/view", crashing_view),
    path("crash/drf", CrashingApiView.as_view()),
    path("crash/middleware", crashing_view),  # the middleware fails first
    path("refuse/suspicious", suspicious_view),
    path("refuse/method", not_allowed_view),
]

handler404 = "distributed_core.api.errors.not_found"
handler500 = "distributed_core.api.errors.server_error"
