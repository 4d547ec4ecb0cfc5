import pytest
from django.db import IntegrityError, transaction

from frontline.core.bulk import bulk_insert
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
