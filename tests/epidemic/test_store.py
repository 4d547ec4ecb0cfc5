"""Scan storage: day partitions made ahead (PostgreSQL), a scan for any day lands once, the purge drops old days
and keeps aside the scans of people under investigation (audited with its counts), a person's trace reads live
and kept scans together, and the checkpoint flow figures equal the rows."""

import datetime
import itertools

import pytest
from django.db import connection
from django.utils import timezone

from frontline.areas import figures
from frontline.areas.models import Site, SiteKind
from frontline.core.models import AuditLog
from frontline.epidemic import scan_storage, store_flow
from frontline.epidemic.models import (
    Case,
    CaseSource,
    CaseStatus,
    CheckpointScan,
    Contact,
    ContactKind,
    ContactSource,
    KeptScan,
)
from frontline.people.models import Resident

pytestmark = pytest.mark.django_db
on_pg = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="partitions exist on PostgreSQL only")

TODAY = datetime.date(2031, 3, 10)  # no partition of the test database's own days is touched
_ids = itertools.count(1)


def at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def scan(site, person, when, *, direction="in", passed=True, client_id=None):
    return CheckpointScan(day=timezone.localdate(when), site=site, person=person, direction=direction,
                          code_colour="green" if passed else "red", temperature="36.5", passed=passed,
                          reasons="" if passed else "code", scanned_at=when, received_at=when,
                          client_id=client_id or f"store-{next(_ids)}")


def home_of(day):
    """Which table holds the scans of a day: a day partition, or the default one."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT tableoid::regclass::text FROM {scan_storage.TABLE} WHERE day = %s", [day])
        return {name for (name,) in cursor.fetchall()}


@pytest.fixture
def gates(city):
    return [Site.objects.create(kind=SiteKind.CHECKPOINT, name=name, area=area) for name, area in
            [("东门卡口", city.grid), ("西门卡口", city.grid), ("南门卡口", city.sibling_grid)]]


@pytest.fixture
def people(city):
    return [r.person for r in Resident.objects.filter(household__building__area=city.grid, moved_out__isnull=True)
            .select_related("person").order_by("id")[:4]]


# --- partitions ------------------------------------------------------------------------------------------------

@on_pg
def test_partitions_are_created_ahead_once_and_a_scan_today_lands_in_its_own(gates, people):
    created = scan_storage.scan_partitions_ensure(TODAY, ahead=3, keep_days=2)
    assert created == [TODAY + datetime.timedelta(days=d) for d in range(-2, 4)]
    assert scan_storage.scan_partitions_ensure(TODAY, ahead=3, keep_days=2) == []
    assert set(created) <= set(scan_storage.scan_partitions())
    CheckpointScan.objects.bulk_create([scan(gates[0], people[0], at(TODAY, 8))])
    assert home_of(TODAY) == {scan_storage.partition_name(TODAY)}


@on_pg
def test_the_test_database_has_todays_partition_from_migrate():
    today = timezone.localdate()
    assert today in scan_storage.scan_partitions()
    assert today + datetime.timedelta(days=1) in scan_storage.scan_partitions()


@on_pg
def test_a_scan_for_a_day_without_partition_lands_and_moves_into_the_partition_made_later(gates, people):
    day = TODAY + datetime.timedelta(days=40)
    CheckpointScan.objects.bulk_create([scan(gates[0], people[0], at(day, h)) for h in (7, 8, 9)])
    assert home_of(day) == {scan_storage.DEFAULT}
    assert scan_storage.scan_partitions_ensure(day, ahead=0, keep_days=0) == [day]
    assert home_of(day) == {scan_storage.partition_name(day)}
    assert CheckpointScan.objects.filter(day=day).count() == 3


def test_partitions_are_nothing_to_do_on_sqlite():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite's path")
    assert scan_storage.scan_partitions_ensure(TODAY) == []
    assert scan_storage.scan_partitions() == []


def test_a_retried_insert_with_the_same_client_id_on_the_same_day_does_not_double(gates, people):
    scan_storage.scan_partitions_ensure(TODAY, ahead=0, keep_days=0)
    table, ops = scan_storage.TABLE, connection.ops
    sql = (f"INSERT INTO {table} (day, site_id, person_id, direction, code_colour, itinerary_flag, temperature, "
           f"passed, reasons, scanned_at, received_at, client_id) VALUES (%s, %s, %s, 'in', 'green', false, 36.5, "
           f"true, '', %s, %s, %s) ON CONFLICT (client_id, day) DO NOTHING")
    when = ops.adapt_datetimefield_value(at(TODAY, 10))
    with connection.cursor() as cursor:
        for _retry in range(3):
            cursor.execute(sql, [ops.adapt_datefield_value(TODAY), gates[0].pk, people[0].pk, when, when, "kiosk-1"])
        # The same client id another day is another scan.
        cursor.execute(sql, [ops.adapt_datefield_value(TODAY + datetime.timedelta(days=1)), gates[0].pk,
                             people[0].pk, when, when, "kiosk-1"])
    assert CheckpointScan.objects.filter(client_id="kiosk-1", day=TODAY).count() == 1
    assert CheckpointScan.objects.filter(client_id="kiosk-1").count() == 2


# --- the purge -------------------------------------------------------------------------------------------------

def _investigate(city, people):
    """people[0]: an open case; people[1]: an open contact of it; people[2]: a closed case; people[3]: nobody."""
    opened = at(TODAY - datetime.timedelta(days=30))
    case = Case.objects.create(person=people[0], area=city.grid, status=CaseStatus.OPEN, opened_at=opened,
                               source=CaseSource.MANUAL)
    Contact.objects.create(case=case, person=people[1], kind=ContactKind.CLOSE, source=ContactSource.INTERVIEW,
                           area=city.grid, found_at=opened)
    Case.objects.create(person=people[2], area=city.grid, status=CaseStatus.CLOSED, opened_at=opened,
                        source=CaseSource.MANUAL, closed_at=opened)
    # A closed contact does not keep anyone's scans either.
    Contact.objects.create(case=case, person=people[3], kind=ContactKind.CLOSE, source=ContactSource.INTERVIEW,
                           area=city.grid, found_at=opened, closed_at=opened)


@pytest.mark.parametrize("keep_days", [14, 5])
def test_the_purge_drops_old_days_and_keeps_aside_the_scans_of_open_investigations(city, gates, people, settings,
                                                                                   keep_days):
    settings.FRONTLINE_SCAN_KEEP_DAYS = keep_days
    now = at(TODAY, 3)
    _investigate(city, people)
    if connection.vendor == "postgresql":  # the older day stays in the default partition: both paths purge
        scan_storage.scan_partitions_ensure(TODAY, ahead=1, keep_days=keep_days + 2)
    old = [TODAY - datetime.timedelta(days=keep_days + n) for n in (1, 2, 6)]  # older than keep_days
    edge = TODAY - datetime.timedelta(days=keep_days)  # exactly keep_days old: stays
    CheckpointScan.objects.bulk_create([scan(gates[i % 3], p, at(day, 8 + i)) for day in old + [edge, TODAY]
                                        for i, p in enumerate(people)])
    before = AuditLog.objects.filter(note=scan_storage.PURGE_NOTE).count()
    # The test database's own (empty) partitions are older still: dropped as well.
    days = sorted(set(old) | {d for d in scan_storage.scan_partitions() if d < edge})

    result = scan_storage.scans_purge(now=now)

    assert result.days == days
    assert result.dropped == 4 * len(old)
    assert result.kept == 2 * len(old)  # the open case's and the open contact's
    assert not CheckpointScan.objects.filter(day__lt=edge).exists()
    assert CheckpointScan.objects.filter(day__in=[edge, TODAY]).count() == 8
    kept = KeptScan.objects.filter(day__in=old)
    assert set(kept.values_list("person_id", flat=True)) == {people[0].pk, people[1].pk}
    assert kept.count() == 2 * len(old) and all(k.kept_at == now for k in kept)
    assert not any(d < edge for d in scan_storage.scan_partitions())
    entry = AuditLog.objects.filter(note=scan_storage.PURGE_NOTE).latest("id")
    assert entry.changes == {"days": [d.isoformat() for d in days], "dropped": 4 * len(old),
                             "kept": 2 * len(old), "keep_days": keep_days}
    # Purged already: nothing more to do, nothing more to audit.
    again = scan_storage.scans_purge(now=now)
    assert (again.days, again.dropped, again.kept) == ([], 0, 0)
    assert AuditLog.objects.filter(note=scan_storage.PURGE_NOTE).count() == before + 1


def test_a_persons_trace_reads_live_and_kept_scans_once_each(city, gates, people):
    _investigate(city, people)
    person = people[0]
    old, recent = TODAY - datetime.timedelta(days=20), TODAY - datetime.timedelta(days=2)
    CheckpointScan.objects.bulk_create([scan(gates[0], person, at(old, 8)), scan(gates[1], person, at(old, 18), direction="out"),
                                        scan(gates[0], person, at(recent, 9)), scan(gates[0], people[3], at(recent, 9))])
    scan_storage.scans_purge(now=at(TODAY, 3))
    trace = scan_storage.scans_of_person(person.pk, at(TODAY - datetime.timedelta(days=30)), at(TODAY, 23))
    assert [(t["day"], t["site_id"], t["direction"]) for t in trace] == [
        (old, gates[0].pk, "in"), (old, gates[1].pk, "out"), (recent, gates[0].pk, "in")]
    # A scan both kept and still live (a purge stopped between the two) comes once.
    with connection.cursor() as cursor:
        scan_storage._keep_aside(cursor, recent, at(TODAY, 3))
    assert KeptScan.objects.filter(day=recent, person=person).exists()
    assert len(scan_storage.scans_of_person(person.pk, at(recent), at(TODAY))) == 1
    # The window bounds it.
    assert len(scan_storage.scans_of_person(person.pk, at(old, 12), at(recent))) == 1


# --- flow ------------------------------------------------------------------------------------------------------

def test_checkpoint_flow_and_figures_equal_the_rows(city, gates, people):
    scan_storage.scan_partitions_ensure(TODAY, ahead=0, keep_days=1)
    day = TODAY
    rows = [scan(gates[0], people[0], at(day, 0, 5)), scan(gates[0], people[1], at(day, 0, 50), direction="out"),
            scan(gates[0], people[2], at(day, 8, 1), passed=False), scan(gates[0], people[3], at(day, 8, 59)),
            scan(gates[0], people[0], at(day, 23, 59), direction="out"),
            scan(gates[1], people[1], at(day, 12)), scan(gates[1], people[2], at(day, 12, 30), passed=False,
                                                          direction="out"),
            scan(gates[2], people[3], at(day, 7)), scan(gates[2], people[0], at(day, 7, 10), passed=False),
            # another day: not counted
            scan(gates[0], people[0], at(day - datetime.timedelta(days=1), 8))]
    CheckpointScan.objects.bulk_create(rows)

    hours = store_flow.checkpoint_flow(gates[0], day)
    assert len(hours) == 24 and [h.hour for h in hours] == list(range(24))
    assert (hours[0].ins, hours[0].outs, hours[0].stops) == (1, 1, 0)
    assert (hours[8].ins, hours[8].outs, hours[8].stops) == (1, 0, 1)
    assert (hours[23].ins, hours[23].outs, hours[23].stops) == (0, 1, 0)
    assert sum(h.scans for h in hours) == 5

    by_site = {f.site.pk: (f.ins, f.outs, f.stops) for f in store_flow.checkpoint_flow_of_area(city.community, day)}
    assert by_site[gates[0].pk] == (2, 2, 1)
    assert by_site[gates[1].pk] == (1, 0, 1)
    assert by_site[gates[2].pk] == (1, 0, 1)

    period = figures.Period(day, day)
    codes = ["checkpoint_scans", "checkpoint_stops"]
    commander = city.users["street"]
    for code, rows_of in [("checkpoint_scans", CheckpointScan.objects.all()),
                          ("checkpoint_stops", CheckpointScan.objects.filter(passed=False))]:
        under = rows_of.filter(day=day)
        for area in (city.grid, city.community, city.street):
            table = figures.figure_table(actor=commander, area=area, codes=codes, period=period)
            assert table.total[code] == under.filter(site__area__path__startswith=area.path).count()
            if area != city.grid:  # a parent's figure is the sum of its children's
                assert table.total[code] == sum(table.column(code))
        for gate in gates:
            counted = figures.site_figures(actor=commander, site=gate, codes=[code], period=period)
            assert counted[code] == under.filter(site=gate).count()
    assert figures.figure_table(actor=commander, area=city.grid, codes=codes, period=period).total == {
        "checkpoint_scans": 7, "checkpoint_stops": 2}


def test_the_area_page_shows_todays_entrance_checks(city, gates, people, client_for):
    CheckpointScan.objects.bulk_create([scan(gates[0], people[0], timezone.now()),
                                        scan(gates[0], people[1], timezone.now(), passed=False)])
    page = client_for("secretary").get(f"/areas/{city.grid.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="checkpoint-flow-panel"' in body and "今日卡口查验" in body
    row = body[body.index("东门卡口"):]
    row = row[:row.index("</tr>")]
    assert [cell.split(">")[-1] for cell in row.split("</td>")[1:4]] == ["1", "0", "1"]
    # A grid worker does not see the scans (view_scans): no panel.
    assert 'data-testid="checkpoint-flow-panel"' not in client_for("grid").get(f"/areas/{city.grid.pk}/").content.decode()


def test_the_partitions_and_the_purge_are_daily_scheduled_tasks(gates, people):
    from django.utils.module_loading import import_string

    from frontline.core import plugins

    for code in ("scan-partitions-ahead", "scans-purge"):
        scheduled = plugins.scheduled_tasks[code]
        assert scheduled.every == datetime.timedelta(days=1)
        import_string(scheduled.task).delay()  # eager in tests: runs now, on today's clock
    old = timezone.localdate() - datetime.timedelta(days=30)
    CheckpointScan.objects.bulk_create([scan(gates[0], people[0], at(old))])
    assert import_string(plugins.scheduled_tasks["scans-purge"].task).delay().get() >= 1
    assert not CheckpointScan.objects.filter(day=old).exists()
