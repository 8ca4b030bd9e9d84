from django.urls import path

from . import views

app_name = "consulting"

urlpatterns = [
    path("", views.home, name="home"),
    path("experts/<int:pk>/", views.expert_public, name="expert_public"),
    path("experts/<int:pk>/photo/", views.expert_photo, name="expert_photo"),
    path("book/<int:slot_pk>/", views.book, name="book"),
    path("cancel/<str:token>/", views.appointment_cancel_public, name="cancel"),
    path("staff/week/", views.WeekView.as_view(), name="week"),
    path("staff/experts/", views.ExpertListView.as_view(), name="expert_list"),
    path("staff/experts/new/", views.ExpertEditView.as_view(), name="expert_create"),
    path("staff/experts/<int:pk>/", views.ExpertEditView.as_view(), name="expert_edit"),
    path("staff/sessions/", views.SessionListView.as_view(), name="session_list"),
    path("staff/sessions/new/", views.SessionCreateView.as_view(), name="session_create"),
    path("staff/sessions/<int:pk>/cancel/", views.SessionCancelView.as_view(), name="session_cancel"),
    path("staff/slots/<int:pk>/cancel/", views.SlotCancelView.as_view(), name="slot_cancel"),
    path("staff/appointments/", views.AppointmentListView.as_view(), name="appointment_list"),
    path("staff/records/", views.RecordListView.as_view(), name="record_list"),
    path("staff/appointments/<int:pk>/record/", views.RecordCreateView.as_view(), name="record"),
    path("staff/appointments/<int:pk>/<str:what>/", views.AppointmentActionView.as_view(), name="appointment_action"),
    path("staff/records/<int:pk>/startup-subsidy/", views.RecordStartupSubsidyView.as_view(),
         name="record_startup_subsidy"),
    path("staff/attachments/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment"),
    path("staff/archives/<int:archive_pk>/book/", views.ArchiveBookView.as_view(), name="archive_book"),
    path("staff/utilisation/", views.UtilisationView.as_view(), name="utilisation"),
]
