import re

from frontline.areas.models import Area, Building, Household
from frontline.people.models import Resident


def _count(page: str, testid: str) -> int:
    return int(re.search(rf'data-testid="{testid}">(\d+)<', page).group(1))


def test_counts_move_when_a_resident_moves_out(city, client_for):
    client = client_for("grid")
    before = _count(client.get(f"/areas/{city.grid.pk}/").content.decode(), "total-residents")
    resident = Resident.objects.filter(household__building__area=city.grid, moved_out__isnull=True).first()
    from frontline.people.services import resident_move_out

    resident_move_out(actor=city.users["secretary"], resident=resident, moved_out=resident.moved_in)
    after = _count(client.get(f"/areas/{city.grid.pk}/").content.decode(), "total-residents")
    assert after == before - 1


def test_drill_down_from_city_to_household(city, client_for):
    client = client_for("commander")
    page = client.get(f"/areas/{city.city.pk}/").content.decode()
    assert f'href="/areas/{city.district.pk}/"' in page
    page = client.get(f"/areas/{city.community.pk}/").content.decode()
    assert f'href="/areas/{city.grid.pk}/"' in page
    building = Building.objects.filter(area=city.grid).order_by("name").first()
    page = client.get(f"/areas/{city.grid.pk}/").content.decode()
    assert f'href="/buildings/{building.pk}/"' in page
    household = building.households.order_by("unit", "room").first()
    page = client.get(f"/buildings/{building.pk}/").content.decode()
    assert f'href="/households/{household.pk}/"' in page
    page = client.get(f"/households/{household.pk}/").content.decode()
    names = [r.person.name for r in household.residents.select_related("person")]
    assert all(name in page for name in names)
    assert city.grid.name in page and city.community.name in page  # breadcrumb


def test_breadcrumb_links_only_to_areas_in_scope(city, client_for):
    page = client_for("grid").get(f"/areas/{city.grid.pk}/").content.decode()
    crumb = page[page.index('data-testid="breadcrumb"'):page.index("</ol>")]
    assert city.community.name in crumb and f'href="/areas/{city.community.pk}/"' not in crumb


def test_area_page_query_count_does_not_grow_with_children(city, client_for, django_assert_max_num_queries):
    import datetime

    from frontline.grid.questions import STANDARD_QUESTIONS
    from frontline.grid.services import screening_campaign_create

    today = datetime.date.today()
    screening_campaign_create(actor=city.users["commander"], name="排查", areas=[city.city], starts_on=today,
                              ends_on=today, form=STANDARD_QUESTIONS)
    client = client_for("commander")
    client.get("/")  # session and user loaded once
    from frontline.areas.figures import figure_list
    from frontline.core.plugins import panels_for

    # A fixed few, plus at most one a registered stock figure, two a panel and one a flow figure (the care panel
    # shows each care flow for three periods in one query): never one a child.
    ceiling = 8 + len(figure_list("stock")) + 2 * len(panels_for("area")) + len(figure_list("flow"))
    for area in [city.city, city.district, city.community, city.grid]:
        with django_assert_max_num_queries(ceiling):
            assert client.get(f"/areas/{area.pk}/").status_code == 200


def test_household_and_building_pages_have_bounded_queries(city, client_for, django_assert_max_num_queries):
    client = client_for("grid")
    building = Building.objects.filter(area=city.grid).first()
    household = Household.objects.filter(building=building).first()
    # Bounded whatever the building's size; the apps' panels add a query each (the sealed-zone mark: one).
    from frontline.core.plugins import panels_for

    with django_assert_max_num_queries(11):
        assert client.get(f"/buildings/{building.pk}/").status_code == 200
    with django_assert_max_num_queries(7 + len(panels_for("household"))):
        assert client.get(f"/households/{household.pk}/").status_code == 200


def test_area_root_redirects_to_the_users_scope(city, client_for):
    response = client_for("secretary").get("/areas/")
    assert response.url == f"/areas/{city.community.pk}/"


def test_area_tree_has_division_codes_that_extend_their_parents(city):
    for area in Area.objects.filter(path__startswith=city.street.path):
        parent = Area.objects.get_parent(area)
        significant = {"district": 6, "street": 9, "community": 12}.get(parent.level, 4)
        assert area.code.startswith(parent.code[:significant]), (area.code, parent.code)
    assert len(city.grid.code) == 15 and len(city.community.code) == 12


def test_the_area_page_offers_export_and_import_only_to_roles_that_may(city, client_for):
    """A grid worker's or a cadre's area page has no roster links that would answer 403."""
    for username, area in [("grid", city.grid), ("cadre", city.community)]:
        client = client_for(username)
        page = client.get(f"/areas/{area.pk}/").content.decode()
        assert 'data-testid="export"' not in page and 'data-testid="import"' not in page, username
        assert client.get(f"/areas/{area.pk}/roster.xlsx").status_code == 403
    page = client_for("secretary").get(f"/areas/{city.community.pk}/").content.decode()
    assert 'data-testid="export"' in page and 'data-testid="import"' in page


def test_an_inspector_meets_no_link_to_people_pages_it_may_not_open(city, client_for):
    """The inspector sees places and figures, no rosters: neither the area page nor a campaign's progress offers
    a link that would answer 403."""
    from frontline.grid.models import ScreeningCampaign

    client = client_for("inspector")
    inspector = city.users["inspector"]
    page = client.get(f"/areas/{inspector.area_id}/").content.decode()
    assert client.get(f"/areas/{inspector.area_id}/special-needs/").status_code == 403
    assert 'data-testid="special-needs-link"' not in page and 'data-testid="export"' not in page
    campaign = ScreeningCampaign.objects.first() or _a_running_campaign()
    detail = client.get(f"/campaigns/{campaign.pk}/?area={inspector.area_id}")
    assert detail.status_code == 200 and 'data-testid="todo-link"' not in detail.content.decode()
    assert client.get(f"/campaigns/{campaign.pk}/todo/?area={inspector.area_id}").status_code == 403
    assert 'data-testid="special-needs-link"' in client_for("grid").get(f"/areas/{city.grid.pk}/").content.decode()


def _a_running_campaign():
    from frontline.demo.accounts import demo_activity_create
    from frontline.grid.models import ScreeningCampaign

    demo_activity_create()
    return ScreeningCampaign.objects.get()
