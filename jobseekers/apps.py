from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobseekersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jobseekers"
    verbose_name = _("求职者档案")
