from django.apps import AppConfig


class ConsultingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "consulting"
    verbose_name = "创业指导"
