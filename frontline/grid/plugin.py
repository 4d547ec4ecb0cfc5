"""What the community grid adds to the platform: its work-order kinds, the door-to-door and publicity
pages, its API."""

import datetime

from django.utils.translation import gettext_lazy as _

from frontline.core import plugins

from .api import router

plugins.work_order_kinds.register(plugins.WorkOrderKindSpec(
    "revisit", _("Revisit a household"), app="grid", due=datetime.timedelta(days=1), escalate_until="street"))
plugins.work_order_kinds.register(plugins.WorkOrderKindSpec(
    "special_need_followup", _("Special-need follow-up"), app="grid", due=datetime.timedelta(days=1),
    escalate_until="district"))
plugins.navigation.register(plugins.NavEntry("campaigns", _("Door to door"), "campaign_list", order=30))
plugins.navigation.register(plugins.NavEntry("messages", _("Publicity"), "grid_message_list", order=60))
plugins.api_routers.register(plugins.ApiRouter("grid", router))
