"""What the area tree adds to the platform: the area browser and the areas API."""

from django.utils.translation import gettext_lazy as _

from frontline.core import plugins, policy

from . import figures
from .api import router
from .models import Household

plugins.navigation.register(plugins.NavEntry("areas", _("Areas"), "area_root", order=20,
                                             allowed=lambda user: policy.allows(user, policy.VIEW)))
plugins.api_routers.register(plugins.ApiRouter("areas", router))

figures.register(figures.Figure(
    "households", _("Households"), _("households"), app="areas", rows=lambda at: Household.objects.all(),
    area="building__area", building="building", history=False, watch=(("areas.Household", "building__area"),),
    order=10))

# A wall screen or a statistics system reads figures, nothing else (a token of this purpose).
policy.purpose("figures:read", _("read places and figures"), policy.VIEW)
