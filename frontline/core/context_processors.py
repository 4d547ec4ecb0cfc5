"""Navigation by role, for the base layout."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import can_read_audit


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    nav = [("home", _("Today"), reverse("home")), ("areas", _("Areas"), reverse("area_root")),
           ("search", _("Search"), reverse("person_search"))]
    if can_read_audit(user):
        nav.append(("audit", _("Audit log"), reverse("audit_list")))
    return {"nav": nav}
