from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("<int:pk>/", views.program_public, name="program_public"),
    path("<int:pk>/signup/", views.program_signup, name="program_signup"),
    path("<int:pk>/leaflet/", views.program_leaflet, name="program_leaflet"),
    path("providers/", views.ProviderListView.as_view(), name="provider_list"),
    path("providers/new/", views.ProviderFormView.as_view(), name="provider_create"),
    path("providers/<int:pk>/edit/", views.ProviderFormView.as_view(), name="provider_update"),
    path("programs/", views.ProgramListView.as_view(), name="program_list"),
    path("programs/new/", views.ProgramFormView.as_view(), name="program_create"),
    path("programs/import/", views.ProgramImportView.as_view(), name="program_import"),
    path("programs/import/template.xlsx", views.ProgramImportTemplateView.as_view(), name="program_import_template"),
    path("programs/import/<int:pk>/", views.ProgramImportDetailView.as_view(), name="program_import_detail"),
    path("programs/import/<int:pk>/errors.xlsx", views.ProgramImportErrorsView.as_view(),
         name="program_import_errors"),
    path("programs/import/<int:pk>/retry/", views.ProgramImportRetryView.as_view(), name="program_import_retry"),
    path("programs/<int:pk>/", views.ProgramDetailView.as_view(), name="program_detail"),
    path("programs/<int:pk>/edit/", views.ProgramFormView.as_view(), name="program_update"),
    path("programs/<int:pk>/cancel/", views.ProgramCancelView.as_view(), name="program_cancel"),
    path("archives/<int:archive_pk>/refer/", views.ArchiveReferView.as_view(), name="archive_refer"),
    path("referrals/", views.ReferralListView.as_view(), name="referral_list"),
    path("referrals/<int:pk>/<str:action>/", views.ReferralTransitionView.as_view(), name="referral_transition"),
    path("waitlist/<int:pk>/<str:action>/", views.WaitlistTransitionView.as_view(), name="waitlist_transition"),
    path("suggest/", views.SuggestWorklistView.as_view(), name="suggest_worklist"),
    path("report/", views.DemandSupplyView.as_view(), name="demand_supply"),
]
