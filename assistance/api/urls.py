from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("assistance/policies", views.PolicyViewSet, basename="assistance-policy")
router.register("assistance/entitlements", views.EntitlementViewSet, basename="assistance-entitlement")
router.register("assistance/cases", views.CaseViewSet, basename="assistance-case")
router.register("assistance/documents", views.DocumentViewSet, basename="assistance-document")
router.register("assistance/eligibility", views.ArchiveEligibilityViewSet, basename="assistance-eligibility")

urlpatterns = router.urls
