from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assistance"
    verbose_name = _("就业援助")

    def ready(self):
        from jobseekers import hooks

        from . import engine

        if engine.schedule_reevaluation not in hooks.ARCHIVE_CHANGED:
            hooks.ARCHIVE_CHANGED.append(engine.schedule_reevaluation)

        from training.services import register_claim_opener

        from .services import training_claim_open

        register_claim_opener(training_claim_open)  # 申领培训补贴 → a 补贴申领 draft
