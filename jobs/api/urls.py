from rest_framework.routers import DefaultRouter

from .views import EmployerViewSet, LeadViewSet, PostingViewSet, PublicJobViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("jobs", PublicJobViewSet, basename="public-job")
router.register("employers", EmployerViewSet, basename="employer")
router.register("postings", PostingViewSet, basename="posting")
router.register("job-leads", LeadViewSet, basename="job-lead")

urlpatterns = router.urls
