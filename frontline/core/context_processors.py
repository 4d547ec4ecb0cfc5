"""Navigation for the base layout: the entries the apps registered that this user may use."""

from django.urls import reverse

from . import plugins


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    return {"nav": [(entry.code, entry.label, reverse(entry.url_name)) for entry in plugins.navigation
                    if entry.allowed(user)]}
