"""The demo's case (流调): of the demo round's positive pool, one person's single-tube re-test comes back
positive and another's negative. The positive one opens a case whose investigation finds the household's close
contacts, a close contact from the interview (a neighbour) with their household as secondary contacts, and
the companions who were at the demo grid's gate ("<grid>小区东门卡口") with the case for more than ten minutes;
each with a measure and a work order in their grid's inbox. The negative one leaves home health monitoring.
Once (a demo case from a re-test is left as it is)."""

import datetime

from django.db import transaction
from django.utils import timezone

from frontline.areas.models import Site, SiteKind
from frontline.core.models import User

NEIGHBOURS = 4  # at the gate with the case for half an hour: companions
PASSERS_BY = 2  # five minutes with the case: not companions


def demo_cases_create() -> None:
    from frontline.epidemic.cases import contact_add
    from frontline.epidemic.models import Case, CheckpointScan, Result, Retest, Sample, SampleKind, Tube
    from frontline.epidemic.results import positives_follow_up, retests_close_for
    from frontline.people.models import Resident

    demo_grid = User.objects.filter(username="grid").values_list("area_id", flat=True).first()
    pending = sorted(Retest.objects.filter(sample__isnull=True, tube__result=Result.POSITIVE, grid__isnull=False)
                     .select_related("tube", "round").order_by("id")[:20], key=lambda r: r.grid_id != demo_grid)
    if len(pending) < 2 or Case.objects.filter(tube__samples__kind=SampleKind.RETEST).exists():
        return
    sick, well = pending[:2]  # one of the demo grid's people first, where there is one
    grid, testing_round, site = sick.grid, sick.round, sick.tube.site
    gate = (Site.objects.filter(kind=SiteKind.CHECKPOINT, area_id=demo_grid, name__endswith="小区东门卡口").first()
            or Site.objects.filter(kind=SiteKind.CHECKPOINT, area_id=demo_grid).order_by("id").first())
    epi = User.objects.filter(username="epi").first()
    now = timezone.now()
    with transaction.atomic():
        tubes = []
        for n, retest in enumerate((sick, well), start=1):
            tube = Tube.objects.create(round=testing_round, code=f"RT{testing_round.pk:03d}-{n:05d}", site=site,
                                       pool_size=1, samples_count=1, opened_at=now - datetime.timedelta(hours=5))
            Sample.objects.create(round=testing_round, tube=tube, person_id=retest.person_id, kind=SampleKind.RETEST,
                                  client_id=f"demo-retest-{tube.code}", site=site, grid=grid,
                                  collected_at=tube.opened_at, received_at=tube.opened_at)
            tubes.append(tube)
        retests_close_for(round_id=testing_round.pk, person_ids=[sick.person_id, well.person_id], now=now)
        if gate is not None:  # the case and a few neighbours at the gate this morning
            household = Resident.objects.filter(person_id=sick.person_id, moved_out__isnull=True).values("household_id")
            others = list(Resident.objects.filter(household__building__area=gate.area_id, moved_out__isnull=True)
                          .exclude(household_id__in=household).order_by("-id")
                          .values_list("person_id", flat=True)[:NEIGHBOURS + PASSERS_BY + 1])
            start = now - datetime.timedelta(hours=4)
            plan = [(sick.person_id, start, start + datetime.timedelta(hours=1))]
            plan += [(p, start + datetime.timedelta(minutes=20), start + datetime.timedelta(minutes=50))
                     for p in others[:NEIGHBOURS]]
            plan += [(p, start + datetime.timedelta(minutes=55), start + datetime.timedelta(minutes=90))
                     for p in others[NEIGHBOURS:NEIGHBOURS + PASSERS_BY]]
            CheckpointScan.objects.bulk_create([
                CheckpointScan(day=timezone.localdate(at), site=gate, person_id=person, grid=None, direction=direction,
                               code_colour="green", temperature="36.4", passed=True, scanned_at=at, received_at=at,
                               client_id=f"demo-case-{person}-{direction}", staff=None)
                for person, came, left in plan for direction, at in (("in", came), ("out", left))],
                ignore_conflicts=True)
        Tube.objects.filter(pk=tubes[0].pk).update(result=Result.POSITIVE, result_at=now, result_source="demo")
        Tube.objects.filter(pk=tubes[1].pk).update(result=Result.NEGATIVE, result_at=now, result_source="demo")
        from frontline.epidemic.cases import retests_negative

        retests_negative(actor=None, tube_ids=[tubes[1].pk], now=now)
        positives_follow_up(actor=None, tube_ids=[tubes[0].pk], now=now)
        case = Case.objects.filter(person_id=sick.person_id, status="open").first()
        neighbour = (Resident.objects.filter(household__building__area=grid, moved_out__isnull=True,
                                             person__id_number__isnull=False)
                     .exclude(person__contacts__case=case).exclude(person_id=sick.person_id)
                     .order_by("id").select_related("person").first())
        if case is not None and neighbour is not None and epi is not None:
            contact_add(actor=epi, case=case, id_number=neighbour.person.id_number, note="同楼道邻居，曾一起买菜",
                        now=now)
