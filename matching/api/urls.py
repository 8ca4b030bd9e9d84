from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("pushes", views.PushRecordViewSet, basename="push")
router.register("sms-outbox", views.SmsOutboxViewSet, basename="sms-outbox")
router.register("batch-runs", views.BatchRunViewSet, basename="batch-run")

urlpatterns = [
    path("archives/<int:pk>/recommendations/", views.ArchiveRecommendationsAPIView.as_view(),
         name="archive-recommendations"),
    path("archives/<int:pk>/guidance/", views.ArchiveGuidanceAPIView.as_view(), name="archive-guidance"),
    path("archives/<int:pk>/insurance/", views.ArchiveInsuranceAPIView.as_view(), name="archive-insurance"),
    path("postings/<int:pk>/candidates/", views.PostingCandidatesAPIView.as_view(), name="posting-candidates"),
    path("pushes/funnel/", views.FunnelAPIView.as_view(), name="push-funnel"),  # before the router's pushes/<pk>/
    *router.urls,
]
