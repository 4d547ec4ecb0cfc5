"""Every page, search and API endpoint of the foundation, against the access matrix:
a user at the place sees it, users above see it, users at a sibling place get 404."""

import pytest

from frontline.areas.models import Building, Household
from frontline.people.models import Person, Resident
from tests.access import assert_access, assert_listed

AT_GRID = ["grid", "cadre", "secretary", "street", "commander"]
SIBLINGS_OF_GRID = ["grid2", "secretary2", "district2"]
# The policy gives these roles no rosters at all (DESIGN.md, "Access"): 403 wherever they try.
NO_ROSTERS = ["volunteer", "courier", "enterprise", "inspector"]
NO_PLACES = ["volunteer", "courier", "enterprise"]


@pytest.fixture
def household(city):
    return Household.objects.filter(building__area=city.grid, residents__moved_out__isnull=True).order_by("id").first()


@pytest.fixture
def person(household):
    return Resident.objects.filter(household=household, person__id_number__isnull=False).order_by("id").first().person


def test_area_pages_follow_the_area_tree(city, client_for):
    assert_access(client_for, f"/areas/{city.grid.pk}/", sees=[*AT_GRID, "inspector"], hidden=SIBLINGS_OF_GRID,
                  refused=NO_PLACES)
    assert_access(client_for, f"/areas/{city.community.pk}/", sees=["secretary", "street", "commander"],
                  hidden=["grid", "secretary2", "district2"])
    assert_access(client_for, f"/areas/{city.city.pk}/", sees=["commander"], hidden=["street", "district2"])


def test_missing_objects_answer_like_hidden_ones(city, client_for):
    for url in ["/areas/999999/", "/buildings/999999/", "/households/999999/", "/people/999999/",
                "/api/v1/areas/999999", "/api/v1/households/999999", "/api/v1/persons/999999"]:
        assert client_for("commander").get(url).status_code == 404, url


def test_building_household_and_person_pages(city, client_for, household, person):
    for url in [f"/buildings/{household.building_id}/", f"/households/{household.pk}/", f"/people/{person.pk}/"]:
        assert_access(client_for, url, sees=AT_GRID, hidden=SIBLINGS_OF_GRID, refused=NO_ROSTERS)


def test_reveal_is_scoped_like_the_person(city, client_for, person):
    assert_access(client_for, f"/people/{person.pk}/reveal/phone/", method="post",
                  sees=["grid", "secretary", "street", "commander"], hidden=SIBLINGS_OF_GRID,
                  refused=[*NO_ROSTERS, "cadre"])


def test_person_search_finds_only_people_in_scope(city, client_for, person):
    marker = f'href="/people/{person.pk}/"'
    url = f"/people/search/?q={person.pinyin_full}"
    assert_listed(client_for, url, marker, sees=AT_GRID, hidden=SIBLINGS_OF_GRID, refused=NO_ROSTERS)


def test_api_detail_endpoints(city, client_for, household, person):
    assert_access(client_for, f"/api/v1/areas/{city.grid.pk}", sees=[*AT_GRID, "inspector"], hidden=SIBLINGS_OF_GRID,
                  refused=NO_PLACES, api=True)
    for url in [f"/api/v1/households/{household.pk}", f"/api/v1/persons/{person.pk}",
                f"/api/v1/households?area={city.grid.pk}"]:
        assert_access(client_for, url, sees=AT_GRID, hidden=SIBLINGS_OF_GRID, refused=NO_ROSTERS, api=True)
    assert_access(client_for, f"/api/v1/areas?parent={city.grid.pk}", sees=[*AT_GRID, "inspector"],
                  hidden=SIBLINGS_OF_GRID, refused=NO_PLACES, api=True)


def test_api_lists_and_search(city, client_for, household, person):
    assert_listed(client_for, f"/api/v1/persons?q={person.pinyin_full}", f'"id": {person.pk},',
                  sees=AT_GRID, hidden=SIBLINGS_OF_GRID, refused=NO_ROSTERS, api=True)
    assert_listed(client_for, "/api/v1/areas?level=grid&limit=500", f'"id": {city.grid.pk},',
                  sees=[*AT_GRID, "inspector"], hidden=SIBLINGS_OF_GRID, refused=NO_PLACES, api=True)
    # Filtered by the community: those above it see the household (a sibling's filter answers 404, tested above).
    assert_listed(client_for, f"/api/v1/households?area={city.community.pk}&limit=500", f'"id": {household.pk},',
                  sees=["secretary", "street", "commander"], hidden=[], api=True)
    assert_listed(client_for, "/api/v1/households?limit=500", f'"id": {household.pk},',
                  sees=AT_GRID, hidden=SIBLINGS_OF_GRID, refused=NO_ROSTERS, api=True)


def test_a_building_of_a_sibling_grid_is_not_listed_on_the_grid_page(city, client_for):
    mine = Building.objects.filter(area=city.grid).first()
    theirs = Building.objects.filter(area=city.sibling_grid).first()
    page = client_for("grid").get(f"/areas/{city.grid.pk}/").content.decode()
    assert f'href="/buildings/{mine.pk}/"' in page
    assert f'href="/buildings/{theirs.pk}/"' not in page


def test_audit_log_shows_entries_of_actors_in_scope(city, client_for, person):
    client_for("grid").post(f"/people/{person.pk}/reveal/phone/")
    url = f"/audit/?action=reveal&person={person.pk}"
    assert_listed(client_for, url, "<td>grid</td>", sees=["commander"], hidden=["district2"])
    assert client_for("grid").get(url).status_code == 403


def test_a_user_without_a_login_sees_nothing(city, household):
    from django.test import Client

    anonymous = Client()
    assert anonymous.get(f"/households/{household.pk}/").status_code == 302
    assert anonymous.get(f"/api/v1/households/{household.pk}").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer fl_not-a-token").get("/api/v1/areas").status_code == 401
    assert Person.objects.visible_to(None).count() == 0
