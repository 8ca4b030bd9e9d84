from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("search/", views.job_search, name="job_search"),
    path("submit/", views.job_submit, name="job_submit"),
    path("<int:pk>/", views.job_detail, name="job_detail"),
    path("<int:pk>/interest/", views.job_interest, name="job_interest"),
    path("employers/", views.EmployerListView.as_view(), name="employer_list"),
    path("employers/new/", views.EmployerFormView.as_view(), name="employer_create"),
    path("employers/<int:pk>/", views.EmployerDetailView.as_view(), name="employer_detail"),
    path("employers/<int:pk>/edit/", views.EmployerFormView.as_view(), name="employer_update"),
    path("postings/", views.PostingListView.as_view(), name="posting_list"),
    path("postings/new/", views.PostingFormView.as_view(), name="posting_create"),
    path("postings/import/", views.PostingImportView.as_view(), name="posting_import"),
    path("postings/import/<str:token>/", views.PostingImportStatusView.as_view(), name="posting_import_status"),
    path("postings/import/errors/<str:token>/", views.PostingImportErrorsView.as_view(), name="posting_import_errors"),
    path("postings/<int:pk>/", views.PostingDetailView.as_view(), name="posting_detail"),
    path("postings/<int:pk>/edit/", views.PostingFormView.as_view(), name="posting_update"),
    path("postings/<int:pk>/<str:action>/", views.PostingTransitionView.as_view(), name="posting_transition"),
    path("leads/", views.LeadListView.as_view(), name="lead_list"),
    path("leads/<int:pk>/", views.LeadUpdateView.as_view(), name="lead_update"),
    path("leads/<int:pk>/reveal/", views.LeadRevealView.as_view(), name="lead_reveal"),
]
