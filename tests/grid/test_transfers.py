"""Transfer requests: a roster row naming a person registered in another jurisdiction files one to the
person's community, which confirms (the person moves) or refuses (nothing changes) on its own page."""

import csv
import datetime

import pytest

from frontline.areas.models import Area, Building
from frontline.core.models import AuditLog, User, WorkOrder
from frontline.core.services import work_order_complete
from frontline.grid.models import TransferRequest
from frontline.grid.roster import roster_apply
from frontline.people.models import PartyMember, Person, Resident

from .test_roster_import import HEADER

DEMO_SINCE = datetime.date(2022, 3, 1)


def account(username, role, area):
    """An account with one assignment (the access policy reads assignments; older code read role and area)."""
    user = User.objects.create(username=username, role=role, area=area)
    try:
        from frontline.core.models import Assignment
    except ImportError:  # pragma: no cover - before assignments
        return user
    Assignment.objects.create(user=user, role=role, area=area, valid_from=DEMO_SINCE)
    return user


@pytest.fixture
def building(city):
    return Building.objects.filter(area=city.grid).order_by("name").first()


@pytest.fixture
def outsider(city):
    """A resident of another district with an ID number and a party membership there."""
    homes = Resident.objects.filter(moved_out=None, household__building__area__path__startswith=city.other_district.path)
    return (Person.objects.filter(id_number__isnull=False, pk__in=homes.values("person"),
                                  party_memberships__left_on=None,
                                  party_memberships__org__area__path__startswith=city.other_district.path)
            .order_by("pk").first())


@pytest.fixture
def home(outsider):
    return Resident.objects.select_related("household__building__area").get(person=outsider, moved_out=None)


@pytest.fixture
def their_community(home):
    return Area.objects.get_ancestors(home.household.building.area).get(level="community")


@pytest.fixture
def their_secretary(their_community):
    return account("secretary_there", "community_secretary", their_community)


def import_file(tmp_path, actor, area, building, person, *, name="改名", room="801"):
    path = tmp_path / f"{actor.username}.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([HEADER, [name, person.id_number, "13912345678", building.name, "1", room, "户主",
                                          "", ""]])
    counts, _result = roster_apply(actor=actor, area=area, path=path, filename=path.name)
    return counts


def order_of(person):
    return WorkOrder.objects.get(kind="transfer_request", pk__in=TransferRequest.objects.filter(person=person)
                                 .values("work_order"))


def test_the_import_files_a_transfer_request_to_the_persons_community(city, tmp_path, building, outsider, home,
                                                                      their_community, their_secretary, client_for):
    counts = import_file(tmp_path, city.users["secretary"], city.grid, building, outsider)
    assert counts["transfers_requested"] == 1 and counts["moved_in"] == 0
    transfer = TransferRequest.objects.get(person=outsider)
    assert transfer.status == "pending" and transfer.area == city.grid and transfer.name_given == "改名"
    assert (transfer.household.building, transfer.household.room) == (building, "801")
    order = transfer.work_order
    assert (order.kind, order.area, order.assignee_role, order.status) == (
        "transfer_request", their_community, "community_secretary", "open")
    # What the answering side may see: who asks and the requested home; nothing of the person in the title.
    assert city.community.name in order.title and "801" in order.title and outsider.name not in order.title
    inbox = client_for("secretary_there").get("/inbox/").content.decode()
    assert order.title in inbox
    page = client_for("secretary_there").get(f"/transfers/{order.pk}/").content.decode()
    assert outsider.name in page and "改名" in page and home.household.room in page


def test_the_asking_side_sees_its_request_and_the_answer_but_not_where_the_person_lives(
        city, tmp_path, building, outsider, home, their_community, their_secretary, client_for):
    import_file(tmp_path, city.users["secretary"], city.grid, building, outsider)
    order = order_of(outsider)
    asking = client_for("secretary")
    assert asking.get(f"/transfers/{order.pk}/").status_code == 404
    assert asking.get(f"/work-orders/{order.pk}/").status_code == 404
    assert asking.post(f"/transfers/{order.pk}/confirm/").status_code == 404
    assert TransferRequest.objects.get(person=outsider).status == "pending"
    client_for("secretary_there").post(f"/transfers/{order.pk}/refuse/", {"reason": "本人仍在本社区居住"})
    listed = asking.get("/transfers/").content.decode()
    assert "改名" in listed and "本人仍在本社区居住" in listed
    for secret in (their_community.name, city.other_district.name, outsider.name, outsider.phone):
        assert secret not in listed


def test_confirming_moves_the_person(city, tmp_path, building, outsider, home, their_secretary, client_for):
    import_file(tmp_path, city.users["secretary"], city.grid, building, outsider)
    order = order_of(outsider)
    response = client_for("secretary_there").post(f"/transfers/{order.pk}/confirm/")
    assert response.status_code == 302
    now = Resident.objects.select_related("household__building").get(person=outsider, moved_out=None)
    assert (now.household.building, now.household.room, now.relation) == (building, "801", "head")
    home.refresh_from_db()
    assert home.moved_out is not None
    order.refresh_from_db()
    transfer = TransferRequest.objects.get(person=outsider)
    assert order.status == "done" and transfer.status == "confirmed" and transfer.decided_by == their_secretary
    assert Person.objects.get(pk=outsider.pk).name == outsider.name  # the file's name is not applied
    assert AuditLog.objects.filter(actor_name="secretary_there", person=outsider, content_type__model="resident",
                                   action="create").exists()
    assert AuditLog.objects.filter(actor_name="secretary_there", content_type__model="transferrequest",
                                   action="update").exists()


def test_refusing_changes_nothing_of_the_person(city, tmp_path, building, outsider, home, their_secretary, client_for):
    import_file(tmp_path, city.users["secretary"], city.grid, building, outsider)
    order = order_of(outsider)
    there = client_for("secretary_there")
    there.post(f"/transfers/{order.pk}/refuse/", {"reason": ""})  # a reason is needed
    assert TransferRequest.objects.get(person=outsider).status == "pending"
    there.post(f"/transfers/{order.pk}/refuse/", {"reason": "查无此人迁出意愿"})
    transfer = TransferRequest.objects.get(person=outsider)
    order.refresh_from_db()
    assert transfer.status == "refused" and transfer.reason == "查无此人迁出意愿" and order.status == "cannot_do"
    assert Resident.objects.get(person=outsider, moved_out=None) == home
    assert there.post(f"/transfers/{order.pk}/confirm/").status_code == 302  # answered already: nothing happens
    assert Resident.objects.get(person=outsider, moved_out=None) == home


def test_a_refused_move_is_not_asked_again_by_the_same_file(city, tmp_path, building, outsider, their_secretary):
    from frontline.grid.transfers import transfer_refuse

    secretary = city.users["secretary"]
    import_file(tmp_path, secretary, city.grid, building, outsider)
    transfer_refuse(actor=their_secretary, order=order_of(outsider), reason="不同意")
    import_file(tmp_path, secretary, city.grid, building, outsider)  # the monthly file again
    assert TransferRequest.objects.filter(person=outsider).count() == 1
    import_file(tmp_path, secretary, city.grid, building, outsider, room="803")  # another move: asked
    assert list(TransferRequest.objects.filter(person=outsider).order_by("pk").values_list("status", flat=True)) == [
        "refused", "pending"]


def test_a_transfer_order_is_not_closed_by_the_generic_done(city, tmp_path, building, outsider, their_secretary):
    from django.core.exceptions import ValidationError

    import_file(tmp_path, city.users["secretary"], city.grid, building, outsider)
    order = order_of(outsider)
    with pytest.raises(ValidationError):
        work_order_complete(actor=their_secretary, order=order)
    order.refresh_from_db()
    assert order.status == "open"


def test_one_pending_request_per_person_and_asking_grid(city, tmp_path, building, outsider, their_secretary):
    secretary = city.users["secretary"]
    import_file(tmp_path, secretary, city.grid, building, outsider)
    again = import_file(tmp_path, secretary, city.grid, building, outsider, room="802")
    assert again["transfers_requested"] == 1  # the row is sent again, no second request is filed
    assert TransferRequest.objects.filter(person=outsider).count() == 1
    other_grid = Area.objects.filter(level="grid", path__startswith=city.sibling_community.path).order_by("path").first()
    import_file(tmp_path, city.users["secretary2"], other_grid, Building.objects.filter(area=other_grid).first(), outsider)
    assert sorted(TransferRequest.objects.filter(person=outsider).values_list("area_id", flat=True)) == sorted(
        [city.grid.pk, other_grid.pk])
    assert WorkOrder.objects.filter(kind="transfer_request", status="open").count() == 2


def test_a_person_without_a_home_is_asked_for_at_their_organization(city, tmp_path, building, outsider, home):
    """Moved out, still a member of a branch there: the branch's community answers."""
    Resident.objects.filter(pk=home.pk).update(moved_out=datetime.date.today())
    org_area = PartyMember.objects.get(person=outsider, left_on=None).org.area
    import_file(tmp_path, city.users["secretary"], city.grid, building, outsider)
    order = order_of(outsider)
    expected = org_area if org_area.level != "grid" else Area.objects.get_ancestors(org_area).get(level="community")
    assert order.area == expected


def test_transfer_pages_follow_the_access_matrix(city, tmp_path, building, outsider, their_secretary, client_for):
    from tests.access import assert_access, assert_listed

    import_file(tmp_path, city.users["secretary"], city.grid, building, outsider)
    order = order_of(outsider)
    # The answering side, through its work order; the asking side and everyone else alike: 404.
    assert_access(client_for, f"/transfers/{order.pk}/", sees=["secretary_there", "district2", "commander"],
                  hidden=["secretary", "secretary2", "street", "grid", "volunteer"],
                  refused=["courier", "enterprise", "inspector"])
    for action in ("confirm", "refuse"):
        assert_access(client_for, f"/transfers/{order.pk}/{action}/", method="post", sees=[],
                      hidden=["secretary", "secretary2", "street", "grid", "volunteer"],
                      refused=["courier", "enterprise", "inspector"])
    assert TransferRequest.objects.get(person=outsider).status == "pending"
    # The asking side's list: who may import there.
    assert_listed(client_for, "/transfers/", "改名", sees=["secretary", "street", "commander"],
                  hidden=["secretary2", "secretary_there", "district2"],
                  refused=["grid", "cadre", "volunteer", "courier", "enterprise", "inspector"])


def test_the_asking_sides_audit_log_names_the_person_by_number_only(city, tmp_path, building, outsider, home,
                                                                    their_community, client_for):
    account("commander_here", "commander", city.district)
    import_file(tmp_path, city.users["secretary"], city.grid, building, outsider)
    page = client_for("commander_here").get("/audit/?actor=secretary").content.decode()
    assert "改名" in page  # the asking side's own data: the name its file gave
    for secret in (outsider.name, their_community.name, city.other_district.name, outsider.id_number):
        assert secret not in page


def test_the_asking_side_finds_its_requests_in_the_navigation(city, client_for):
    assert 'href="/transfers/"' in client_for("secretary").get("/").content.decode()
    assert 'href="/transfers/"' not in client_for("grid").get("/").content.decode()


def test_the_list_of_requests_asks_the_same_number_of_queries_however_long(city, tmp_path, building, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    homes = (Resident.objects.filter(moved_out=None, person__id_number__isnull=False,
                                     household__building__area__path__startswith=city.other_district.path)
             .select_related("person").order_by("pk"))
    client = client_for("secretary")
    counts = []
    for resident in homes[:1], homes[1:4]:
        for r in resident:
            import_file(tmp_path, city.users["secretary"], city.grid, building, r.person, room=str(r.pk))
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/transfers/").status_code == 200
        counts.append(len(queries))
    assert TransferRequest.objects.count() == 4 and counts[0] == counts[1]


def test_the_web_import_says_it_and_counts_the_rows_sent(city, tmp_path, building, outsider, client_for):
    from frontline.core.models import ImportRecord

    path = tmp_path / "web.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([HEADER, ["改名", outsider.id_number, "", building.name, "1", "801", "户主", "", ""]])
    client = client_for("secretary")
    with open(path, "rb") as f:
        client.post(f"/areas/{city.grid.pk}/imports/new/", {"file": f})
    record = ImportRecord.objects.get()
    assert record.status == "checked" and record.error_count == 0
    assert record.problems == [[2, "身份证号", "已在其他辖区登记", "warning"]]
    page = client.get(f"/imports/{record.pk}/").content.decode()
    assert "已在其他辖区登记" in page and "迁入申请" in page and outsider.name not in page
    client.post(f"/imports/{record.pk}/apply/")
    record.refresh_from_db()
    assert record.status == "done" and record.result["transfers_requested"] == 1
    assert "转办其他辖区 1" in client.get(f"/imports/{record.pk}/").content.decode()


def test_an_infants_move_in_date_is_not_shown_beside_the_masked_id(city, client_for):
    """A roster dates a baby's arrival by its birth: that date is the hidden digits of the ID number."""
    from frontline.grid.transfers import Asked, transfer_requests_file
    from frontline.people.models import Resident as R

    infant = R.objects.filter(household__building__area=city.sibling_grid, moved_out__isnull=True,
                              person__birth_date__isnull=False, person__id_number__isnull=False).first().person
    household = city.grid.buildings.first().households.first()
    (transfer,) = transfer_requests_file(actor=None, asked=[Asked(infant.pk, household.pk, city.grid.pk, "child",
                                                                  infant.birth_date, infant.name)])
    page = client_for("secretary").get(f"/transfers/{transfer.work_order.pk}/").content.decode()
    assert infant.birth_date.isoformat() not in page and "自出生起" in page
