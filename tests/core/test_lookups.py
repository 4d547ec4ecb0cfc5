import pytest

from frontline.people.models import Person
from frontline.people.services import person_create


@pytest.mark.parametrize("prefix, expected", [
    ("zha", {"zhangsan", "zhao"}), ("zhang", {"zhangsan"}), ("%", {"%percent"}), ("_", {"_under"}),
    ("Zha", set()), ("", {"zhangsan", "zhao", "%percent", "_under", "ⅹwide"}), ("ⅹ", {"ⅹwide"}),
])
def test_prefix_matches_exactly_what_starts_with_it(city, prefix, expected):
    actor = city.users["commander"]
    for name in ["zhangsan", "zhao", "%percent", "_under", "ⅹwide"]:
        person_create(actor=actor, name=f"测试{name}", doc_type="other", doc_number=name)
    found = set(Person.objects.filter(doc_type="other", doc_number__prefix=prefix).values_list("doc_number", flat=True))
    assert found == expected
