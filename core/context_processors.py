from .plugins import nav_templates
from .scoping import scope_of


def portal(request):
    """Role of the current user and each app's `includes/nav/<app>.html`, for the navigation."""
    return {"scope": scope_of(getattr(request, "user", None)), "nav_templates": nav_templates()}
