from rest_framework.routers import DefaultRouter

from .views import CertificateViewSet, ProgramViewSet, ProviderViewSet, PublicCatalogViewSet, ReferralViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("training-catalog", PublicCatalogViewSet, basename="training-catalog")
router.register("training-providers", ProviderViewSet, basename="training-provider")
router.register("training-programs", ProgramViewSet, basename="training-program")
router.register("training-referrals", ReferralViewSet, basename="training-referral")
router.register("training-certificates", CertificateViewSet, basename="training-certificate")

urlpatterns = router.urls
