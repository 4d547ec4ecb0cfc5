"""The access matrix's entries for control zones: the list and a zone's page (view_zones), declaring over an
area and raising or lifting a zone (manage_zones: a commander, a street officer), the step-down confirmation
(confirm_step_down: a commander), a zone's households (view_people: masked, audited), and a step-down work
order's own page (view_work, for those who may see the order and its zone)."""

import datetime

from django.utils import timezone

from frontline.core.models import WorkOrder
from frontline.core.services import work_order_create
from frontline.epidemic.models import ControlZone, ZoneChange
from frontline.epidemic.policy import CONFIRM_STEP_DOWN, MANAGE_ZONES, VIEW_ZONES
from frontline.epidemic.zones import STEP_DOWN, zone_declare


def _zone(o, where, user):
    return {"pk": o[where].control_zone.pk}


def _sees_order_and_zone(user, order) -> bool:
    return (WorkOrder.objects.visible_to(user).filter(pk=order.pk).exists()
            and ControlZone.objects.visible_to(user).filter(pk=order.subject_id).exists())


def entries(matrix):
    zone = matrix._obj("control_zone")
    pages = {
        "zone_list": matrix.Route(VIEW_ZONES, outside=False),
        "zone_detail": matrix.Route(VIEW_ZONES, _zone, zone),
        "zone_declare": matrix.Route(MANAGE_ZONES, lambda o, where, user: {"area_pk": o[where].grid.pk},
                                     matrix._obj("grid"), method="post",
                                     data=lambda o, where: {"level": "sealed", "reason": "楼内阳性"}),
        "zone_raise": matrix.Route(MANAGE_ZONES, _zone, zone, method="post",
                                   data=lambda o, where: {"level": "sealed", "note": "新增病例"}),
        "zone_lift": matrix.Route(MANAGE_ZONES, _zone, zone, method="post", data=lambda o, where: {"note": "解除"}),
        "zone_step_down": matrix.Route(CONFIRM_STEP_DOWN, _zone, zone, method="post",
                                       data=lambda o, where: {"note": "确认"}),
        "zone_households": matrix.Route("view_people", _zone, zone),
        "zone_step_down_order": matrix.Route("view_work", lambda o, where, user: {"pk": o[where].zone_order.pk},
                                             matrix._obj("zone_order"), visible=_sees_order_and_zone),
    }
    return pages, {}


def place(o, city):
    """A controlled building zone in each probe grid, due to step down (sealed 8 days ago, stepped down by rule
    is not needed: controlled for 4 days), with its step-down order in the commander's inbox."""
    now = timezone.now()
    for here, author in ((o.inside, "commander"), (o.outside, "district2")):
        since = now - datetime.timedelta(days=4)
        here.control_zone = zone_declare(actor=city.users[author], area=here.grid, building=here.building,
                                         level="controlled", reason="管控", starts_at=since, now=since)
        commander_area = city.users[author].area
        here.zone_order = work_order_create(actor=None, kind=STEP_DOWN, title=f"确认{here.control_zone.name}降级",
                                            area=commander_area, subject=here.control_zone, assignee_role="commander")


def fingerprint():
    return (tuple(ControlZone.objects.values_list("pk", "level", "ends_at").order_by("pk")), ZoneChange.objects.count())
