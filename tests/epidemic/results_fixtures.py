"""A round with tubes and samples for the results tests (rows inserted directly, as the registration
service will)."""

import datetime

from django.utils import timezone

from frontline.areas.models import Area, Site, SiteKind
from frontline.core.models import Assignment, User
from frontline.demo.accounts import DEMO_SINCE
from frontline.epidemic.models import Laboratory, Sample, TestingRound, Tube
from frontline.people.models import Person

T0 = timezone.make_aware(datetime.datetime(2022, 4, 3, 8, 0))


def demo_round(city) -> TestingRound:
    return TestingRound.objects.filter(round_areas__area=city.community).order_by("-id").first()


def lab_of(name="市第一检测中心") -> Laboratory:
    return Laboratory.objects.get(name=name)


def grid_people(grid: Area, n: int, skip: int = 0) -> list[Person]:
    return list(Person.objects.filter(residences__household__building__area=grid, residences__moved_out__isnull=True)
                .order_by("id").distinct()[skip:skip + n])


def site_in(area: Area) -> Site:
    return (Site.objects.filter(kind=SiteKind.TESTING, area=area).order_by("id").first()
            or Site.objects.create(kind=SiteKind.TESTING, name=f"{area.name}采样点", area=area))


def tube_with(testing_round, code: str, people: list[Person], *, site: Site, grid: Area | None, pool_size=None,
              laboratory=None, kind="routine") -> Tube:
    pool = pool_size or testing_round.pool_size
    tube = Tube.objects.create(round=testing_round, code=code, site=site, pool_size=pool, samples_count=len(people),
                               opened_at=T0, laboratory=laboratory)
    Sample.objects.bulk_create([Sample(round=testing_round, tube=tube, person=p, kind=kind, client_id=f"{code}-{i}",
                                       site=site, grid=grid, collected_at=T0, received_at=T0)
                                for i, p in enumerate(people)])
    return tube


def other_lab_staff() -> tuple[Laboratory, User]:
    """A second laboratory with an account of its own."""
    lab = lab_of()
    other, _ = Laboratory.objects.get_or_create(name="区第二检测中心", defaults={"area": lab.area})
    user, created = User.objects.get_or_create(username="lab2", defaults={"role": "lab_staff", "area": lab.area})
    if created:
        Assignment.objects.create(user=user, role="lab_staff", area=lab.area, valid_from=DEMO_SINCE)
        other.staff.add(user)
    return other, user
