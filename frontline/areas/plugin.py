"""What the area tree adds to the platform: the area browser and the areas API."""

from django.utils.translation import gettext_lazy as _

from frontline.core import plugins

from .api import router

plugins.navigation.register(plugins.NavEntry("areas", _("Areas"), "area_root", order=20))
plugins.api_routers.register(plugins.ApiRouter("areas", router))
