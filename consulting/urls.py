from django.urls import path

from . import views

app_name = "consulting"

urlpatterns = [
    path("", views.home, name="home"),
    path("experts/<int:pk>/", views.expert_public, name="expert_public"),
    path("book/<int:slot_pk>/", views.book, name="book"),
    path("cancel/<str:token>/", views.appointment_cancel_public, name="cancel"),
]
