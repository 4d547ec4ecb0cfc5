"""The access matrix's entries for control measures: the measures' page and an isolation site's (view_cases),
rooms, beds, transfers and releases (manage_measures), the daily health records (record_health: a grid worker
for their grids' people, with no view_cases), and a release work order's own page (view_work)."""

import datetime

from django.db.models import Count
from django.utils import timezone

from frontline.areas.models import Area, Site, SiteKind
from frontline.core import policy
from frontline.core.services import work_order_create
from frontline.epidemic import isolation, measures
from frontline.epidemic.models import ControlMeasure, HealthRecord, IsolationRoom, MeasureKind
from frontline.epidemic.policy import MANAGE_MEASURES, RECORD_HEALTH, VIEW_CASES
from frontline.people.models import Resident


def _sees_site(user, site) -> bool:
    return Site.objects.restrict(user, VIEW_CASES).filter(pk=site.pk).exists()


def _manages_site(user, site) -> bool:
    return policy.allows(user, MANAGE_MEASURES, site)


def _records(user, measure) -> bool:
    return isolation.health_scope(user).filter(pk=measure.pk).exists()


def entries(matrix):
    Route, obj = matrix.Route, matrix._obj

    def pk(attr):
        return lambda o, where, user: {"pk": getattr(o[where], attr).pk}

    pages = {
        "measure_home": Route(VIEW_CASES, outside=False),
        "measure_detail": Route(VIEW_CASES, pk("iso_measure"), obj("iso_measure")),
        "measure_transfer": Route(MANAGE_MEASURES, pk("iso_measure"), obj("iso_measure"), method="post",
                                  data=lambda o, w: {"room": o[w].iso_spare_room.pk}),
        "measure_release": Route(MANAGE_MEASURES, pk("iso_home_measure"), obj("iso_home_measure"), method="post"),
        "health_record": Route(RECORD_HEALTH, pk("iso_home_measure"), obj("iso_home_measure"), method="post",
                               data=lambda o, w: {"temperature": "36.5"}, visible=_records),
        "health_today": Route(RECORD_HEALTH, outside=False),
        "measure_release_order": Route(policy.VIEW_WORK, pk("iso_release_order"), obj("iso_release_order")),
        "isolation_site_detail": Route(VIEW_CASES, pk("iso_site"), obj("iso_site"), visible=_sees_site),
        "isolation_rooms_add": Route(MANAGE_MEASURES, pk("iso_site"), obj("iso_site"), method="post",
                                     data=lambda o, w: {"rooms": "P7-P8", "beds": "2"}, visible=_sees_site,
                                     may=_manages_site),
        "measure_isolate": Route(MANAGE_MEASURES, pk("iso_site"), obj("iso_site"), method="post",
                                 data=lambda o, w: {"person": o[w].iso_free_person.pk}, visible=_sees_site,
                                 may=_manages_site),
        "isolation_room_update": Route(MANAGE_MEASURES, pk("iso_spare_room"), obj("iso_spare_room"), method="post",
                                       data=lambda o, w: {"beds": "3"}),
    }
    return pages, {}


def place(o, city):
    """At each probe grid: an isolation site of its street (or district) with two rooms, one person in centralized
    isolation, one under home monitoring with a release work order, one free to assign."""
    now = timezone.now()
    for where, grid in (("inside", o.inside.grid), ("outside", o.outside.grid)):
        here = o[where]
        above = [a.path for a in Area.objects.get_ancestors(grid)]
        site = (Site.objects.filter(kind=SiteKind.ISOLATION, area__path__in=above).order_by("-area__depth", "id").first()
                or Site.objects.create(kind=SiteKind.ISOLATION, name="探针隔离点", area=Area.objects.get_parent(grid)))
        room = IsolationRoom.objects.create(site=site, number="P1", beds=3)
        here.iso_spare_room = IsolationRoom.objects.create(site=site, number="P2", beds=1)
        busy = ControlMeasure.objects.filter(released_at__isnull=True).values("person")
        people = [r.person for r in Resident.objects.filter(household__building__area=grid, moved_out__isnull=True)
                  .exclude(person__in=busy).order_by("-id")[:3]]
        here.iso_site = site
        here.iso_measure = isolation.measure_isolate(actor=None, person=people[0], room=room,
                                                     now=now - datetime.timedelta(days=1))
        (here.iso_home_measure,) = measures.measures_place(actor=None, now=now - datetime.timedelta(days=1), rows=[
            measures.MeasureRow(person_id=people[1].pk, kind=MeasureKind.HOME_MONITORING, area_id=grid.pk,
                                grid_id=grid.pk)])
        here.iso_free_person = people[2]
        here.iso_release_order = work_order_create(
            actor=None, kind=isolation.MEASURE_RELEASE, title="解除管控", area=Area.objects.get_parent(grid),
            subject=here.iso_home_measure, assignee_role="community_secretary")


def fingerprint():
    return (ControlMeasure.objects.count(), ControlMeasure.objects.filter(released_at__isnull=True).count(),
            tuple(ControlMeasure.objects.filter(room__isnull=False).values_list("room").annotate(n=Count("id"))
                  .order_by("room")),
            HealthRecord.objects.count(), IsolationRoom.objects.count(),
            tuple(IsolationRoom.objects.values_list("pk", "beds", "out_of_service").order_by("pk")))
