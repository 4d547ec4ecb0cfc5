"""What custody adds: the 交接 entry in the navigation for those who hand bags over, and the terminals' API."""

from django.utils.translation import gettext_lazy as _

from frontline.core import plugins, policy

from .custody_api import router
from .policy import HANDOVER_BAGS

plugins.navigation.register(plugins.NavEntry("custody", _("Bags"), "bag_desk", order=42,
                                             allowed=lambda user: policy.allows(user, HANDOVER_BAGS)))
plugins.api_routers.register(plugins.ApiRouter("epidemic_custody", router))
