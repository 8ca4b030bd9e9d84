from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("archives/<int:pk>/", views.ArchiveMatchingView.as_view(), name="archive"),
    path("archives/<int:pk>/recommendations/", views.ArchiveRecommendationsView.as_view(), name="recommendations"),
    path("archives/<int:pk>/push/", views.PushCreateView.as_view(), name="push_create"),
    path("archives/<int:pk>/guidance/", views.GuidanceCreateView.as_view(), name="guidance_create"),
    path("archives/<int:pk>/insurance/", views.InsuranceUpdateView.as_view(), name="insurance_update"),
    path("pushes/", views.PushListView.as_view(), name="push_list"),
    path("pushes/funnel/", views.FunnelView.as_view(), name="funnel"),
    path("pushes/<int:pk>/outcome/", views.PushOutcomeView.as_view(), name="push_outcome"),
    path("postings/<int:pk>/candidates/", views.PostingCandidatesView.as_view(), name="candidates"),
    path("outbox/", views.OutboxListView.as_view(), name="outbox"),
    path("outbox/<int:pk>/retry/", views.OutboxRetryView.as_view(), name="outbox_retry"),
    path("batch/", views.BatchRunListView.as_view(), name="batch_list"),
]
