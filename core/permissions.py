"""View mixins: who may open a page. Object scoping is `visible_to(user)` on the queryset."""

from django.contrib.auth.mixins import AccessMixin

from .scoping import scope_of


class RoleRequiredMixin(AccessMixin):
    """Anonymous → login page; logged in without a permitted role → 403."""

    allowed_levels: tuple[str, ...] = ("staff", "district", "city")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if scope_of(request.user).level not in self.allowed_levels:
            self.raise_exception = True
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)


class InternalRequiredMixin(RoleRequiredMixin):
    allowed_levels = ("staff", "district", "city")


class AdminRequiredMixin(RoleRequiredMixin):
    allowed_levels = ("district", "city")


class CityAdminRequiredMixin(RoleRequiredMixin):
    allowed_levels = ("city",)
