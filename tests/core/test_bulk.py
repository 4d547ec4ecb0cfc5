import threading

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from frontline.areas.models import Household
from frontline.core import bulk
from frontline.core.bulk import allocate_ids, bulk_insert, insert_rows, read_ahead, select_by_keys
from frontline.people.models import Person


def test_bulk_insert_sets_ids_and_rows_read_back_equal(db):
    people = [Person(name=f"批量{i}", pinyin_full="piliang", pinyin_initials="pl", phone=f"1390000{i:04d}") for i in range(50)]
    with transaction.atomic():
        bulk_insert(Person, people)
    assert len({p.pk for p in people}) == 50
    stored = {p.pk: (p.name, p.phone) for p in Person.objects.filter(pk__in=[p.pk for p in people])}
    assert stored == {p.pk: (p.name, p.phone) for p in people}
    again = Person.objects.create(name="之后")  # the sequence moved past the inserted ids
    assert again.pk > max(p.pk for p in people)


def test_bulk_insert_keeps_the_database_constraints(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_insert(Person, [Person(name="坏", id_number="123")])


def test_insert_rows_fills_the_other_fields_with_their_defaults(db):
    with transaction.atomic():
        [pk] = allocate_ids(Person, 1)
        insert_rows(Person, ("id", "name", "phone"), [(pk, "行插入", "13900001111")])
    person = Person.objects.get(pk=pk)
    assert (person.name, person.phone, person.doc_type, person.id_number, person.pinyin_full) == (
        "行插入", "13900001111", "", None, "")


def test_select_by_keys_finds_existing_rows_by_single_and_composite_keys(city):
    household = Household.objects.filter(building__area=city.grid).first()
    person = Person.objects.exclude(id_number=None).first()
    found = select_by_keys(Person, ["id_number"], [(person.id_number,), ("110101199003074477",)], ["id", "name"])
    assert found == {(person.id_number,): (person.pk, person.name)}
    keys = [(household.building_id, household.unit, household.room), (household.building_id, household.unit, "无此房")]
    assert select_by_keys(Household, ["building", "unit", "room"], keys) == {keys[0]: (household.pk,)}
    assert select_by_keys(Household, ["building", "unit", "room"], []) == {}


def test_read_ahead_yields_everything_in_order():
    assert list(read_ahead(iter(range(100)), depth=3)) == list(range(100))


def test_read_ahead_raises_the_producers_error_in_the_caller():
    def items():
        yield 1
        raise ValueError("第2行读不出来")

    stream = read_ahead(items())
    assert next(stream) == 1
    with pytest.raises(ValueError, match="第2行"):
        next(stream)


def test_closing_read_ahead_early_stops_the_producer():
    finished = threading.Event()

    def items():
        try:
            yield from range(10**9)
        finally:
            finished.set()

    stream = read_ahead(items(), depth=1)
    assert next(stream) == 0
    stream.close()
    assert finished.is_set()
    assert not any(t.name == "read-ahead" for t in threading.enumerate())


def test_read_ahead_produces_in_the_callers_language():
    def messages():
        yield translation.gettext("missing")

    with translation.override("en"):
        assert list(read_ahead(messages())) == ["missing"]
    with translation.override("zh-hans"):
        assert list(read_ahead(messages())) == [translation.gettext("missing")] != ["missing"]


def test_select_by_keys_splits_long_key_lists_for_sqlite(city, monkeypatch):
    monkeypatch.setattr(bulk, "SQLITE_MAX_VARIABLES", 2)
    people = list(Person.objects.exclude(id_number=None).order_by("id")[:5])
    keys = [(p.id_number,) for p in people] + [(None,)]
    assert select_by_keys(Person, ["id_number"], keys) == {(p.id_number,): (p.pk,) for p in people}
