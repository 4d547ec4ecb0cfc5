"""The wall part of the command centre: what it adds to the platform — a button on the dashboard opening the wall
screen of the area shown, in a new tab."""

from frontline.areas.models import Area
from frontline.core import plugins, policy

from .policy import VIEW_DASHBOARD


def _dashboard_panel(request, area):
    if not isinstance(area, Area) or not policy.allows_in(request.user, VIEW_DASHBOARD, area):
        return None
    return {"area": area}


plugins.panels.register(plugins.Panel("wall", "dashboard", "command/wall/panel.html", _dashboard_panel, order=90))
