from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "consulting"
    verbose_name = _("创业指导")

    def ready(self):
        from assistance.services import startup_case_open

        from .services import case_opener_register

        case_opener_register("startup_subsidy", startup_case_open)  # 申请创业补贴 → a 创业补贴 draft
