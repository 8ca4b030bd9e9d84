from rest_framework.routers import SimpleRouter

from .views import ArchiveViewSet

router = SimpleRouter()
router.register("jobseekers", ArchiveViewSet, basename="jobseeker")

urlpatterns = router.urls
