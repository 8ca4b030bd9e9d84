from .scoping import scope_of


def portal(request):
    """Role of the current user, for the navigation."""
    return {"scope": scope_of(getattr(request, "user", None))}
