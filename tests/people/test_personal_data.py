"""No birth date beside a masked ID number, anywhere: pages, search results, the API, exports and the audit
log show an age ("68岁"); the full date only by a reveal, audited and refused to roles that may not reveal."""

import datetime
import io
import json

import pytest
from openpyxl import load_workbook

from frontline.areas.models import Building
from frontline.areas.services import household_create
from frontline.core.models import AuditLog
from frontline.grid.models import SpecialNeed
from frontline.people.services import person_create, resident_move_in

ID_NUMBER = "418002195407150019"  # born 15 July 1954
MASKED_ID = "418002********0019"
PHONE, MASKED_PHONE = "13812345678", "138****5678"
TODAY = datetime.date(2022, 8, 1)  # 68 on this day
FULL_DATES = ["1954-07-15", "1954年7月15日", "19540715", "1954/07/15", "1954-7-15", "1954.07.15", "July 15, 1954",
              "Jul. 15, 1954", "15/07/1954", "07/15/1954"]
CHILD_BIRTH = datetime.date(2019, 2, 3)
CHILD_DATES = ["2019-02-03", "2019年2月3日", "20190203", "2019-2-3"]


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("frontline.core.validators.today", lambda: TODAY)


@pytest.fixture
def campaign(city):
    from frontline.grid.questions import STANDARD_QUESTIONS
    from frontline.grid.services import screening_campaign_create

    today = datetime.date.today()
    return screening_campaign_create(actor=city.users["secretary"], name="入户排查", areas=[city.community],
                                     starts_on=today - datetime.timedelta(days=1), ends_on=today + datetime.timedelta(days=3),
                                     form=STANDARD_QUESTIONS)


@pytest.fixture
def home(city):
    building = Building.objects.filter(area=city.grid).order_by("name").first()
    return household_create(actor=city.users["secretary"], building=building, room="9901")


@pytest.fixture
def elder(city, home):
    person = person_create(actor=city.users["secretary"], name="王秀英", id_number=ID_NUMBER, phone=PHONE)
    resident_move_in(actor=city.users["secretary"], person=person, household=home, moved_in=datetime.date(2020, 1, 1),
                     relation="head")
    SpecialNeed.objects.create(person=person, kind="elderly_alone", recorded_on=datetime.date(2022, 4, 1))
    return person


@pytest.fixture
def child(city, home, elder):
    """A child without an ID number: the birth date hides nothing of an ID, but lists still show an age."""
    person = person_create(actor=city.users["secretary"], name="王小宝", birth_date=CHILD_BIRTH, sex="M")
    resident_move_in(actor=city.users["secretary"], person=person, household=home, moved_in=datetime.date(2020, 6, 1),
                     relation="grandchild")
    return person


def assert_masked(text: str, *, age: str | None = "68") -> None:
    """Neither the full birth date (in any usual format) nor the full ID number or phone; the masked ones
    and the age where the place shows a person."""
    for form in FULL_DATES + CHILD_DATES:
        assert form not in text, f"full birth date {form} shown"
    assert ID_NUMBER not in text and PHONE not in text
    assert MASKED_ID in text
    if age is not None:
        assert age in text


def test_person_page_shows_an_age_not_the_birth_date(city, client_for, elder):
    page = client_for("grid").get(f"/people/{elder.pk}/").content.decode()
    assert_masked(page)
    assert "68岁" in page and MASKED_PHONE in page
    assert f"/people/{elder.pk}/reveal/birth_date/" in page


def test_person_page_of_a_child_without_an_id_number_shows_an_age(city, client_for, child):
    page = client_for("grid").get(f"/people/{child.pk}/").content.decode()
    assert "3岁" in page
    assert not [form for form in CHILD_DATES if form in page]


def test_household_page_lists_ages(city, client_for, elder, child, home):
    page = client_for("grid").get(f"/households/{home.pk}/").content.decode()
    assert_masked(page)
    assert "68岁" in page and "3岁" in page


def test_search_results_show_an_age(city, client_for, elder):
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        page = client_for("secretary").get("/people/search/?q=王秀英", **headers).content.decode()
        assert f'href="/people/{elder.pk}/"' in page
        assert_masked(page)
        assert "68岁" in page


def test_special_needs_and_visit_pages_show_no_birth_date(city, client_for, elder, home, campaign):
    page = client_for("secretary").get(f"/areas/{city.grid.pk}/special-needs/").content.decode()
    assert "王秀英" in page
    assert not [form for form in FULL_DATES if form in page] and ID_NUMBER not in page
    page = client_for("grid").get(f"/campaigns/{campaign.pk}/visit/{home.pk}/").content.decode()
    assert "王秀英" in page and "68岁" in page  # the visit needs to know whom it is talking to
    assert not [form for form in FULL_DATES if form in page] and ID_NUMBER not in page


def test_api_gives_an_age_never_the_birth_date(city, elder, child, home, campaign):
    from tests.access import api_client

    client = api_client("grid")
    person = client.get(f"/api/v1/persons/{elder.pk}").json()
    assert person["age"] == 68 and person["id_number_masked"] == MASKED_ID and "birth_date" not in person
    assert_masked(json.dumps(person, ensure_ascii=False))
    found = client.get("/api/v1/persons?q=王秀英").json()
    assert [p["age"] for p in found["items"] if p["id"] == elder.pk] == [68]
    assert_masked(json.dumps(found, ensure_ascii=False))
    household = client.get(f"/api/v1/households/{home.pk}").json()
    assert sorted(r["person"]["age"] for r in household["residents"]) == [3, 68]
    assert_masked(json.dumps(household, ensure_ascii=False))
    form = client.get(f"/api/v1/campaigns/{campaign.pk}/households/{home.pk}/visit").json()
    assert sorted(r["person"]["age"] for r in form["residents"]) == [3, 68]
    assert_masked(json.dumps(form, ensure_ascii=False))
    schema = json.dumps(client.get("/api/v1/openapi.json").json()["components"]["schemas"]["PersonOut"])
    assert '"age"' in schema and "birth_date" not in schema


def test_masked_roster_export_has_no_birth_date_and_masks_other_documents(city, client_for, elder, child):
    from frontline.people.services import person_create as create

    foreigner = create(actor=city.users["secretary"], name="John Smith", doc_type="passport", doc_number="E12345678")
    resident_move_in(actor=city.users["secretary"], person=foreigner, household=elder.residences.get().household,
                     moved_in=datetime.date(2021, 1, 1))
    for query in ("", "?format=csv"):
        content = b"".join(client_for("secretary").get(f"/areas/{city.grid.pk}/roster.xlsx{query}").streaming_content)
        if query:
            text = content.decode("utf-8-sig")
        else:
            sheet = load_workbook(io.BytesIO(content), read_only=True).active
            text = "\n".join(" ".join(str(c) for c in row if c is not None) for row in sheet.iter_rows(values_only=True))
        assert_masked(text, age=None)
        assert "E12345678" not in text and "E1*****78" in text


def test_audit_keeps_the_year_of_birth_only(city, client_for, elder):
    entry = AuditLog.objects.get(action="create", object_id=str(elder.pk), content_type__model="person")
    assert entry.changes["birth_date"] == [None, "1954"] and entry.changes["id_number"] == [None, MASKED_ID]
    text = json.dumps(entry.changes, ensure_ascii=False)
    assert not [form for form in FULL_DATES if form in text] and ID_NUMBER not in text and PHONE not in text
    page = client_for("commander").get(f"/audit/?person={elder.pk}").content.decode()
    assert not [form for form in FULL_DATES if form in page] and ID_NUMBER not in page


def test_reveal_of_a_birth_date_is_audited(city, client_for, elder):
    response = client_for("grid").post(f"/people/{elder.pk}/reveal/birth_date/")
    assert response.status_code == 200 and "1954-07-15" in response.content.decode()
    entry = AuditLog.objects.filter(action="reveal", person=elder).get()
    assert (entry.actor_name, entry.note) == ("grid", "birth_date")


def test_reveal_of_a_birth_date_is_refused_to_roles_that_may_not_reveal(city, client_for, elder):
    before = AuditLog.objects.filter(action="reveal").count()
    assert client_for("cadre").post(f"/people/{elder.pk}/reveal/birth_date/").status_code == 403
    assert client_for("volunteer").post(f"/people/{elder.pk}/reveal/birth_date/").status_code in (403, 404)
    assert client_for("grid2").post(f"/people/{elder.pk}/reveal/birth_date/").status_code == 404
    assert client_for("grid").get(f"/people/{elder.pk}/reveal/birth_date/").status_code == 405
    assert AuditLog.objects.filter(action="reveal").count() == before
    page = client_for("cadre").get(f"/people/{elder.pk}/").content.decode()
    assert "reveal/birth_date" not in page and "68岁" in page
