from django.urls import path

from . import views

app_name = "jobseekers"

urlpatterns = [
    path("", views.ArchiveListView.as_view(), name="archive_list"),
    path("new/", views.ArchiveCreateView.as_view(), name="archive_create"),
    path("export/", views.ArchiveExportView.as_view(), name="archive_export"),
    path("export/full/", views.ArchiveFullExportView.as_view(), name="archive_export_full"),
    path("worklist/", views.WorklistView.as_view(), name="worklist"),
    path("occupations/", views.OccupationSearchView.as_view(), name="occupation_search"),
    path("rules/", views.ResurveyRulesView.as_view(), name="rules"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("import/template.xlsx", views.ImportTemplateView.as_view(), name="import_template"),
    path("import/<int:pk>/", views.ImportJobDetailView.as_view(), name="import_detail"),
    path("import/<int:pk>/errors.xlsx", views.ImportErrorsView.as_view(), name="import_errors"),
    path("import/<int:pk>/retry/", views.ImportRetryView.as_view(), name="import_retry"),
    path("<int:pk>/", views.ArchiveDetailView.as_view(), name="archive_detail"),
    path("<int:pk>/edit/", views.ArchiveUpdateView.as_view(), name="archive_update"),
    path("<int:pk>/reveal/", views.ArchiveRevealView.as_view(), name="archive_reveal"),
    path("<int:pk>/status/", views.StatusAddView.as_view(), name="status_add"),
    path("<int:pk>/certificates/new/", views.CertificateCreateView.as_view(), name="certificate_create"),
    path("<int:pk>/certificates/<int:certificate_pk>/edit/", views.CertificateUpdateView.as_view(),
         name="certificate_update"),
    path("<int:pk>/certificates/<int:certificate_pk>/delete/", views.CertificateDeleteView.as_view(),
         name="certificate_delete"),
    path("<int:pk>/visits/new/", views.VisitCreateView.as_view(), name="visit_create"),
]
