"""The demo's control zones, in the demo community: a building of the demo grid sealed 8 days ago with its last
case 8 days ago (its step-down to controlled is due: the commander confirms it), a building of the next grid
sealed 9 days ago and stepped down to controlled 2 days ago, and a precaution zone over the whole community."""

import datetime

from django.db import transaction
from django.utils import timezone

from frontline.areas.models import Building
from frontline.core.models import User
from frontline.people.models import Resident


@transaction.atomic
def demo_zones_create(now: datetime.datetime | None = None) -> None:
    from frontline.epidemic.models import Case, CaseSource, CaseStatus, ControlZone, ZoneLevel
    from frontline.epidemic.zones import zone_declare, zone_step_down

    now = now or timezone.now()
    day = datetime.timedelta(days=1)
    commander = User.objects.get(username="commander")
    community = User.objects.get(username="secretary").area
    grid = User.objects.get(username="grid").area
    if ControlZone.objects.filter(area__path__startswith=community.path).exists():
        return
    # The demo grid's last building (the probes and examples elsewhere take the first), and a building of the
    # community's next grid.
    sealed = Building.objects.filter(area=grid).order_by("-id").first()
    controlled = (Building.objects.filter(area__path__startswith=community.path).exclude(area=grid)
                  .order_by("area__path", "id").first())
    if sealed is None or controlled is None:
        return
    zone_declare(actor=None, area=community, level=ZoneLevel.PRECAUTION, reason="社区出现阳性病例,全域划为防范区",
                 starts_at=now - 10 * day, now=now - 10 * day)
    zone_declare(actor=None, area=controlled.area, building=controlled, level=ZoneLevel.SEALED,
                 reason="楼内密接人员核酸阳性", starts_at=now - 9 * day, now=now - 9 * day)
    zone_declare(actor=None, area=grid, building=sealed, level=ZoneLevel.SEALED,
                 reason="楼内发现阳性病例", starts_at=now - 8 * day - datetime.timedelta(hours=2),
                 now=now - 8 * day - datetime.timedelta(hours=2))
    resident = (Resident.objects.filter(household__building=sealed, moved_out__isnull=True)
                .select_related("person").order_by("id").first())
    if resident is not None and not Case.objects.filter(person=resident.person, status=CaseStatus.OPEN).exists():
        Case.objects.create(person=resident.person, area=grid, grid=grid, opened_at=now - 8 * day,
                            source=CaseSource.MANUAL, status=CaseStatus.CLOSED, closed_at=now - 2 * day,
                            note="演示:封控楼栋的最后一例")
    to_step = ControlZone.objects.get(building=controlled, ends_at__isnull=True)
    zone_step_down(actor=commander, zone=to_step, now=now - 2 * day, note="连续7天无新增病例")
