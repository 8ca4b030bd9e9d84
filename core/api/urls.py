from django.urls import path

from . import views

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("me/token/", views.TokenRevokeView.as_view(), name="api-me-token"),
    path("tokens/<int:user_id>/", views.TokenRevokeView.as_view(), name="api-token-revoke"),
]
