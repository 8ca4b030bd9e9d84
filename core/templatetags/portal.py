"""Template filters shared by the apps' pages."""

from django import template

register = template.Library()


@register.filter
def linked_filters(form) -> list:
    """The hidden filters a link set on a list (a dashboard cell's station, street or district)."""
    return [field for field in form.hidden_fields() if field.value() not in (None, "")]
