"""Mass testing's fixtures: the demo round (over the demo community, pool size 10, under way since today's
07:00) with its testing site, and helpers to find residents and to make records."""

import datetime
import itertools
from types import SimpleNamespace

import pytest
from django.utils import timezone

from frontline.core.models import User
from frontline.epidemic import models as epidemic
from frontline.people.models import Resident

_ids = itertools.count(1)


@pytest.fixture
def testing(city):
    collector = User.objects.get(username="collector")
    testing_round = epidemic.TestingRound.objects.get(staff__user=collector)
    site = epidemic.RoundSite.objects.filter(round=testing_round).select_related("site").first().site
    residents = list(Resident.objects.filter(household__building__area__path__startswith=city.community.path,
                                             moved_out__isnull=True, person__id_number__isnull=False)
                     .select_related("person").order_by("id")[:200])
    now = testing_round.starts_at + datetime.timedelta(hours=2)
    return SimpleNamespace(round=testing_round, site=site, collector=collector, people=[r.person for r in residents],
                           residents=residents, now=now)


def record(person=None, tube="TUBE000001", **extra):
    """A record as a terminal sends it: a fresh client id unless given."""
    values = {"client_id": f"c-{next(_ids)}", "tube_code": tube}
    if person is not None:
        values["id_number"] = person.id_number
    values.update(extra)
    return values


@pytest.fixture
def aware():
    return lambda *args: timezone.make_aware(datetime.datetime(*args))
