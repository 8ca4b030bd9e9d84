from rest_framework.routers import SimpleRouter

from .views import ArchiveViewSet, FollowUpTaskViewSet, ImportJobViewSet

router = SimpleRouter()
router.register("jobseekers", ArchiveViewSet, basename="jobseeker")
router.register("follow-ups", FollowUpTaskViewSet, basename="follow-up")
router.register("import-jobs", ImportJobViewSet, basename="import-job")

urlpatterns = router.urls
