"""Entrance checks (frontline.epidemic.scans): the verdict's rules at their edges (37.2/37.3 °C, a yellow code,
a flagged itinerary, a home in a sealed zone), a batch retried three times counted once, bad records named
while the good ones are stored, alerts about the person in the right inbox once per person, and who may
record where — through the service and the API."""

import datetime
import itertools
import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.utils import timezone, translation

from frontline.areas.models import Site, SiteKind
from frontline.core import selectors
from frontline.core.models import ApiToken, AuditLog, User, WorkOrder
from frontline.epidemic import scans
from frontline.epidemic.models import CheckpointPost, CheckpointScan, ControlZone, ZoneLevel
from frontline.epidemic.registration import BatchRefused, person_qr_token
from frontline.people.models import Person, Resident

_ids = itertools.count(1)


@pytest.fixture
def gate(city):
    post = CheckpointPost.objects.select_related("site__area", "user").get(user__username="gate", ended_at__isnull=True)
    residents = list(Resident.objects.filter(household__building__area=city.grid, moved_out__isnull=True,
                                             person__id_number__isnull=False)
                     .select_related("person", "household__building").order_by("id")[:60])
    now = timezone.now().replace(microsecond=0)
    return SimpleNamespace(site=post.site, user=post.user, people=[r.person for r in residents], residents=residents,
                           now=now, city=city)


def row(person, **extra):
    values = {"client_id": f"s-{next(_ids)}", "person": person.id_number if isinstance(person, Person) else person,
              "direction": "in", "code_colour": "green", "temperature": 36.5}
    values.update(extra)
    return values


def record(g, rows, **kw):
    kw.setdefault("now", g.now)
    return scans.scans_record(actor=kw.pop("actor", g.user), site=kw.pop("site", g.site), rows=rows, **kw)


def test_the_verdict_at_its_edges(gate):
    p = gate.people
    with translation.override("en"):
        verdicts = record(gate, [row(p[0], temperature=37.2), row(p[1], temperature="37.3"),
                                 row(p[2], code_colour="yellow"), row(p[3], itinerary_flag=True),
                                 row(p[4], code_colour="red", itinerary_flag=True, temperature=38)])
    assert [v.passed for v in verdicts] == [True, False, False, False, False]
    assert [v.codes for v in verdicts] == [[], ["fever"], ["code"], ["itinerary"], ["code", "itinerary", "fever"]]
    assert verdicts[1].reasons == ["temperature too high"]
    stored = dict(CheckpointScan.objects.filter(client_id__in=[v.client_id for v in verdicts])
                  .values_list("client_id", "reasons"))
    assert [stored[v.client_id] for v in verdicts] == ["", "fever", "code", "itinerary", "code,itinerary,fever"]
    assert CheckpointScan.objects.get(client_id=verdicts[0].client_id).temperature == Decimal("37.2")
    # A masked name and an age, never the name or the ID number.
    assert verdicts[0].masked_name != p[0].name and verdicts[0].masked_name[0] == p[0].name[0]
    assert verdicts[0].age is not None and p[0].id_number not in json.dumps([v.as_dict() for v in verdicts])


def test_a_resident_of_a_sealed_zone_is_stopped_first_whatever_they_show(gate):
    resident = gate.residents[0]
    zone = ControlZone.objects.create(area=gate.city.grid, building=resident.household.building, name="封控楼",
                                      level=ZoneLevel.SEALED, reason="病例", starts_at=gate.now - datetime.timedelta(hours=1),
                                      level_since=gate.now - datetime.timedelta(hours=1))
    others = [r.person for r in Resident.objects.filter(moved_out__isnull=True, person__id_number__isnull=False)
              .exclude(household__building=resident.household.building).select_related("person")[:1]]
    verdicts = record(gate, [row(resident.person, temperature=37.5), row(others[0])])
    assert verdicts[0].codes == ["sealed", "fever"] and not verdicts[0].passed
    assert verdicts[1].passed
    zone.ends_at = gate.now - datetime.timedelta(minutes=1)  # lifted: passes again
    zone.save()
    assert record(gate, [row(resident.person)])[0].passed


def test_a_zone_sealed_between_two_batches_stops_the_next_and_each_batch_is_audited_once(gate):
    """A batch that stops no one is stored and audited by one statement on PostgreSQL: a zone declared a
    moment ago must still stop the next scan of someone living there (the only reason), and the audit entry
    must count what happened."""
    resident = gate.residents[0]
    other = Resident.objects.filter(moved_out__isnull=True, person__id_number__isnull=False).exclude(
        household__building=resident.household.building).select_related("person").first().person
    first = record(gate, [row(resident.person), row(other)])
    assert [v.status for v in first] == ["stored", "stored"] and all(v.passed for v in first)
    ControlZone.objects.create(area=gate.city.grid, building=resident.household.building, name="刚封的楼",
                               level=ZoneLevel.SEALED, reason="病例", starts_at=gate.now, level_since=gate.now)
    again = record(gate, [row(resident.person), row(other)], now=gate.now + datetime.timedelta(seconds=1))
    assert again[0].codes == ["sealed"] and not again[0].passed and again[1].passed
    retried = [row(other), row(other), row(other, temperature=99)]
    record(gate, retried[:1])
    answer = record(gate, retried, now=gate.now + datetime.timedelta(seconds=2))
    assert [v.status for v in answer] == ["duplicate", "stored", "refused"]
    entries = list(AuditLog.objects.filter(note="entrance checks recorded", object_id=str(gate.site.pk))
                   .order_by("id").values_list("changes", flat=True))
    assert len(entries) == 4
    assert {k: entries[0][k] for k in ("stored", "duplicates", "refused", "stopped")} == {
        "stored": 2, "duplicates": 0, "refused": 0, "stopped": 0}
    assert entries[1]["stopped"] == 1 and entries[1]["alerts"] == 1
    assert {k: entries[3][k] for k in ("stored", "duplicates", "refused", "stopped")} == {
        "stored": 1, "duplicates": 1, "refused": 1, "stopped": 0}


def test_a_batch_retried_three_times_counts_once(gate):
    batch = [row(p, code_colour="red" if i % 5 == 0 else "green") for i, p in enumerate(gate.people[:50])]
    first = record(gate, batch)
    assert all(v.status == "stored" and not v.duplicate for v in first)
    for _attempt in range(3):
        again = record(gate, batch, now=gate.now + datetime.timedelta(seconds=30))
        assert all(v.duplicate and v.status == "duplicate" for v in again)
        assert [v.passed for v in again] == [v.passed for v in first]
        assert [v.masked_name for v in again] == [v.masked_name for v in first]
    assert CheckpointScan.objects.filter(client_id__in=[r["client_id"] for r in batch]).count() == 50
    # The same record twice in one upload counts once too.
    twice = row(gate.people[0])
    once, repeat = record(gate, [twice, dict(twice)])
    assert [once.status, repeat.status] == ["stored", "duplicate"]
    assert (repeat.passed, repeat.masked_name, repeat.age) == (once.passed, once.masked_name, once.age)  # its verdict
    # One alert per person stopped, however often the batch came.
    assert WorkOrder.objects.filter(kind=scans.CHECKPOINT_STOP, subject_id__in=[p.pk for p in gate.people[:50:5]]
                                    ).count() == 10
    assert AuditLog.objects.filter(note="entrance checks recorded", object_id=str(gate.site.pk)).count() == 5


def test_bad_records_are_named_and_the_good_ones_stored(gate):
    p = gate.people
    bad_check = p[0].id_number[:17] + ("0" if p[0].id_number[17] != "0" else "1")
    nobody = "11010519491231002X"  # a valid ID number nobody in the city has
    Person.objects.filter(id_number=nobody).delete()
    rows = [row(p[0], temperature=25), row(p[1], temperature=45), row(p[2], temperature="abc"),
            row(p[3], scanned_at=(gate.now + datetime.timedelta(minutes=5)).isoformat()),
            row(p[4], scanned_at=(gate.now - datetime.timedelta(days=3)).isoformat()),
            row(nobody), row(bad_check), row("FLP:not-a-token"), row(p[5], direction="sideways"),
            row(p[6], temperature=36.6, scanned_at=(gate.now - datetime.timedelta(seconds=40)).isoformat()),
            row(p[7], scanned_at=(gate.now + datetime.timedelta(seconds=50)).isoformat())]  # a clock a little ahead
    verdicts = record(gate, rows)
    fields = [(v.index, v.status, v.field) for v in verdicts]
    assert fields == [(0, "refused", "temperature"), (1, "refused", "temperature"), (2, "refused", "temperature"),
                      (3, "refused", "scanned_at"), (4, "refused", "scanned_at"), (5, "refused", "person"),
                      (6, "refused", "person"), (7, "refused", "person"), (8, "refused", "direction"),
                      (9, "stored", ""), (10, "stored", "")]
    for v in verdicts[:9]:
        assert v.client_id in v.message  # the message names the record
    assert "abc" in verdicts[2].message and "25" in verdicts[0].message
    assert CheckpointScan.objects.filter(client_id__in=[r["client_id"] for r in rows]).count() == 2
    assert not Person.objects.filter(id_number=nobody).exists()


def test_a_batch_wrong_as_a_whole_is_refused_whole(gate, city):
    with pytest.raises(BatchRefused):
        record(gate, [])
    with pytest.raises(BatchRefused) as refused:
        record(gate, [row(gate.people[0])] * 1001)
    assert refused.value.status == 413
    with pytest.raises(Http404):
        scans.scan_site_get(gate.user, 10 ** 9)  # unknown site
    school = Site.objects.create(kind=SiteKind.SCHOOL, name="学校", area=city.grid)
    with pytest.raises(BatchRefused) as refused:
        record(gate, [row(gate.people[0])], actor=User.objects.get(username="secretary"), site=school)
    assert refused.value.status == 409
    closed = Site.objects.create(kind=SiteKind.CHECKPOINT, name="已撤卡口", area=city.grid,
                                 closed_on=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(BatchRefused):
        record(gate, [row(gate.people[0])], actor=User.objects.get(username="secretary"), site=closed)


def test_a_qr_code_and_a_visitor_entered_by_hand(gate, city):
    resident = gate.people[0]
    visitor = {"name": "王小明", "id_number": "11010519491231002X", "phone": "13800138000"}
    Person.objects.filter(id_number=visitor["id_number"]).delete()
    verdicts = record(gate, [row(person_qr_token(resident.pk)), row(visitor, code_colour="red"),
                             row(visitor, code_colour="red")])
    assert [v.status for v in verdicts] == ["stored"] * 3
    assert verdicts[0].masked_name[0] == resident.name[0]
    made = Person.objects.get(id_number=visitor["id_number"])
    assert not Resident.objects.filter(person=made).exists() and verdicts[1].masked_name == "王*明"
    # The visitor's alert goes to the site's community (its desk), once.
    orders = WorkOrder.objects.filter(kind=scans.CHECKPOINT_STOP, subject_id=made.pk)
    assert [(o.area_id, o.assignee_role) for o in orders] == [(city.community.pk, "community_secretary")]
    assert orders[0] in selectors.inbox(actor=User.objects.get(username="secretary"))
    # A person id only from the phone page.
    assert record(gate, [row(resident.pk)])[0].status == "refused"
    assert record(gate, [row(resident.pk)], source="phone")[0].status == "stored"


def test_a_stop_alerts_the_grid_workers_inbox_about_the_person_once(gate, city):
    person = gate.people[1]
    with translation.override("zh-hans"):
        record(gate, [row(person, code_colour="red")])
        record(gate, [row(person, temperature=38.1)], now=gate.now + datetime.timedelta(minutes=5))
    orders = list(WorkOrder.objects.filter(kind=scans.CHECKPOINT_STOP, subject_id=person.pk))
    assert len(orders) == 1
    order = orders[0]
    assert order.subject_type.model == "person" and order.area_id == city.grid.pk
    assert order.assignee_role == "grid_worker" and order.priority == 4
    assert order.title.startswith("卡口拦截：") and "红码" in order.title and gate.site.name in order.title
    assert person.name not in order.title and person.id_number not in order.title
    assert order in selectors.inbox(actor=User.objects.get(username="grid"))
    assert order not in selectors.inbox(actor=User.objects.get(username="grid2"))


def test_gate_staff_record_at_their_checkpoint_only(gate, city):
    other = Site.objects.create(kind=SiteKind.CHECKPOINT, name="西门卡口", area=city.grid)
    with pytest.raises(PermissionDenied):
        record(gate, [row(gate.people[0])], site=other)
    with pytest.raises(Http404):
        scans.scan_site_get(gate.user, other.pk)
    assert scans.scan_site_get(gate.user, gate.site.pk) == gate.site
    secretary = User.objects.get(username="secretary")
    assert record(gate, [row(gate.people[0])], actor=secretary, site=other)[0].status == "stored"
    with pytest.raises(PermissionDenied):  # a grid worker does not record scans
        record(gate, [row(gate.people[0])], actor=User.objects.get(username="grid"))
    assert CheckpointScan.objects.filter(site=other).count() == 1


# The API over HTTP.

URL = "/api/v1/checkpoints/{site}/scans"


def _client(username, purpose=""):
    _row, token = ApiToken.issue(user=User.objects.get(username=username), name="kiosk", purpose=purpose)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def _post(client, site, body):
    return client.post(URL.format(site=site.pk), json.dumps(body), content_type="application/json")


def test_a_kiosk_uploads_a_batch_and_a_single_scan(gate):
    kiosk = _client("gate", "scans:write")
    batch = [row(p, code_colour="yellow" if i == 3 else "green") for i, p in enumerate(gate.people[:10])]
    batch[5]["temperature"] = "abc"
    for r in batch:
        r.pop("scanned_at", None)
    response = _post(kiosk, gate.site, {"records": batch})
    assert response.status_code == 200, response.content
    answer = response.json()
    assert (answer["received"], answer["stored"], answer["refused"], answer["stopped"]) == (10, 9, 1, 1)
    assert answer["results"][5]["field"] == "temperature" and answer["results"][5]["client_id"] == batch[5]["client_id"]
    assert answer["results"][3]["passed"] is False and answer["results"][3]["codes"] == ["code"]
    for p in gate.people[:10]:
        assert p.id_number not in response.content.decode() and p.name not in response.content.decode()
    again = _post(kiosk, gate.site, {"records": batch}).json()
    assert again["duplicate"] == 9 and again["stored"] == 0
    single = _post(kiosk, gate.site, row(gate.people[20])).json()
    assert single["stored"] == 1 and single["results"][0]["passed"] is True
    wrong = _post(kiosk, gate.site, row(gate.people[21], temperature=45))
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "temperature"
    assert _post(kiosk, gate.site, {"records": []}).status_code == 400


def test_the_api_answers_404_for_another_checkpoint_and_403_for_another_purpose(gate, city):
    other = Site.objects.create(kind=SiteKind.CHECKPOINT, name="西门卡口", area=city.grid)
    assert _post(_client("gate", "scans:write"), other, row(gate.people[0])).status_code == 404
    assert _post(_client("gate", "scans:write"), SimpleNamespace(pk=10 ** 9), row(gate.people[0])).status_code == 404
    assert _post(_client("gate", "samples:write"), gate.site, row(gate.people[0])).status_code == 403
    assert _post(_client("grid"), gate.site, row(gate.people[0])).status_code == 403
    staff = Client()
    staff.force_login(User.objects.get(username="gate"))
    assert _post(staff, gate.site, row(gate.people[0])).status_code == 200
    assert CheckpointScan.objects.filter(site=other).count() == 0
