"""The test city: a small generated city with the demo accounts, built once per session.

Tests run inside a transaction that is rolled back, so each sees this same city. Browser tests
(transactional, run last by pytest-django) see it through the live server.
"""

from types import SimpleNamespace

import pytest
from django.test import Client

from frontline.areas.models import Area, AreaLevel
from frontline.core.models import Assignment, User
from frontline.demo.accounts import DEMO_PASSWORD, DEMO_SINCE, demo_accounts_create
from frontline.demo.generator import generate_city

TEST_RESIDENTS = 1500
TEST_SEED = 7


def build_test_city():
    if User.objects.filter(username="district2").exists():
        return
    generate_city(residents=TEST_RESIDENTS, seed=TEST_SEED, progress=False)
    demo_accounts_create()
    # A community secretary of a sibling community and a commander of another district,
    # for "a user at a sibling place gets 404".
    community = User.objects.get(username="secretary").area
    sibling_community = Area.objects.filter(level=AreaLevel.COMMUNITY).exclude(pk=community.pk).order_by("path").first()
    other_district = Area.objects.filter(level=AreaLevel.DISTRICT).order_by("-path").first()
    for username, role, area in [("secretary2", "community_secretary", sibling_community),
                                 ("district2", "commander", other_district)]:
        user = User.objects.create(username=username, role=role, area=area)
        user.set_password(DEMO_PASSWORD)
        user.save()
        Assignment.objects.create(user=user, role=role, area=area, valid_from=DEMO_SINCE)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        build_test_city()


@pytest.fixture
def live_city(transactional_db):
    """The test city for transactional (browser) tests, which empty the database after each test."""
    build_test_city()


@pytest.fixture
def city(db):
    users = {u.username: u for u in User.objects.select_related("area")}
    grid = users["grid"].area
    return SimpleNamespace(
        users=users,
        city=Area.objects.get_first_root_node(),
        district=Area.objects.get_ancestors(grid).get(level=AreaLevel.DISTRICT),
        street=users["street"].area,
        community=users["secretary"].area,
        grid=grid,
        sibling_grid=users["grid2"].area,
        sibling_community=users["secretary2"].area,
        other_district=users["district2"].area,
    )


@pytest.fixture
def client_for(db):
    """A logged-in test client for a username."""
    def make(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client
    return make
