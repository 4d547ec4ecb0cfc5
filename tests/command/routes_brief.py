"""The access matrix's entries for the daily brief: an area's brief page and its PDF (view_dashboard, the area within
the viewer's dashboards: 404 alike for missing and not theirs), and the brief placed in the inbox (its work order's
page, for who sees the order and the area's dashboards) with its 已阅 (who may act on the order)."""

import datetime

from django.utils import timezone

from frontline.areas.models import Area
from frontline.command.brief_services import brief_place
from frontline.command.models import DailyBrief
from frontline.command.policy import VIEW_DASHBOARD
from frontline.core.models import WorkOrder
from frontline.core.services import can_act


def _dashboards(user, area) -> bool:
    return Area.objects.restrict(user, VIEW_DASHBOARD).filter(pk=area.pk).exists()


def _sees_brief(user, order) -> bool:
    return WorkOrder.objects.visible_to(user).filter(pk=order.pk).exists() and _dashboards(user, order.area)


def _pk(attr):
    return lambda o, where, user: {"pk": getattr(o[where], attr).pk}


def entries(matrix):
    Route, _obj = matrix.Route, matrix._obj
    community, order = _obj("community"), _obj("brief_order")
    pages = {
        "command_brief": Route(VIEW_DASHBOARD, _pk("community"), community, visible=_dashboards),
        "command_brief_pdf": Route(VIEW_DASHBOARD, _pk("community"), community, visible=_dashboards),
        "command_brief_order": Route(VIEW_DASHBOARD, _pk("brief_order"), order, visible=_sees_brief),
        "command_brief_read": Route(VIEW_DASHBOARD, _pk("brief_order"), order, method="post", visible=_sees_brief,
                                    may=lambda user, work: can_act(user, work)),
    }
    return pages, {}


def place(o, city):
    """Yesterday's brief of each probe community, placed in its inbox as the scheduled task would."""
    day = timezone.localdate() - datetime.timedelta(days=1)
    for here in (o.inside, o.outside):
        here.brief_order = brief_place(area=here.community, day=day).work_order


def fingerprint():
    return (DailyBrief.objects.count(),)
