"""The access matrix's entries for the command dashboard: `/command/` (the viewer's own area) and an area's
dashboard (view_dashboard: the desks and inspectors; the area fetched through that action's scope, 404 alike for
missing and not theirs)."""

from frontline.areas.models import Area
from frontline.command.policy import VIEW_DASHBOARD


def _sees_dashboard(user, area) -> bool:
    return Area.objects.restrict(user, VIEW_DASHBOARD).filter(pk=area.pk).exists()


def entries(matrix):
    Route, _obj = matrix.Route, matrix._obj
    pages = {
        "command_home": Route(VIEW_DASHBOARD, outside=False),
        "command_dashboard": Route(VIEW_DASHBOARD, lambda o, where, user: {"pk": o[where].grid.pk}, _obj("grid"),
                                   visible=_sees_dashboard),
    }
    return pages, {}
