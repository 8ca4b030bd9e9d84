from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core import views as core_views
from core.forms import PortalAuthenticationForm, PortalPasswordChangeForm
from core.plugins import app_label, app_modules

# Each app's URLs plug in by discovery (core/plugins.py): `<app>/urls.py` under /<app>/ and
# `<app>/api/urls.py` under /api/, so adding an app needs no edit here. core's pages (no core/urls.py)
# are listed below.
api_patterns = [path("", include(module)) for module in app_modules("api.urls")]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("about/", core_views.AboutView.as_view(), name="about"),
    path("healthz", core_views.healthz, name="healthz"),
    path("audit/", core_views.AuditEventListView.as_view(), name="audit_list"),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=PortalAuthenticationForm),
         name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(form_class=PortalPasswordChangeForm),
         name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include(api_patterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    *[path(f"{app_label(module)}/", include(module)) for module in app_modules("urls")],
    # public pages an app serves outside its own prefix (`<app>/public_urls.py`, e.g. /statistics/)
    *[path("", include(module)) for module in app_modules("public_urls")],
]

admin.site.site_header = "社区就业服务站门户 · 管理后台"
admin.site.site_title = "社区就业服务站门户"

handler404 = "core.api.exceptions.page_not_found"  # JSON under /api/, the portal's page elsewhere
