"""The roster import stays in the importer's scope: a row naming a person registered in another
jurisdiction changes nothing of them, says so and nothing more, is audited, and (with the system as the
importer) the city-wide match still holds."""

import csv
import datetime

import pytest

from frontline.areas.models import Building
from frontline.core.models import AuditLog
from frontline.grid.roster import roster_apply, roster_check
from frontline.people.models import PartyMember, PartyOrg, Person, Resident

from .test_roster_import import HEADER, make_id

TODAY = datetime.date.today()
ELSEWHERE = "已在其他辖区登记"


@pytest.fixture
def building(city):
    return Building.objects.filter(area=city.grid).order_by("name").first()


def _living_in(area):
    return Resident.objects.filter(moved_out=None, household__building__area__path__startswith=area.path)


@pytest.fixture
def outsider(city):
    """A resident of another district with an ID number, a party member of a branch there."""
    member = (PartyMember.objects.filter(left_on=None, org__area__path__startswith=city.other_district.path,
                                         person__id_number__isnull=False,
                                         person__in=_living_in(city.other_district).values("person"))
              .select_related("person", "org").order_by("pk").first())
    assert member is not None, "the test city has no party member living in the other district"
    return member.person


def state_of(person):
    """Everything of a person the import could change."""
    person = Person.objects.get(pk=person.pk)
    return (person.name, person.phone, person.pinyin_full,
            sorted(Resident.objects.filter(person=person).values_list("pk", "household_id", "relation", "moved_in",
                                                                      "moved_out")),
            sorted(PartyMember.objects.filter(person=person).values_list("pk", "org_id", "status", "left_on")))


def roster_row(person, building, *, name="改名", room="801", party="中共预备党员", phone="13912345678"):
    return [name, person.id_number, phone, building.name, "1", room, "户主", party, ""]


def write_csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([HEADER, *rows])
    return path


def test_a_secretarys_file_changes_nothing_of_a_person_registered_in_another_district(city, tmp_path, building,
                                                                                      outsider):
    before = state_of(outsider)
    newcomer = ["新来", make_id(71), "13900000099", building.name, "1", "802", "户主", "", ""]
    path = write_csv(tmp_path / "r.csv", [roster_row(outsider, building), newcomer])
    counts, result = roster_apply(actor=city.users["secretary"], area=city.grid, path=path, filename="r.csv")
    assert state_of(outsider) == before  # name, phone, home and membership as they were
    assert counts["people_created"] == 1 and counts["moved_in"] == 1 and counts["people_updated"] == 0
    assert counts["members_updated"] == counts["members_created"] == 0
    assert Person.objects.filter(id_number=make_id(71)).exists()  # the rest of the file went in


def test_the_dry_run_says_registered_in_another_jurisdiction_and_nothing_more(city, tmp_path, building, outsider):
    path = write_csv(tmp_path / "r.csv", [roster_row(outsider, building)])
    result, _t, _m = roster_check(actor=city.users["secretary"], area=city.grid, path=path, filename="r.csv")
    assert [(p.row, p.column, p.message, p.severity) for p in result.problems] == [(2, "身份证号", ELSEWHERE, "warning")]
    assert result.error_count == 0
    home = Resident.objects.select_related("household__building__area").get(person=outsider, moved_out=None)
    said = " ".join([*result.notes, *(p.message for p in result.problems)])
    for secret in (outsider.name, home.household.building.area.name, home.household.building.name, outsider.phone):
        assert secret not in said


def test_each_answer_is_audited_with_the_id_number_masked(city, tmp_path, building, outsider):
    path = write_csv(tmp_path / "r.csv", [roster_row(outsider, building)])
    secretary = city.users["secretary"]
    roster_check(actor=secretary, area=city.grid, path=path, filename="r.csv")
    roster_apply(actor=secretary, area=city.grid, path=path, filename="r.csv")
    answers = AuditLog.objects.filter(person=outsider, action="search", actor_name="secretary")
    assert answers.count() == 2  # the dry run's answer and the import's
    for entry in answers:
        assert entry.changes["id_number"] != outsider.id_number and entry.changes["id_number"][-4:] == outsider.id_number[-4:]
        assert entry.changes["row"] == 2 and outsider.name not in entry.object_repr
    assert not AuditLog.objects.filter(person=outsider, action="update").exists()


def test_a_person_inside_the_scope_is_still_updated(city, tmp_path, building):
    resident = (_living_in(city.community).filter(person__id_number__isnull=False).select_related("person")
                .order_by("pk").first())
    path = write_csv(tmp_path / "r.csv", [roster_row(resident.person, building, party="")])
    counts, result = roster_apply(actor=city.users["secretary"], area=city.grid, path=path, filename="r.csv")
    assert not any(p.message == ELSEWHERE for p in result.problems)
    assert counts["people_updated"] == 1 and counts["moved_in"] == 1
    assert Person.objects.get(pk=resident.person_id).name == "改名"
    assert Resident.objects.get(person=resident.person, moved_out=None).household.building == building


def test_the_system_import_still_matches_city_wide(city, tmp_path, building, outsider):
    path = write_csv(tmp_path / "r.csv", [roster_row(outsider, building, party="")])
    result, _t, _m = roster_check(actor=None, area=city.grid, path=path, filename="r.csv")
    assert result.problems == []
    counts, _result = roster_apply(actor=None, area=city.grid, path=path, filename="r.csv")
    assert counts["people_updated"] == 1 and counts["moved_in"] == 1
    assert Person.objects.get(pk=outsider.pk).name == "改名"
    assert Resident.objects.get(person=outsider, moved_out=None).household.building == building


def test_a_resident_here_keeps_the_status_their_branch_elsewhere_gave_them(city, tmp_path, building):
    """In scope as a resident, a party member of another district's branch: the file's 政治面貌 does not
    change that membership."""
    resident = (_living_in(city.grid).filter(person__id_number__isnull=False)
                .exclude(person__in=PartyMember.objects.filter(left_on=None).values("person"))
                .select_related("person", "household__building")
                .order_by("pk").first())
    branch = PartyOrg.objects.filter(area__path__startswith=city.other_district.path, kind="branch").first()
    membership = PartyMember.objects.create(person=resident.person, org=branch, status="formal")
    household = resident.household
    row = [resident.person.name, resident.person.id_number, resident.person.phone, household.building.name,
           household.unit, household.room, "户主", "中共预备党员", ""]
    counts, _result = roster_apply(actor=city.users["secretary"], area=city.grid,
                                   path=write_csv(tmp_path / "r.csv", [row]), filename="r.csv")
    membership.refresh_from_db()
    assert membership.status == "formal" and membership.left_on is None and membership.org == branch
    assert counts["members_updated"] == counts["members_created"] == 0


def test_a_member_of_a_branch_here_who_lives_in_another_district_is_registered_there(city, tmp_path, building, outsider):
    """Visible as a party member here, living there: the move is theirs to make, not the file's."""
    PartyMember.objects.filter(person=outsider, left_on=None).update(left_on=TODAY)
    PartyMember.objects.create(person=outsider, org=PartyOrg.objects.filter(area=city.grid, kind="branch").get())
    before = state_of(outsider)
    path = write_csv(tmp_path / "r.csv", [roster_row(outsider, building, party="中共党员")])
    counts, result = roster_apply(actor=city.users["secretary"], area=city.grid, path=path, filename="r.csv")
    assert [p.message for p in result.problems] == [ELSEWHERE] and state_of(outsider) == before


def test_a_person_without_a_home_or_a_membership_is_taken_in(city, tmp_path, building, outsider):
    """Moved away and a member nowhere: nobody's to give up, so the file that houses them takes them in."""
    Resident.objects.filter(person=outsider, moved_out=None).update(moved_out=TODAY - datetime.timedelta(days=30))
    PartyMember.objects.filter(person=outsider, left_on=None).update(left_on=TODAY - datetime.timedelta(days=30))
    path = write_csv(tmp_path / "r.csv", [roster_row(outsider, building, party="")])
    counts, result = roster_apply(actor=city.users["secretary"], area=city.grid, path=path, filename="r.csv")
    assert result.problems == [] and counts["moved_in"] == 1
    assert Resident.objects.get(person=outsider, moved_out=None).household.building == building
