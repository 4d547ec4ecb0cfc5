"""The access matrix's entries for the wall screen: the page and its figures (view_dashboard on the area, found
through the dashboard's own scope: desks and inspectors; 404 alike for "missing" and "not yours")."""

from frontline.areas.models import Area
from frontline.command.policy import VIEW_DASHBOARD


def _sees_dashboard(user, area) -> bool:
    return Area.objects.restrict(user, VIEW_DASHBOARD).filter(pk=area.pk).exists()


def entries(matrix):
    Route, _obj = matrix.Route, matrix._obj
    community = _obj("community")
    pk = lambda o, where, user: {"pk": o[where].community.pk}  # noqa: E731
    pages = {
        "command_wall": Route(VIEW_DASHBOARD, pk, community, visible=_sees_dashboard),
        "command_wall_data": Route(VIEW_DASHBOARD, pk, community, visible=_sees_dashboard),
    }
    return pages, {}
