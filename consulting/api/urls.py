from rest_framework.routers import DefaultRouter

from .views import (
    AppointmentViewSet,
    ExpertViewSet,
    PublicBookingViewSet,
    PublicExpertViewSet,
    RecordViewSet,
    SessionViewSet,
    SlotViewSet,
)

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("consulting/experts", ExpertViewSet, basename="consulting-expert")
router.register("consulting/sessions", SessionViewSet, basename="consulting-session")
router.register("consulting/slots", SlotViewSet, basename="consulting-slot")
router.register("consulting/appointments", AppointmentViewSet, basename="consulting-appointment")
router.register("consulting/records", RecordViewSet, basename="consulting-record")
router.register("consulting/public/experts", PublicExpertViewSet, basename="consulting-public-expert")
router.register("consulting/public/bookings", PublicBookingViewSet, basename="consulting-public-booking")

urlpatterns = router.urls
