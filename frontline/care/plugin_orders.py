"""What supply orders add: the navigation entries (orders for the desks, the delivery run for those who deliver),
the household page's order history, the home page's button to the run, the API, the figures, and the words of
their audit notes.

Figures (definitions):
- `orders_placed` (每天配送订单): orders placed in the period (by `placed_at`, the local `day` bounding it),
  counted in the order's grid, whatever became of them.
- `orders_delivered`: orders handed over at the door in the period (by `delivered_at`).
- `orders_open`: orders now placed, assigned or picked up (not yet delivered, failed or cancelled). Kept per grid,
  moved by every order written through the ORM (its status changes only through the services' `save`); no
  history (a cancelled or failed order keeps no time of it).
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from frontline.areas import figures
from frontline.core import plugins, policy
from frontline.core.models import ACTIVE_STATUSES, WorkOrder
from frontline.core.roles import Role

from .models import OPEN_ORDER_STATUSES, OrderStatus, SupplyOrder
from .order_api import router
from .order_selectors import household_orders
from .order_services import PHONE_NOTE
from .orders import DELIVERY
from .policy import DISPATCH_ORDERS, TAKE_ORDERS, VIEW_ORDERS

ORDERS = pgettext_lazy("figure unit", "orders")


def delivers(user) -> bool:
    """Volunteers and grid workers have a delivery run (no query: the request's assignments)."""
    return any(a.role in (Role.VOLUNTEER, Role.GRID_WORKER) for a in policy.assignments(user))


plugins.navigation.register(plugins.NavEntry("orders", _("Supply orders"), "order_list", order=35,
                                             allowed=lambda user: policy.allows(user, VIEW_ORDERS)))
plugins.navigation.register(plugins.NavEntry("deliveries", _("My deliveries"), "delivery_run", order=11,
                                             allowed=delivers))
plugins.api_routers.register(plugins.ApiRouter("care_orders", router))

figures.register(figures.Figure(
    "orders_placed", _("Supply orders placed"), ORDERS, app="care", kind=figures.FLOW,
    rows=lambda at: SupplyOrder.objects.all(), when="placed_at", day="day", area="area",
    building="household__building", order=150))
figures.register(figures.Figure(
    "orders_delivered", _("Supply orders delivered"), ORDERS, app="care", kind=figures.FLOW,
    rows=lambda at: SupplyOrder.objects.filter(status=OrderStatus.DELIVERED), when="delivered_at", area="area",
    building="household__building", order=151))
figures.register(figures.Figure(
    "orders_open", _("Supply orders not yet delivered"), ORDERS, app="care",
    rows=lambda at: SupplyOrder.objects.filter(status__in=OPEN_ORDER_STATUSES), area="area",
    building="household__building", history=False, watch=(("care.SupplyOrder", "area"),), order=152))


def _household_panel(request, household):
    """The household's orders, newest first, for those who may see orders where it is."""
    area = household.building.area
    if not policy.allows_in(request.user, VIEW_ORDERS, area):
        return None
    return {"household": household, "orders": list(household_orders(actor=request.user, household=household)),
            "may_take": policy.allows_in(request.user, TAKE_ORDERS, area)}


def _home_panel(request, obj):
    """The one big button to the delivery run, with how many stops wait."""
    if not delivers(request.user):
        return None
    waiting = WorkOrder.objects.filter(kind=DELIVERY, assignee=request.user, status__in=ACTIVE_STATUSES).count()
    if not waiting and not policy.allows(request.user, DISPATCH_ORDERS):
        return None
    return {"waiting": waiting, "today": timezone.localdate()}


plugins.panels.register(plugins.Panel("order_history", "household", "care/orders/panels/household_orders.html",
                                      _household_panel, order=20))
plugins.panels.register(plugins.Panel("delivery_run", "home", "care/orders/panels/home_deliveries.html",
                                      _home_panel, order=8))
for note, label in [(PHONE_NOTE, _("contact phone")), ("order cancelled", _("order cancelled"))]:
    plugins.audit_notes.register(plugins.AuditNote(note, label))
