from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = _("公共基础")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from core.security import session_started

        user_logged_in.connect(session_started, dispatch_uid="core.security.session_started")
