from django.urls import path

from .views import BreakdownView, FiguresView, TrendsView

urlpatterns = [
    path("dashboard/figures/", FiguresView.as_view(), name="dashboard-figures"),
    path("dashboard/breakdown/", BreakdownView.as_view(), name="dashboard-breakdown"),
    path("dashboard/trends/", TrendsView.as_view(), name="dashboard-trends"),
]
