import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from frontline.areas.models import Area
from frontline.areas.services import area_create, building_create, household_create
from frontline.core.models import AuditLog
from frontline.people.models import Person, Resident
from frontline.people.services import party_member_add, person_create, person_update, resident_move_in


@pytest.fixture
def actor(city):
    return city.users["secretary"]


def test_person_create_derives_birth_date_sex_and_pinyin(actor):
    person = person_create(actor=actor, name="张三丰", id_number="110101199003074477", phone="138 1234 5678")
    assert (person.birth_date, person.sex, person.phone) == (datetime.date(1990, 3, 7), "M", "13812345678")
    assert (person.pinyin_full, person.pinyin_initials) == ("zhangsanfeng", "zsf")


def test_person_create_with_passport_and_no_id_number(actor):
    person = person_create(actor=actor, name="John Smith", doc_type="passport", doc_number="E12345678")
    assert person.id_number is None and person.doc_number == "E12345678"


def test_invalid_id_and_phone_give_chinese_field_errors_and_write_nothing(actor):
    before = Person.objects.count(), AuditLog.objects.count()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as e:
        person_create(actor=actor, name="李四", id_number="110101199003074478", phone="1381234")
    errors = e.value.message_dict
    assert "校验位" in errors["id_number"][0]
    assert "手机" in errors["phone"][0]
    assert (Person.objects.count(), AuditLog.objects.count()) == before


def test_one_person_per_id_number(actor):
    person_create(actor=actor, name="王五", id_number="110101199003074477")
    with pytest.raises(ValidationError) as e:
        person_create(actor=actor, name="王五五", id_number="110101199003074477")
    assert "id_number" in e.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(name="绕过服务", id_number="110101199003074477")


def test_database_refuses_a_malformed_id_number_even_without_the_service(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(name="坏数据", id_number="12345")


def test_person_update_is_audited_with_masked_values(actor):
    person = person_create(actor=actor, name="赵六", phone="13812345678")
    person_update(actor=actor, person=person, phone="13987654321")
    entry = AuditLog.objects.filter(object_id=str(person.pk), action="update").get()
    assert entry.changes["phone"] == ["138****5678", "139****4321"]
    assert entry.actor == actor and entry.person == person


def test_moving_house_ends_the_previous_residence(city, actor):
    person = person_create(actor=actor, name="钱七")
    building = building_create(actor=actor, grid=city.grid, name="测试楼")
    first = household_create(actor=actor, building=building, room="101")
    second = household_create(actor=actor, building=building, room="102")
    resident_move_in(actor=actor, person=person, household=first, moved_in=datetime.date(2020, 1, 1))
    resident_move_in(actor=actor, person=person, household=second, moved_in=datetime.date(2022, 3, 1))
    homes = list(Resident.objects.filter(person=person).order_by("moved_in").values_list("household", "moved_out"))
    assert homes == [(first.pk, datetime.date(2022, 2, 28)), (second.pk, None)]


def test_database_allows_one_current_home(city, actor):
    person = person_create(actor=actor, name="孙八")
    building = building_create(actor=actor, grid=city.grid, name="测试楼2")
    a = household_create(actor=actor, building=building, room="101")
    b = household_create(actor=actor, building=building, room="102")
    Resident.objects.create(person=person, household=a, moved_in=datetime.date(2020, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Resident.objects.create(person=person, household=b, moved_in=datetime.date(2021, 1, 1))


def test_household_must_be_unique_in_its_building(city, actor):
    building = building_create(actor=actor, grid=city.grid, name="测试楼3")
    household_create(actor=actor, building=building, unit="1", room="101")
    with pytest.raises(ValidationError):
        household_create(actor=actor, building=building, unit="1", room="101")


def test_buildings_belong_to_grids_only(city, actor):
    with pytest.raises(ValidationError):
        building_create(actor=actor, grid=city.community, name="错层楼")


def test_area_create_places_the_level_and_audits(city):
    commander = city.users["commander"]
    grid = area_create(actor=commander, parent=city.community, name="新网格", code="418002001001099")
    assert grid.level == "grid" and Area.objects.get_parent(grid) == city.community
    assert AuditLog.objects.filter(action="create", object_id=str(grid.pk), actor=commander).exists()
    with pytest.raises(ValidationError):
        area_create(actor=commander, parent=grid, name="太深", code="418002001001098")


def test_a_person_has_one_current_party_membership(city, actor):
    from frontline.people.models import PartyOrg

    person = person_create(actor=actor, name="周九")
    branch = PartyOrg.objects.filter(area=city.grid).get()
    party_member_add(actor=actor, person=person, org=branch)
    with pytest.raises(ValidationError):
        party_member_add(actor=actor, person=person, org=branch)
