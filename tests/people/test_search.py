import pytest

from frontline.people.selectors import person_search
from frontline.people.services import person_create, resident_move_in


@pytest.fixture
def zhang(city):
    from frontline.areas.models import Household

    actor = city.users["secretary"]
    person = person_create(actor=actor, name="张三丰", id_number="110101199003074477", phone="13812345678")
    household = Household.objects.filter(building__area=city.grid).first()
    resident_move_in(actor=actor, person=person, household=household, moved_in=household.residents.first().moved_in)
    return person


@pytest.mark.parametrize("query", ["zsf", "ZSF", "zhangsanfeng", "zhangsan", "张三丰", "三丰", "4477", "5678", "12345678"])
def test_grid_worker_finds_a_resident_by_name_pinyin_or_last_digits(city, zhang, query):
    assert zhang in person_search(actor=city.users["grid"], query=query)


def test_the_same_query_finds_nothing_from_a_sibling_grid(city, zhang):
    for query in ["zsf", "张三丰", "4477"]:
        assert zhang not in person_search(actor=city.users["grid2"], query=query)


@pytest.mark.parametrize("query", ["", "  ", "12", "%", "z%"])
def test_empty_short_or_wildcard_queries_find_nothing_by_accident(city, zhang, query):
    assert list(person_search(actor=city.users["commander"], query=query)) == []


def test_search_page_masks_identifiers(city, client_for, zhang):
    page = client_for("grid").get("/people/search/?q=zsf").content.decode()
    assert "张三丰" in page
    assert "110101********4477" in page and "110101199003074477" not in page
    assert "138****5678" in page and "13812345678" not in page


def test_search_page_answers_htmx_with_a_fragment(city, client_for, zhang):
    response = client_for("grid").get("/people/search/?q=zsf", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "张三丰" in body and "<html" not in body


def test_api_search_returns_masked_identifiers(city, zhang):
    from tests.access import api_client

    data = api_client("grid").get("/api/v1/persons?q=zsf").json()
    mine = next(item for item in data["items"] if item["id"] == zhang.pk)
    assert mine["id_number_masked"] == "110101********4477" and mine["phone_masked"] == "138****5678"
    assert "110101199003074477" not in str(data)
