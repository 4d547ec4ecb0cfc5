"""The dashboard part of the command centre: what it adds to the platform (the navigation entry 指挥)."""

from django.utils.translation import gettext_lazy as _

from frontline.core import plugins, policy

from .policy import VIEW_DASHBOARD

plugins.navigation.register(plugins.NavEntry("command", _("Command"), "command_home", order=5,
                                             allowed=lambda user: policy.allows(user, VIEW_DASHBOARD)))
