"""Navigation by role, for the base layout."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import DESK_ROLES, can_read_audit


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    nav = [("inbox", _("Inbox"), reverse("inbox")), ("areas", _("Areas"), reverse("area_root")),
           ("campaigns", _("Door to door"), reverse("campaign_list")), ("search", _("Search"), reverse("person_search"))]
    if user.is_superuser or user.role in DESK_ROLES:
        nav.append(("work_orders", _("Work orders"), reverse("work_order_list")))
    nav.append(("messages", _("Publicity"), reverse("grid_message_list")))
    if can_read_audit(user):
        nav.append(("audit", _("Audit log"), reverse("audit_list")))
    return {"nav": nav}
