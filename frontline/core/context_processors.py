"""The base layout's navigation (the entries the apps registered that this user may use, by the policy)
and the account's assignments in force."""

from django.urls import reverse

from . import plugins, policy


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    return {"nav": [(entry.code, entry.label, reverse(entry.url_name)) for entry in plugins.navigation
                    if entry.allowed(user)],
            "my_assignments": policy.assignments(user)}
