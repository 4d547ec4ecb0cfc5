"""The demo's mass testing: a round under way over the demo community, its testing site, a laboratory, and
the accounts of a collector at that site, a transporter over the street and the laboratory's staff."""

import datetime

from django.utils import timezone

from frontline.areas.models import Area, Site, SiteKind
from frontline.core.models import User


def testing_accounts_create(password: str, community: Area) -> list[tuple[User, str]]:
    """The round (once: it starts at today's 07:00 and runs three days), and the three accounts (reset)."""
    from frontline.epidemic.models import Laboratory, RoundStaff, StaffRole, TestingRound
    from frontline.epidemic.rounds import round_staff_add, testing_round_create

    street = Area.objects.get_parent(community)
    site = (Site.objects.filter(kind=SiteKind.TESTING, area=community).order_by("id").first()
            or Site.objects.create(kind=SiteKind.TESTING, name=f"{community.name}核酸采样点", area=community))
    lab, _ = Laboratory.objects.get_or_create(name="市第一检测中心", defaults={"area": street})
    testing_round = TestingRound.objects.filter(round_areas__area=community).order_by("-id").first()
    if testing_round is None:
        start = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(7)))
        if start > timezone.now() - datetime.timedelta(hours=3):  # the demo's samples (the last 3 hours) and
            # the collector's staffing fall inside the round at any hour: before 10:00 it started yesterday
            start -= datetime.timedelta(days=1)
        testing_round = testing_round_create(
            actor=None, name=f"{community.name}全员核酸检测(第一轮)", areas=[community], starts_at=start,
            ends_at=start + datetime.timedelta(days=3), pool_size=10,
            sites=[(site, start, start + datetime.timedelta(days=3))])
        testing_round.status = "open"
        testing_round.save(update_fields=["status"])
    result = []
    for username, role, where in [("collector", StaffRole.COLLECTOR, site.name), ("transporter", StaffRole.TRANSPORTER,
                                                                                 street.name), ("lab", None, lab.name)]:
        user, _ = User.objects.update_or_create(username=username, defaults={
            "role": role or "lab_staff", "area": community if role == StaffRole.COLLECTOR else street,
            "is_staff": False, "is_superuser": False, "is_active": True})
        user.set_password(password)
        user.save()
        if role and not RoundStaff.objects.filter(round=testing_round, user=user).exists():
            round_staff_add(actor=None, testing_round=testing_round, user=user, role=role,
                            site=site if role == StaffRole.COLLECTOR else None, area=street)
        if role is None:
            from frontline.core.models import Assignment
            from frontline.demo.accounts import DEMO_SINCE

            Assignment.objects.get_or_create(user=user, role="lab_staff", area=street, defaults={"valid_from": DEMO_SINCE})
            lab.staff.add(user)
        result.append((user, where))
    return result



DEMO_SAMPLE_SHARE = 0.6  # of each grid's residents sampled so far: the rest are left for door-knocking
DEMO_SAMPLES_MAX = 450
DEMO_BAG_TUBES = 20


def demo_testing_create() -> None:
    """The demo round under way: a few hundred residents of the demo community sampled in pooled tubes of
    the round's size (one grid a tube), a bedridden resident to be sampled at home and one away; the first
    tubes sealed in bags, the first bag delivered to the laboratory with its results (one pooled tube
    positive, its people marked for single-tube re-tests), the second bag on its way; the untested left for
    door-knocking. Set-based inserts, once (a round that has tubes is left as it is)."""
    import math
    import uuid

    from django.db import transaction

    from frontline.core.audit import audit_record
    from frontline.core.models import AuditAction
    from frontline.epidemic.models import (
        Bag,
        Handover,
        HandoverStage,
        Laboratory,
        Result,
        RoundStaff,
        Sample,
        StaffRole,
        Tube,
    )
    from frontline.epidemic.results import positives_follow_up
    from frontline.epidemic.rounds import round_exemption_add
    from frontline.people.models import Person, Resident

    staff = (RoundStaff.objects.filter(role=StaffRole.COLLECTOR, user__username="collector")
             .select_related("round", "site", "user").order_by("-id").first())
    if staff is None or Tube.objects.filter(round=staff.round).exists():
        return
    testing_round, site, collector = staff.round, staff.site, staff.user
    transporter = User.objects.filter(username="transporter").first()
    lab = Laboratory.objects.filter(staff__username="lab").order_by("id").first()
    community = Area.objects.get(pk=testing_round.round_areas.order_by("id").values("area_id")[:1])
    with transaction.atomic():
        rows = list(Resident.objects.filter(household__building__area__path__startswith=community.path,
                                            moved_out__isnull=True)
                    .order_by("household__building__area__path", "household_id", "id")
                    .values_list("person_id", "household__building__area_id"))
        by_grid: dict[int, list[int]] = {}
        for person_id, grid_id in rows:
            by_grid.setdefault(grid_id, []).append(person_id)
        exempt = set()
        first_grid = next(iter(by_grid.values()), [])
        for kind, person_id in zip(("door_to_door", "away"), first_grid[-2:]):
            round_exemption_add(actor=None, testing_round=testing_round, person=Person.objects.get(pk=person_id),
                                kind=kind, note="卧床老人" if kind == "door_to_door" else "在外地")
            exempt.add(person_id)
        per_grid = max(1, DEMO_SAMPLES_MAX // max(1, len(by_grid)))
        start = max(testing_round.starts_at, timezone.now() - datetime.timedelta(hours=3))
        size = testing_round.pool_size
        tubes, members = [], []
        for grid_id, people in by_grid.items():
            chosen = [p for p in people if p not in exempt]
            chosen = chosen[:min(per_grid, math.ceil(len(chosen) * DEMO_SAMPLE_SHARE))]
            for i in range(0, len(chosen), size):
                group = chosen[i:i + size]
                n = len(tubes)
                tubes.append(Tube(round=testing_round, code=f"GZ{testing_round.pk:03d}-{n + 1:05d}", site=site,
                                  pool_size=size, samples_count=len(group), collector=collector,
                                  opened_at=start + datetime.timedelta(minutes=2 * n)))
                members.append((grid_id, group))
        if not tubes:
            return
        Tube.objects.bulk_create(tubes, batch_size=500)
        tubes = list(Tube.objects.filter(round=testing_round).order_by("code"))
        samples = [Sample(round=testing_round, tube=tube, person_id=person_id, client_id=uuid.uuid4().hex, site=site,
                          grid_id=grid_id, collector=collector, collected_at=tube.opened_at + datetime.timedelta(seconds=20 * j),
                          received_at=tube.opened_at + datetime.timedelta(seconds=20 * j + 5))
                   for tube, (grid_id, group) in zip(tubes, members) for j, person_id in enumerate(group)]
        Sample.objects.bulk_create(samples, batch_size=1000)
        # Two bags sealed: the first handed over and delivered, the second picked up; the rest not bagged yet.
        now = timezone.now()
        per_bag = min(DEMO_BAG_TUBES, max(1, len(tubes) // 3))  # a small city still leaves tubes not bagged
        bagged = [tubes[i:i + per_bag] for i in range(0, min(len(tubes), 2 * per_bag), per_bag)]
        for n, bag_tubes in enumerate(bagged):
            sealed_at = min(now, bag_tubes[-1].opened_at + datetime.timedelta(minutes=10))
            bag = Bag.objects.create(round=testing_round, code=f"BAG{testing_round.pk:03d}-{n + 1:03d}", site=site,
                                     sealed_count=len(bag_tubes), sealed_at=sealed_at, sealed_by=collector,
                                     laboratory=lab if n == 0 else None)
            Tube.objects.filter(pk__in=[t.pk for t in bag_tubes]).update(bag=bag)
            Handover.objects.create(bag=bag, stage=HandoverStage.PICKED_UP, received_by=transporter,
                                    at=sealed_at, counted=len(bag_tubes))
            if n == 0:
                delivered = min(now, sealed_at + datetime.timedelta(minutes=40))  # nothing in the future
                Handover.objects.create(bag=bag, stage=HandoverStage.DELIVERED, received_by=lab.staff.first(),
                                        at=delivered, counted=len(bag_tubes))
                reported = min(now, delivered + datetime.timedelta(hours=4))
                Tube.objects.filter(bag=bag).update(laboratory=lab, result=Result.NEGATIVE, result_at=reported,
                                                    result_source=lab.name)
                positive = bag_tubes[len(bag_tubes) // 2]
                Tube.objects.filter(pk=positive.pk).update(result=Result.POSITIVE)
                # as a laboratory's file does it: the pool's people on re-test, a re-sampling order each to their grid
                positives_follow_up(actor=None, tube_ids=[positive.pk], now=reported)
        audit_record(actor=None, action=AuditAction.CREATE, obj=testing_round,
                     note=f"demo: {len(samples)} samples in {len(tubes)} tubes")
