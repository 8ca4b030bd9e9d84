from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("occupations", views.OccupationViewSet, basename="occupation")
router.register("audit-events", views.AuditEventViewSet, basename="audit-event")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("me/token/", views.TokenRevokeView.as_view(), name="api-me-token"),
    path("tokens/<int:user_id>/", views.TokenRevokeView.as_view(), name="api-token-revoke"),
    *router.urls,
]
