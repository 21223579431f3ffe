"""/api/v1/: the REST API's collections and actions (see views)."""

from django.urls import re_path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("provinces", views.ProvinceViewSet, basename="province")
router.register("delegations", views.DelegationViewSet, basename="delegation")
router.register("visits", views.VisitViewSet, basename="visit")
router.register("findings", views.FindingViewSet, basename="finding")
router.register("recommendations", views.RecommendationViewSet, basename="recommendation")
router.register("units", views.MinistryUnitViewSet, basename="unit")
router.register("fields", views.FieldViewSet, basename="field")
router.register("groups", views.GroupViewSet, basename="group")
router.register("documents", views.DocumentViewSet, basename="document")

urlpatterns = [
    *router.urls,
    re_path(r"^[\s\S]*$", views.NotFoundView.as_view(), name="not_found"),
]
