"""One ModelViewSet on a DefaultRouter: `/api/proposals/` and `/api/proposals/<id>/`."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from proposals.views import ProposalViewSet

router = DefaultRouter()
router.register("proposals", ProposalViewSet)

urlpatterns = [path("api/", include(router.urls))]
