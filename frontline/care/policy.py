"""The care app's role, actions and scope kinds (DESIGN.md, "Access"), declared once and imported by its services,
pages and API; the grants themselves are in `plugin.py`."""

from django.utils.translation import gettext_lazy as _

from frontline.core import policy
from frontline.core.roles import Role, register_role

HOTLINE = register_role("hotline", _("Hotline staff"), granted_by=(Role.STREET_OFFICER, Role.COMMUNITY_SECRETARY))

VIEW_ORDERS = policy.action("view_orders", _("see supply orders and their delivery"), "care", 150)
TAKE_ORDERS = policy.action("take_orders", _("take supply orders for a household"), "care", 151)
DISPATCH_ORDERS = policy.action("dispatch_orders", _("confirm supply orders and assign deliveries"), "care", 152)
VIEW_REQUESTS = policy.action("view_requests", _("see residents' requests and suggestions"), "care", 160)
TAKE_REQUESTS = policy.action("take_requests", _("take residents' requests and suggestions"), "care", 161)
HANDLE_REQUESTS = policy.action("handle_requests", _("handle, resolve and merge residents' requests"), "care", 162)
CALL_BACK = policy.action("call_back", _("call residents back on their resolved requests, and reopen them"), "care", 163)
VIEW_STOCK = policy.action("view_stock", _("see protective supplies and their stock"), "care", 170)
MOVE_STOCK = policy.action("move_stock", _("move protective supplies in, out, between sites, and issue them"),
                           "care", 171)
MANAGE_CATALOGUE = policy.action("manage_catalogue", _("keep the catalogue of supplies and gift packs"), "care", 172)
VIEW_STATIONS = policy.action("view_stations", _("see service stations, counseling sessions and hotline calls"),
                              "care", 180)
RECORD_SERVICE = policy.action("record_service", _("record counseling sessions and secretary-hotline calls"),
                               "care", 181)
MANAGE_RESIDENT_PAGES = policy.action("manage_resident_pages", _("publish a grid's resident page and print its poster"),
                                      "care", 182)
