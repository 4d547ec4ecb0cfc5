"""Demo data for monthly stationing (家园驻守): last month's and this month's days of the cadres living in the
demo street, some confirmed, some waiting, some cadres under the minimum; the demo `cadre` account stands for
one of them and can log today."""

import datetime

from django.db import transaction
from django.utils import timezone

from frontline.areas.models import Area, AreaLevel
from frontline.core.models import User
from frontline.mobilization.stationing import StationingDay, StationingStatus
from frontline.mobilization.stationing_services import home_community, month_end, month_start, previous_month
from frontline.people.models import Cadre, CadreRank, Resident

# Confirmed days last month, cadre by cadre (under 5 for some), and this month's (confirmed, waiting).
LAST_MONTH = [3, 6, 5, 2, 7, 4, 5, 8, 1, 6, 5, 4]
THIS_MONTH = [(2, 1), (3, 0), (1, 2), (4, 1), (0, 1), (2, 2)]


def _demo_cadre(community: Area) -> Cadre | None:
    """The cadre behind the demo `cadre` account: one of county level and below living in the community."""
    account = User.objects.filter(username="cadre").first()
    if account is None:
        return None
    if account.person_id:  # linked already (by another part of the demo): that person is the cadre
        return Cadre.objects.get_or_create(person_id=account.person_id, defaults={
            "home_unit": "市卫生健康委员会", "rank": CadreRank.SECTION, "unit_area": Area.objects.get_first_root_node(),
            "position": "干部"})[0]
    cadre = (Cadre.objects.exclude(rank=CadreRank.BUREAU)
             .filter(person__residences__household__building__area__path__startswith=community.path,
                     person__residences__moved_out__isnull=True, person__accounts__isnull=True)
             .order_by("id").first())
    if cadre is None:
        resident = (Resident.objects.filter(household__building__area__path__startswith=community.path,
                                            moved_out__isnull=True, person__cadre__isnull=True,
                                            person__accounts__isnull=True).order_by("id").first())
        if resident is None:
            return None
        cadre = Cadre.objects.create(person=resident.person, home_unit="市卫生健康委员会", rank=CadreRank.SECTION,
                                     unit_area=Area.objects.get_first_root_node(), position="干部")
    account.person_id = cadre.person_id
    account.save(update_fields=["person"])
    return cadre


@transaction.atomic
def demo_stationing_create() -> int:
    """Create the demo's stationing days once; returns how many."""
    if StationingDay.objects.exists():
        return 0
    secretary = User.objects.filter(username="secretary").select_related("area").first()
    street_officer = User.objects.filter(username="street").select_related("area").first()
    if secretary is None or street_officer is None:
        return 0
    community, street = secretary.area, street_officer.area
    mine = _demo_cadre(community)
    cadres = [mine] if mine else []
    district = Area.objects.get_parent(street) or street
    for place in (street, district):  # the street's cadres first, then the district's, twelve in all
        cadres += list(Cadre.objects.exclude(rank=CadreRank.BUREAU).exclude(pk__in=[c.pk for c in cadres])
                       .filter(person__residences__household__building__area__path__startswith=place.path,
                               person__residences__moved_out__isnull=True).select_related("person")
                       .order_by("id")[:12 - len(cadres)])
    today = timezone.localdate()
    this, last = month_start(today), previous_month(today)
    now = timezone.now()
    rows = []
    for i, cadre in enumerate(cadres):
        where = home_community(cadre, today)
        if where is None or where.level != AreaLevel.COMMUNITY or not where.path.startswith(street.path):
            where = community  # cadres from elsewhere in the district station in the demo community
        decider = secretary if where.pk == community.pk else street_officer
        logger = User.objects.filter(person_id=cadre.person_id).first()
        last_days = sorted({last + datetime.timedelta(days=(3 * k + i) % (month_end(last).day)) for k in
                            range(LAST_MONTH[i % len(LAST_MONTH)])})
        for day in last_days:
            rows.append(StationingDay(cadre=cadre, community=where, day=day, logged_by=logger, note="入户走访",
                                      status=StationingStatus.CONFIRMED, decided_by=decider, decided_at=now))
        confirmed, waiting = THIS_MONTH[i % len(THIS_MONTH)]
        past = [this + datetime.timedelta(days=d) for d in range(today.day - 1)]  # before today: today stays free
        for k, day in enumerate(past[-(confirmed + waiting):] if confirmed + waiting else []):
            done = k < confirmed and day < today - datetime.timedelta(days=1)
            rows.append(StationingDay(cadre=cadre, community=where, day=day, logged_by=logger,
                                      note="卡口值守" if k % 2 else "核酸检测秩序维护",
                                      status=StationingStatus.CONFIRMED if done else StationingStatus.WAITING,
                                      decided_by=decider if done else None, decided_at=now if done else None))
    StationingDay.objects.bulk_create(rows)
    return len(rows)
