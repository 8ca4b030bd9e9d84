from django.urls import path

from . import views

app_name = "assistance"

urlpatterns = [
    path("policies/", views.PolicyListView.as_view(), name="policy_list"),
    path("policies/new/", views.PolicyFormView.as_view(), name="policy_create"),
    path("policies/<int:pk>/", views.PolicyDetailView.as_view(), name="policy_detail"),
    path("policies/<int:pk>/edit/", views.PolicyFormView.as_view(), name="policy_update"),
    path("policies/<int:pk>/rule/", views.PolicyRuleView.as_view(), name="policy_rule"),
    path("worklist/", views.WorklistView.as_view(), name="worklist"),
    path("worklist/export/", views.WorklistExportView.as_view(), name="worklist_export"),
    path("worklist/station/<int:station>/", views.WorklistView.as_view(), name="worklist_station"),
    path("worklist/helper/<int:helper>/", views.WorklistView.as_view(), name="worklist_helper"),
    path("entitlements/<int:pk>/decline/", views.EntitlementDeclineView.as_view(), name="entitlement_decline"),
    path("engine/", views.EngineRunListView.as_view(), name="engine_runs"),
    path("engine/start/", views.EngineRunStartView.as_view(), name="engine_start"),
    path("cases/", views.CaseListView.as_view(), name="case_list"),
    path("cases/new/", views.CaseCreateView.as_view(), name="case_create"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("cases/<int:pk>/checklist/", views.CaseChecklistView.as_view(), name="case_checklist"),
    path("cases/<int:pk>/documents/", views.DocumentUploadView.as_view(), name="document_upload"),
    path("cases/<int:pk>/<slug:action>/", views.CaseTransitionView.as_view(), name="case_transition"),
    path("documents/<int:pk>/", views.DocumentDownloadView.as_view(), name="document_download"),
    path("self-check/", views.SelfCheckView.as_view(), name="self_check"),
    path("helpers/unassigned/", views.UnassignedView.as_view(), name="unassigned"),
    path("helpers/caseload/", views.CaseloadView.as_view(), name="caseload_mine"),
    path("helpers/<int:user_id>/caseload/", views.CaseloadView.as_view(), name="caseload"),
    path("helpers/reassign/", views.ReassignView.as_view(), name="reassign"),
]
