"""What people add to the platform: person search and the persons API."""

from django.utils.translation import gettext_lazy as _

from frontline.core import plugins

from .api import router

plugins.navigation.register(plugins.NavEntry("search", _("Search"), "person_search", order=40))
plugins.api_routers.register(plugins.ApiRouter("people", router))
