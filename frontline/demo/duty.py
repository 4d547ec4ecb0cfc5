"""Duty around the clock in the demo community: a week of shifts at its checkpoint, its party-masses service
centre and two grids, with check-ins (a few missed), holes at night and in the other grids, and a shift under
way now for the demo `cadre` account's person, who can check in on 我的值守."""

import datetime
import random

from django.utils import timezone

from frontline.areas.models import Area, AreaLevel, Site, SiteKind
from frontline.core.models import User
from frontline.mobilization.duty import DutyShift
from frontline.mobilization.duty_services import duty_check_in, duty_check_out, duty_shift_create
from frontline.people.models import Cadre, PartyMember


def demo_duty_create(days: int = 7, seed: int = 2022) -> None:
    if DutyShift.objects.exists():
        return
    rng = random.Random(seed)
    secretary = User.objects.get(username="secretary")
    community = secretary.area
    cadre_account = User.objects.get(username="cadre")
    if cadre_account.person_id is None:  # the newcomer stands for a cadre of a unit of the same district
        district = Area.objects.get_ancestors(community).get(level=AreaLevel.DISTRICT)
        cadre = (Cadre.objects.filter(unit_area__path__startswith=district.path, person__accounts__isnull=True)
                 .order_by("id").first())
        if cadre is None:
            return
        cadre_account.person = cadre.person
        cadre_account.save(update_fields=["person"])
    accounts = {u.person_id: u for u in User.objects.filter(person__isnull=False)}
    grid_worker, grid_worker2 = User.objects.get(username="grid"), User.objects.get(username="grid2")
    members = [m.person for m in PartyMember.objects.filter(org__area__path__startswith=community.path, left_on__isnull=True)
               .exclude(person__accounts__isnull=False).select_related("person").order_by("id")[:4]]
    checkpoint = Site.objects.filter(area=community, kind=SiteKind.CHECKPOINT).first()
    centre = Site.objects.filter(area=community, kind=SiteKind.SERVICE_CENTER).first()
    if len(members) < 4 or checkpoint is None or centre is None or not grid_worker.person_id or not grid_worker2.person_id:
        return
    now = timezone.now()
    today = timezone.localdate()

    def at(day, hour):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(hours=hour))

    planned = []  # (person, place kwargs, start, end)
    for back in range(days, -1, -1):
        day = today - datetime.timedelta(days=back)
        planned += [
            (members[0], {"site": checkpoint}, at(day, 0), at(day, 8)),
            (cadre_account.person if back else members[1], {"site": checkpoint}, at(day, 8), at(day, 16)),
            (members[2], {"site": checkpoint}, at(day, 16), at(day, 24)),
            (members[3], {"site": centre}, at(day, 8), at(day, 20)),
            (grid_worker.person, {"grid": grid_worker.area}, at(day, 8), at(day, 20)),
            (grid_worker2.person, {"grid": grid_worker2.area}, at(day, 8), at(day, 20)),  # nights uncovered
        ]
        if back % 3:  # the first grid's night, most nights
            planned.append((members[1], {"grid": grid_worker.area}, at(day, 20), at(day, 32)))
    start = timezone.localtime(now).replace(minute=0, second=0, microsecond=0) - datetime.timedelta(hours=1)
    planned.append((cadre_account.person, {"grid": grid_worker.area}, start, start + datetime.timedelta(hours=8)))
    for person, place, starts_at, ends_at in planned:
        shift = duty_shift_create(actor=secretary, person=person, starts_at=starts_at, ends_at=ends_at, **place)
        if starts_at > now or person.pk == cadre_account.person_id and ends_at > now:
            continue  # not begun, or the newcomer's own, to check in on the phone
        if place.get("site") == centre and ends_at > now:
            continue  # under way, nobody there yet: flagged 无人到岗
        if rng.random() > 0.85:
            continue  # missed
        actor = accounts.get(person.pk)
        checked_in = min(starts_at + datetime.timedelta(minutes=rng.randint(-15, 10)), now)
        duty_check_in(actor=actor, shift=shift, now=checked_in)
        if ends_at <= now:
            out = max(checked_in, ends_at + datetime.timedelta(minutes=rng.randint(-10, 15)))
            duty_check_out(actor=actor, shift=shift, now=min(out, now),
                           note="交接班正常" if rng.random() < 0.3 else "")
