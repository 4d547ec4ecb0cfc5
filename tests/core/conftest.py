"""Fixtures of the work-order tests: an overdue revisit for the grid workers of the test grid."""

import datetime

import pytest

from frontline.areas.models import Household
from frontline.core.services import work_order_create

T0 = datetime.datetime(2022, 4, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def household(city):
    return Household.objects.filter(building__area=city.grid).order_by("id").first()


@pytest.fixture
def order(city, household):
    return work_order_create(actor=city.users["secretary"], kind="revisit", title="复访 1栋101", area=city.grid,
                             subject=household, assignee_role="grid_worker", due_at=T0)
