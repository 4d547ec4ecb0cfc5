"""What serving residents adds to the platform: the hotline role's and every role's grants, the work-order kinds
of deliveries and requests, and (from the modules named at the end) its pages, API, figures and tasks."""

import datetime

from django.utils.translation import gettext_lazy as _

from frontline.core import plugins, policy
from frontline.core.roles import Role

from .orders import DELIVERY, ORDER_CHECK
from .policy import (
    CALL_BACK,
    DISPATCH_ORDERS,
    HANDLE_REQUESTS,
    HOTLINE,
    MANAGE_CATALOGUE,
    MANAGE_RESIDENT_PAGES,
    MOVE_STOCK,
    RECORD_SERVICE,
    TAKE_ORDERS,
    TAKE_REQUESTS,
    VIEW_ORDERS,
    VIEW_REQUESTS,
    VIEW_STATIONS,
    VIEW_STOCK,
)
from .requests import RESIDENT_REQUEST

DESK = policy.DESK
# Orders and requests: the desks and grid workers of the area, and hotline staff, who take them for callers;
# volunteers see an order only through the delivery work order in their own inbox.
policy.grant(VIEW_ORDERS, policy.AREA, *DESK, Role.GRID_WORKER, HOTLINE)
policy.grant(TAKE_ORDERS, policy.AREA, *DESK, Role.GRID_WORKER, HOTLINE)
policy.grant(DISPATCH_ORDERS, policy.AREA, *DESK, Role.GRID_WORKER)
policy.grant(VIEW_REQUESTS, policy.AREA, *DESK, Role.GRID_WORKER, HOTLINE)
policy.grant(TAKE_REQUESTS, policy.AREA, *DESK, Role.GRID_WORKER, HOTLINE)
policy.grant(HANDLE_REQUESTS, policy.AREA, *DESK, Role.GRID_WORKER)
policy.grant(CALL_BACK, policy.AREA, *DESK, HOTLINE)
# Protective supplies: not personal; the desks keep the stock, whoever works the area sees it.
policy.grant(VIEW_STOCK, policy.AREA, *DESK, Role.GRID_WORKER, Role.CADRE, Role.INSPECTOR)
policy.grant(MOVE_STOCK, policy.AREA, *DESK)
policy.grant(MANAGE_CATALOGUE, policy.AREA, Role.COMMANDER, Role.STREET_OFFICER)
policy.grant(VIEW_STATIONS, policy.AREA, *DESK, Role.GRID_WORKER, Role.CADRE, Role.INSPECTOR, HOTLINE)
policy.grant(RECORD_SERVICE, policy.AREA, *DESK, HOTLINE)
policy.grant(MANAGE_RESIDENT_PAGES, policy.AREA, *DESK)

plugins.work_order_kinds.register(plugins.WorkOrderKindSpec(
    ORDER_CHECK, _("Confirm an order from the resident page"), app="care", due=datetime.timedelta(hours=2),
    escalate_until="community", order=80))
plugins.work_order_kinds.register(plugins.WorkOrderKindSpec(
    DELIVERY, _("Deliver a supply order"), app="care", due=datetime.timedelta(hours=12), escalate_until="community",
    order=81))
plugins.work_order_kinds.register(plugins.WorkOrderKindSpec(
    RESIDENT_REQUEST, _("Handle a resident's request"), app="care", escalate_until="district", order=82,
    page="request_order"))

# Each part of the app declares its own pages, API, figures and tasks.
from . import plugin_parts  # noqa: E402, F401
