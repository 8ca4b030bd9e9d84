from django.apps import AppConfig


class JobseekersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jobseekers"
    verbose_name = "求职者档案"
