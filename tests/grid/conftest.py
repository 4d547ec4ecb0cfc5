"""Fixtures of the door-to-door tests: a campaign running over the test community, a household with residents."""

import datetime

import pytest

from frontline.areas.models import Household
from frontline.grid.questions import STANDARD_QUESTIONS
from frontline.grid.services import screening_campaign_create

TODAY = datetime.date.today()


@pytest.fixture
def campaign(city):
    return screening_campaign_create(actor=city.users["secretary"], name="四月入户排查", areas=[city.community],
                                     starts_on=TODAY - datetime.timedelta(days=1), ends_on=TODAY + datetime.timedelta(days=3),
                                     form=STANDARD_QUESTIONS)


@pytest.fixture
def household(city):
    return Household.objects.filter(building__area=city.grid, residents__isnull=False).order_by("id").first()
