"""Cases and contacts: the investigation's rules at their edges (household → close, their households →
secondary, companions at exactly 10 minutes vs 10 minutes and a second, the dwell, the 14 days, kept scans), the
work orders in the right grids, the measures, and a positive pool's people monitored until their re-test is
negative (a positive re-test opens a case with its contacts)."""

import datetime
import itertools

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.utils import timezone

from frontline.areas.models import Site, SiteKind
from frontline.core.models import AuditLog, Priority, WorkOrder
from frontline.core.validators import id_check_char
from frontline.epidemic import cases as cases_service
from frontline.epidemic import results
from frontline.epidemic.models import (
    Case,
    CheckpointScan,
    Contact,
    ControlMeasure,
    KeptScan,
    Result,
    Retest,
    Sample,
    Tube,
)
from frontline.epidemic.registration import mask_name
from frontline.people.models import Person, Resident

from .results_fixtures import demo_round, tube_with

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(datetime.datetime(2022, 5, 10, 12, 0))
M = datetime.timedelta(minutes=1)
_ids = itertools.count(1)


def families(grid, n, skip=0):
    """Residents of households of at least two in the grid: one per household."""
    households = (Resident.objects.filter(household__building__area=grid, moved_out__isnull=True)
                  .values("household_id").annotate(n=Count("id")).filter(n__gte=2).order_by("household_id")
                  .values_list("household_id", flat=True))[skip:skip + n]
    return [Resident.objects.filter(household_id=h, moved_out__isnull=True).select_related(
        "person", "household__building__area").order_by("id").first() for h in households]


def members(resident):
    return set(Resident.objects.filter(household_id=resident.household_id, moved_out__isnull=True)
               .values_list("person_id", flat=True))


def scan(person, site, direction, at, *, kept=False):
    values = dict(day=timezone.localdate(at), site=site, person_id=person.pk, direction=direction, code_colour="green",
                  temperature="36.5", passed=True, scanned_at=at, received_at=at, client_id=f"t-{next(_ids)}")
    if kept:
        return KeptScan.objects.create(id=10_000_000 + next(_ids), kept_at=NOW, **values)
    return CheckpointScan.objects.create(**values)


def new_id_number(serial: int) -> str:
    base = f"11010119900101{serial:03d}"
    return base + id_check_char(base)


def contacts(case, kind):
    return {c.person_id: c for c in Contact.objects.filter(case=case, kind=kind)}


def test_household_members_are_close_contacts_and_their_households_secondary(city):
    epi = city.users["epi"]
    case_r, other_r = families(city.grid, 2)
    case = cases_service.case_open(actor=epi, resident=case_r, note="市一院报告", now=NOW)
    assert case.source == "manual" and case.grid == city.grid
    close = contacts(case, "close")
    assert set(close) == members(case_r) - {case_r.person_id}
    assert {c.source for c in close.values()} == {"household"}
    # From the interview: a resident of another household; their household becomes secondary contacts.
    contact = cases_service.contact_add(actor=epi, case=case, id_number=other_r.person.id_number, note="同桌吃饭",
                                        now=NOW)
    assert contact.kind == "close" and contact.source == "interview" and contact.grid == city.grid
    secondary = contacts(case, "secondary")
    assert set(secondary) == members(other_r) - {other_r.person_id}
    assert {c.via_id for c in secondary.values()} == {contact.pk}
    # Someone no one knows: a person without residence, their order to the case's area.
    stranger = cases_service.contact_add(actor=epi, case=case, id_number=new_id_number(7), name="过路人",
                                         phone="13800001234", now=NOW)
    assert stranger.grid is None and stranger.area == case.area
    assert not Resident.objects.filter(person=stranger.person).exists()
    with pytest.raises(ValidationError):  # once per case and person
        cases_service.contact_add(actor=epi, case=case, id_number=other_r.person.id_number, now=NOW)
    with pytest.raises(ValidationError):  # a person no one knows needs a name
        cases_service.contact_add(actor=epi, case=case, id_number=new_id_number(8), now=NOW)
    # Every contact: an urgent `contact` order in their grid's inbox (masked name), and a measure by kind.
    everyone = list(Contact.objects.filter(case=case).select_related("person", "work_order"))
    for c in everyone:
        order = c.work_order
        assert order.kind == "contact" and order.area_id == (c.grid_id or case.area_id)
        assert order.priority == Priority.URGENT
        assert order.assignee_role == "grid_worker" and mask_name(c.person.name) in order.title
        assert order.subject_type == ContentType.objects.get_for_model(Contact) and order.subject_id == c.pk
    measures = {m.person_id: m.kind for m in ControlMeasure.objects.filter(released_at__isnull=True,
                                                                        person_id__in=[c.person_id for c in everyone])}
    assert all(measures[c.person_id] == "home_isolation" for c in everyone)
    assert ControlMeasure.objects.get(person=case.person, released_at__isnull=True).kind == "home_isolation"
    # Running it again adds nothing.
    assert cases_service.case_investigate(actor=epi, case=case, now=NOW) == {"close": 0, "secondary": 0,
                                                                            "companion": 0}
    assert WorkOrder.objects.filter(kind="contact", subject_id__in=[c.pk for c in everyone]).count() == len(everyone)


def test_companions_at_the_rules_edges(city):
    epi = city.users["epi"]
    (case_r,) = families(city.sibling_grid, 1)
    people = [r.person for r in Resident.objects.filter(household__building__area=city.grid, moved_out__isnull=True)
              .select_related("person").order_by("id")[:12]]
    exact, plus_one, in_only, in_only_short, out_only, old, kept_other, live_at_kept, far = people[:9]
    gate, old_gate, kept_gate = (Site.objects.create(kind=SiteKind.CHECKPOINT, name=f"卡口{i}", area=city.sibling_grid)
                                 for i in range(3))
    person = case_r.person
    start, end = NOW - 120 * M, NOW - 60 * M  # the case at the gate for an hour
    scan(person, gate, "in", start)
    scan(person, gate, "out", end)
    scan(exact, gate, "in", end - 10 * M)  # exactly 10 minutes together: not a companion
    scan(exact, gate, "out", end + 30 * M)
    scan(plus_one, gate, "in", end - 10 * M - datetime.timedelta(seconds=1))  # 10 minutes and a second: one
    scan(plus_one, gate, "out", end + 30 * M)
    scan(in_only, gate, "in", end - 25 * M)  # no out-scan: 30 minutes' dwell, 25 of them with the case
    scan(in_only_short, gate, "in", end - 5 * M)  # dwell, but only 5 minutes with the case
    scan(out_only, gate, "out", end + 10 * M)  # no in-scan: the dwell before it, 20 minutes with the case
    scan(far, gate, "in", end + 5 * M)  # after the case left
    # 15 days ago, at another gate: beyond the window.
    scan(person, old_gate, "in", NOW - datetime.timedelta(days=15))
    scan(person, old_gate, "out", NOW - datetime.timedelta(days=15) + 60 * M)
    scan(old, old_gate, "in", NOW - datetime.timedelta(days=15))
    scan(old, old_gate, "out", NOW - datetime.timedelta(days=15) + 60 * M)
    # Three days ago, kept aside past the purge: the case's scans only in KeptScan.
    three = NOW - datetime.timedelta(days=3)
    scan(person, kept_gate, "in", three, kept=True)
    scan(person, kept_gate, "out", three + 60 * M, kept=True)
    scan(kept_other, kept_gate, "in", three + 5 * M, kept=True)
    scan(kept_other, kept_gate, "out", three + 40 * M, kept=True)
    scan(live_at_kept, kept_gate, "in", three + 30 * M)
    case = cases_service.case_open(actor=epi, resident=case_r, note="市一院报告", now=NOW)
    found = contacts(case, "companion")
    assert set(found) == {plus_one.pk, in_only.pk, out_only.pk, kept_other.pk, live_at_kept.pk}
    assert found[plus_one.pk].overlap_minutes == 10 and found[plus_one.pk].site == gate
    assert found[plus_one.pk].met_at == end - 10 * M - datetime.timedelta(seconds=1)
    assert found[in_only.pk].overlap_minutes == 25 and found[out_only.pk].overlap_minutes == 20
    assert found[kept_other.pk].site == kept_gate and found[live_at_kept.pk].overlap_minutes == 30
    assert {c.grid_id for c in found.values()} == {city.grid.pk}
    assert all(c.work_order.area_id == city.grid.pk for c in Contact.objects.filter(case=case, kind="companion")
               .select_related("work_order"))
    assert set(ControlMeasure.objects.filter(contact__case=case, contact__kind="companion", released_at__isnull=True)
               .values_list("kind", flat=True)) == {"home_monitoring"}
    # Again, idempotent; a later scan of a new companion is found by the re-run.
    scan(exact, gate, "in", start + 5 * M)
    scan(exact, gate, "out", start + 20 * M)
    assert cases_service.case_investigate(actor=epi, case=case, now=NOW)["companion"] == 1
    assert cases_service.case_investigate(actor=epi, case=case, now=NOW)["companion"] == 0


def test_a_household_member_met_at_the_gate_stays_a_close_contact(city):
    epi = city.users["epi"]
    (case_r,) = families(city.grid, 1, skip=3)
    mate = Person.objects.get(pk=sorted(members(case_r) - {case_r.person_id})[0])
    gate = Site.objects.create(kind=SiteKind.CHECKPOINT, name="卡口", area=city.grid)
    for p in (case_r.person, mate):
        scan(p, gate, "in", NOW - 60 * M)
        scan(p, gate, "out", NOW - 20 * M)
    case = cases_service.case_open(actor=epi, resident=case_r, note="报告", now=NOW)
    assert Contact.objects.get(case=case, person=mate).kind == "close"


def test_only_manage_cases_within_scope_opens_or_adds(city):
    (far_r,) = families(city.grid, 1)
    with pytest.raises(PermissionDenied):
        cases_service.case_open(actor=city.users["district2"], resident=far_r, note="x", now=NOW)
    with pytest.raises(PermissionDenied):
        cases_service.case_open(actor=city.users["grid"], resident=far_r, note="x", now=NOW)
    assert cases_service.person_find_for_case(actor=city.users["district2"], id_number=far_r.person.id_number) is None
    found = cases_service.person_find_for_case(actor=city.users["epi"], id_number=far_r.person.id_number)
    assert found.person_id == far_r.person_id
    assert AuditLog.objects.filter(action="search", object_id=str(far_r.person_id)).exists()
    case = cases_service.case_open(actor=city.users["epi"], resident=far_r, note="x", now=NOW)
    with pytest.raises(ValidationError):
        cases_service.case_open(actor=city.users["epi"], resident=far_r, note="again", now=NOW)
    with pytest.raises(PermissionDenied):
        cases_service.case_close(actor=city.users["district2"], case=case)
    cases_service.case_close(actor=city.users["epi"], case=case, now=NOW)
    assert Case.objects.get(pk=case.pk).status == "closed"


def test_a_pool_waits_under_monitoring_and_a_negative_retest_releases(city):
    commander = city.users["commander"]
    testing_round = demo_round(city)
    site = Site.objects.filter(kind=SiteKind.TESTING).order_by("id").first()
    people = [r.person for r in families(city.grid, 3, skip=6)]
    pool = tube_with(testing_round, "P0000001", people, site=site, grid=city.grid, pool_size=10)
    answers, counts = results.results_record(actor=commander, testing_round=testing_round, records=[
        {"tube_code": "P0000001", "result": "阳性"}], now=NOW)
    assert counts["retests"] == 3
    monitored = {m.person_id: m for m in ControlMeasure.objects.filter(retest__tube=pool, released_at__isnull=True)}
    assert set(monitored) == {p.pk for p in people} and {m.kind for m in monitored.values()} == {"home_monitoring"}
    # Re-tests at home in single tubes: the first negative, the second positive.
    negative = tube_with(testing_round, "R0000011", [people[0]], site=site, grid=city.grid, pool_size=1, kind="retest")
    positive = tube_with(testing_round, "R0000012", [people[1]], site=site, grid=city.grid, pool_size=1, kind="retest")
    results.retests_close_for(Sample.objects.filter(tube__in=[negative, positive]), now=NOW)
    later = NOW + datetime.timedelta(hours=5)
    results.results_record(actor=commander, testing_round=testing_round, records=[
        {"tube_code": "R0000011", "result": "阴性"}, {"tube_code": "R0000012", "result": "阳性"}], now=later)
    assert ControlMeasure.objects.get(pk=monitored[people[0].pk].pk).released_at is not None
    assert ControlMeasure.objects.get(pk=monitored[people[2].pk].pk).released_at is None  # still waiting
    case = Case.objects.get(person=people[1], status="open")
    assert case.source == "tube" and case.tube == positive and case.grid == city.grid
    assert ControlMeasure.objects.get(person=people[1], released_at__isnull=True).kind == "home_isolation"
    close = contacts(case, "close")
    assert set(close) == members(Resident.objects.get(person=people[1], moved_out__isnull=True)) - {people[1].pk}
    assert all(c.work_order_id and c.work_order.area_id == city.grid.pk for c in close.values())
    assert Retest.objects.filter(tube=pool, sample__isnull=True).count() == 1
    assert Tube.objects.get(pk=negative.pk).result == Result.NEGATIVE


def test_pages_show_masked_contacts_and_reveal_is_audited(city, client_for):
    (case_r,) = families(city.grid, 1, skip=9)
    case = cases_service.case_open(actor=city.users["epi"], resident=case_r, note="报告", now=NOW)
    contact = Contact.objects.filter(case=case).select_related("person").first()
    client = client_for("epi")
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert mask_name(contact.person.name) in html and contact.person.id_number not in html
    assert f"#{case.pk}" in client.get("/cases/").content.decode()
    assert client.get(f"/contacts/{contact.pk}/").status_code == 200
    response = client.post(f"/contacts/{contact.pk}/reveal/id_number/")
    assert contact.person.id_number in response.content.decode()
    assert AuditLog.objects.filter(action="reveal", note="id_number", object_id=str(contact.pk)).exists()
    assert client_for("grid").get(f"/cases/{case.pk}/").status_code == 403
    assert client_for("district2").get(f"/cases/{case.pk}/").status_code == 404
    page = client.get("/cases/new/", {"id_number": case_r.person.id_number})
    assert page.status_code == 200 and mask_name(case_r.person.name) in page.content.decode()
    other = new_id_number(9)
    response = client.post(f"/cases/{case.pk}/contacts/add/", {"id_number": other, "name": "外地人", "phone": ""})
    assert response.status_code == 302 and Contact.objects.filter(case=case, person__id_number=other).exists()
    bad = client.post(f"/cases/{case.pk}/contacts/add/", {"id_number": "123"})
    assert bad.status_code == 400


def test_the_demo_case_has_its_contacts_measures_and_orders(city):
    from frontline.demo.control_cases import demo_cases_create
    from frontline.demo.testing import demo_testing_create

    demo_testing_create()
    demo_cases_create()
    case = Case.objects.filter(tube__samples__kind="retest", status="open").select_related("grid").get()
    assert case.grid.path.startswith(city.community.path)
    kinds = dict(Contact.objects.filter(case=case).values_list("kind").annotate(n=Count("id")))
    assert kinds.get("close", 0) >= 2 and kinds.get("secondary", 0) >= 1 and kinds.get("companion") == 4
    gate = Contact.objects.filter(case=case, kind="companion").select_related("site").first().site
    assert gate.name.endswith("小区东门卡口")
    assert not Contact.objects.filter(case=case, work_order__isnull=True).exists()
    assert not Contact.objects.filter(case=case).exclude(person__control_measures__released_at__isnull=True).exists()
    released = ControlMeasure.objects.filter(retest__sample__tube__result="negative", released_at__isnull=False)
    assert released.exists()
    demo_cases_create()  # once
    assert Case.objects.filter(tube__samples__kind="retest").count() == 1
