"""The demo's control measures: the street's isolation site partly occupied (a few people of the demo community
in centralized isolation, one two-bed room with one bed left, two single rooms full), and a few people of the
demo grid under home health monitoring with health records of the last days. Once (a site with people in it
is left as it is)."""

import datetime

from django.db import transaction
from django.utils import timezone

from frontline.areas.models import Area, Site, SiteKind
from frontline.core.models import User

HOME_MONITORED = 4


@transaction.atomic
def demo_isolation_create() -> None:
    from frontline.epidemic import isolation, measures
    from frontline.epidemic.models import ControlMeasure, IsolationRoom, MeasureKind, Retest
    from frontline.people.models import Resident

    grid = User.objects.get(username="grid").area
    community = Area.objects.get_parent(grid)
    street = Area.objects.get_parent(community)
    site = Site.objects.filter(kind=SiteKind.ISOLATION, area__path__startswith=street.path).order_by("id").first()
    if site is None or ControlMeasure.objects.filter(room__site=site).exists():
        return
    busy = ControlMeasure.objects.filter(released_at__isnull=True).values("person")
    people = list(Resident.objects.filter(household__building__area=grid, moved_out__isnull=True)
                  .exclude(person__in=busy).exclude(person__in=Retest.objects.values("person"))
                  .select_related("person").order_by("household_id", "id")[:3 + HOME_MONITORED])
    if len(people) < 3 + HOME_MONITORED:
        return
    now = timezone.now()
    rooms = {r.number: r for r in IsolationRoom.objects.filter(site=site).select_related("site")}
    two_beds = next((r for r in sorted(rooms.values(), key=lambda r: r.number) if r.beds >= 2), None)
    singles = [r for r in sorted(rooms.values(), key=lambda r: r.number) if r.beds == 1][:2]
    for resident, room in zip(people[:3], [two_beds, *singles], strict=False):
        if room is not None:
            isolation.measure_isolate(actor=None, person=resident.person, room=room, now=now - datetime.timedelta(days=2))
    start = now - datetime.timedelta(days=3)
    placed = measures.measures_place(actor=None, rows=[
        measures.MeasureRow(person_id=r.person_id, kind=MeasureKind.HOME_MONITORING, area_id=grid.pk, grid_id=grid.pk)
        for r in people[3:]], now=start, note="demo")
    today = timezone.localdate(now)
    for i, measure in enumerate(placed):
        for back in (2, 1, 0) if i % 2 == 0 else (2, 1):  # every other person not yet recorded today
            isolation.health_record(actor=None, measure=measure, temperature=f"36.{(i + back) % 8}",
                                    test_result="negative" if back else "",
                                    day=today - datetime.timedelta(days=back), now=now)
