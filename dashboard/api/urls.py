from django.urls import path

from .views import BreakdownView, FiguresView, PublicStatisticsView, TrendsView

urlpatterns = [
    path("dashboard/figures/", FiguresView.as_view(), name="dashboard-figures"),
    path("dashboard/breakdown/", BreakdownView.as_view(), name="dashboard-breakdown"),
    path("dashboard/trends/", TrendsView.as_view(), name="dashboard-trends"),
    path("public/statistics/<str:code>/", PublicStatisticsView.as_view(), name="public-statistics"),
]
