from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def working_time(seconds: int | None) -> str:
    """3 min, 1 h 20 min, 2 d 3 h: working seconds the way people say them."""
    if seconds is None:
        return ""
    minutes = max(0, int(seconds)) // 60
    if minutes < 60:
        return _("%(m)s min") % {"m": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": minutes}
    days, hours = divmod(hours, 24)
    return _("%(d)s d %(h)s h") % {"d": days, "h": hours}
