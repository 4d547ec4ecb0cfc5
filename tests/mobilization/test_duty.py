"""Duty around the clock (全天候在岗): shifts at a site or a grid, the holes of a 24-hour roster at the edges of an
Asia/Shanghai day, overlap refusals, checking in and out of one's own shift only, attendance for a month, the
pages by the policy, and a roster whose query count does not grow with the number of sites."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from frontline.areas.models import Area, Site
from frontline.core.models import AuditLog, User
from frontline.mobilization.duty import CheckIn, DutyShift
from frontline.mobilization.duty_services import (
    duty_attendance,
    duty_check_in,
    duty_check_out,
    duty_roster,
    duty_shift_create,
    holes_in,
)
from frontline.people.models import Resident

SH = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=0, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=SH)


def _residents(area, n, exclude=()):
    rows = (Resident.objects.filter(household__building__area__path__startswith=area.path, moved_out__isnull=True)
            .exclude(person__in=[p.pk for p in exclude]).select_related("person").order_by("id")[:n])
    return [r.person for r in rows]


@pytest.fixture
def duty(city):
    """The demo cadre's account stands for a resident of the probe grid; another resident of it is on duty too."""
    me, other = _residents(city.grid, 2)
    cadre = city.users["cadre"]
    User.objects.filter(pk=cadre.pk).update(person=me)
    cadre.refresh_from_db()
    return type("Duty", (), {"me": me, "other": other, "cadre": cadre, "secretary": city.users["secretary"]})


def _shift(duty, city, start, end, person=None, site=None):
    return duty_shift_create(actor=duty.secretary, person=person or duty.me, starts_at=start, ends_at=end,
                             site=site, grid=None if site else city.grid)


def _grid_roster(roster, grid):
    return next(p for p in roster.places if p.kind == "grid" and p.pk == grid.pk)


# --- holes at the edges of a local day -------------------------------------------------------------------

def test_holes_of_a_day_start_and_end_at_shanghai_midnight_with_shifts_crossing_it(city, duty):
    _shift(duty, city, at(2022, 4, 9, 22), at(2022, 4, 10, 6))  # crosses midnight into the 10th
    _shift(duty, city, at(2022, 4, 10, 8), at(2022, 4, 10, 16), person=duty.other)
    _shift(duty, city, at(2022, 4, 10, 16), at(2022, 4, 10, 23))
    now = at(2022, 4, 20)
    tenth = _grid_roster(duty_roster(actor=duty.secretary, area=city.grid, day=datetime.date(2022, 4, 10), now=now), city.grid)
    assert [(timezone.localtime(a).strftime("%H:%M"), timezone.localtime(b).strftime("%d %H:%M")) for a, b in tenth.holes] \
        == [("06:00", "10 08:00"), ("23:00", "11 00:00")]
    assert len(tenth.shifts) == 3
    ninth = _grid_roster(duty_roster(actor=duty.secretary, area=city.grid, day=datetime.date(2022, 4, 9), now=now), city.grid)
    assert ninth.holes == [(at(2022, 4, 9), at(2022, 4, 9, 22))]
    eleventh = _grid_roster(duty_roster(actor=duty.secretary, area=city.grid, day=datetime.date(2022, 4, 11), now=now),
                            city.grid)
    assert eleventh.holes == [(at(2022, 4, 11), at(2022, 4, 12))] and eleventh.shifts == []


def test_a_shift_from_local_midnight_to_midnight_leaves_no_hole_though_utc_dates_differ(city, duty):
    start = datetime.datetime(2022, 4, 9, 16, tzinfo=datetime.UTC)  # 2022-04-10 00:00 in Shanghai
    _shift(duty, city, start, start + datetime.timedelta(hours=24))
    roster = duty_roster(actor=duty.secretary, area=city.grid, day=datetime.date(2022, 4, 10), now=at(2022, 5, 1))
    assert _grid_roster(roster, city.grid).holes == []
    nine = duty_roster(actor=duty.secretary, area=city.grid, day=datetime.date(2022, 4, 9), now=at(2022, 5, 1))
    assert _grid_roster(nine, city.grid).holes == [(at(2022, 4, 9), at(2022, 4, 10))]


def test_holes_in_merges_overlapping_and_touching_intervals():
    d0, d1 = at(2022, 4, 10), at(2022, 4, 11)
    assert holes_in([], d0, d1) == [(d0, d1)]
    assert holes_in([(at(2022, 4, 10, 2), at(2022, 4, 10, 9)), (at(2022, 4, 10, 3), at(2022, 4, 10, 5)),
                     (at(2022, 4, 10, 9), at(2022, 4, 10, 12))], d0, d1) == [(d0, at(2022, 4, 10, 2)), (at(2022, 4, 10, 12), d1)]
    assert holes_in([(at(2022, 4, 9, 20), at(2022, 4, 11, 1))], d0, d1) == []


def test_every_grid_and_open_site_has_a_roster_and_a_site_shift_fills_only_its_site(city, duty):
    site = Site.objects.create(kind="checkpoint", name="小区东门卡口", area=city.grid)
    closed = Site.objects.create(kind="testing", name="旧采样点", area=city.grid, opened_on=datetime.date(2022, 3, 1),
                                 closed_on=datetime.date(2022, 4, 1))
    _shift(duty, city, at(2022, 4, 10), at(2022, 4, 11), site=site)
    roster = duty_roster(actor=duty.secretary, area=city.community, day=datetime.date(2022, 4, 10), now=at(2022, 5, 1))
    kinds = {(p.kind, p.pk): p for p in roster.places}
    assert ("site", closed.pk) not in kinds
    assert kinds[("site", site.pk)].holes == []
    grids = Area.objects.filter(level="grid", path__startswith=city.community.path).count()
    assert sum(1 for p in roster.places if p.kind == "grid") == grids
    assert kinds[("grid", city.grid.pk)].holes == [(at(2022, 4, 10), at(2022, 4, 11))]


def test_a_shift_under_way_without_a_check_in_is_flagged_until_its_person_checks_in(city, duty):
    shift = _shift(duty, city, at(2022, 4, 10, 8), at(2022, 4, 10, 16))
    now = at(2022, 4, 10, 9)
    place = _grid_roster(duty_roster(actor=duty.secretary, area=city.community, day=now.date(), now=now), city.grid)
    assert [s.pk for s in place.nobody_there] == [shift.pk]
    duty_check_in(actor=duty.cadre, shift=shift, now=now)
    place = _grid_roster(duty_roster(actor=duty.secretary, area=city.community, day=now.date(), now=now), city.grid)
    assert place.nobody_there == [] and place.shifts[0].present
    # a shift not yet begun is no one's absence
    later = _grid_roster(duty_roster(actor=duty.secretary, area=city.community, day=now.date(), now=at(2022, 4, 10, 7)),
                         city.grid)
    assert later.nobody_there == []


# --- scheduling refusals ---------------------------------------------------------------------------------

def test_a_person_cannot_hold_two_overlapping_shifts_and_touching_ones_are_fine(city, duty):
    site = Site.objects.create(kind="checkpoint", name="东门卡口", area=city.grid)
    _shift(duty, city, at(2022, 4, 10, 8), at(2022, 4, 10, 16))
    with pytest.raises(ValidationError) as e:
        _shift(duty, city, at(2022, 4, 10, 15), at(2022, 4, 10, 20), site=site)
    assert "不能重叠" in " ".join(e.value.messages)
    _shift(duty, city, at(2022, 4, 10, 16), at(2022, 4, 10, 20), site=site)  # starts when the other ends
    _shift(duty, city, at(2022, 4, 10, 15), at(2022, 4, 10, 20), person=duty.other)  # another person may
    assert DutyShift.objects.filter(person=duty.me).count() == 2


def test_an_end_before_the_start_or_a_place_outside_the_scope_is_refused_and_nothing_written(city, duty):
    before = DutyShift.objects.count()
    with pytest.raises(ValidationError) as e:
        _shift(duty, city, at(2022, 4, 10, 16), at(2022, 4, 10, 8))
    assert "ends_at" in e.value.message_dict and "早于" in " ".join(e.value.messages)
    far_grid = Area.objects.filter(level="grid", path__startswith=city.sibling_community.path).first()
    with pytest.raises(ValidationError) as e:
        duty_shift_create(actor=duty.secretary, person=duty.me, starts_at=at(2022, 4, 10, 8),
                          ends_at=at(2022, 4, 10, 16), grid=far_grid)
    assert "不在您的辖区" in " ".join(e.value.messages)
    stranger = _residents(city.other_district, 1)[0]
    with pytest.raises(ValidationError) as e:
        _shift(duty, city, at(2022, 4, 10, 8), at(2022, 4, 10, 16), person=stranger)
    assert "person" in e.value.message_dict
    with pytest.raises(ValidationError):
        duty_shift_create(actor=duty.secretary, person=duty.me, starts_at=at(2022, 4, 10, 8),
                          ends_at=at(2022, 4, 10, 16), grid=city.community)  # a community is no grid
    with pytest.raises(PermissionDenied):
        duty_shift_create(actor=city.users["grid"], person=duty.me, starts_at=at(2022, 4, 10, 8),
                          ends_at=at(2022, 4, 10, 16), grid=city.grid)
    assert DutyShift.objects.count() == before


# --- checking in and out ---------------------------------------------------------------------------------

def test_check_in_and_out_of_ones_own_shift_with_every_wrong_move_refused(city, duty):
    shift = _shift(duty, city, at(2022, 4, 10, 8), at(2022, 4, 10, 16))
    with pytest.raises(ValidationError) as e:
        duty_check_in(actor=duty.cadre, shift=shift, now=at(2022, 4, 10, 7))  # an hour early
    assert "半小时" in " ".join(e.value.messages)
    with pytest.raises(ValidationError) as e:
        duty_check_out(actor=duty.cadre, shift=shift, now=at(2022, 4, 10, 8))
    assert "还没有签到" in " ".join(e.value.messages)
    first = duty_check_in(actor=duty.cadre, shift=shift, now=at(2022, 4, 10, 7, 45))
    with pytest.raises(ValidationError) as e:
        duty_check_in(actor=duty.cadre, shift=shift, now=at(2022, 4, 10, 9))
    assert "请先签退" in " ".join(e.value.messages)
    with pytest.raises(ValidationError) as e:
        duty_check_out(actor=duty.cadre, shift=shift, now=at(2022, 4, 10, 7))
    assert "早于" in " ".join(e.value.messages)
    duty_check_out(actor=duty.cadre, shift=shift, now=at(2022, 4, 10, 12), note="午休")
    first.refresh_from_db()
    assert first.checked_out_at == at(2022, 4, 10, 12) and first.note == "午休"
    duty_check_in(actor=duty.cadre, shift=shift, now=at(2022, 4, 10, 13))  # back after the break
    with pytest.raises(ValidationError) as e:
        duty_check_in(actor=duty.cadre, shift=_shift(duty, city, at(2022, 4, 9, 8), at(2022, 4, 9, 9)),
                      now=at(2022, 4, 10, 13))
    assert "已于" in " ".join(e.value.messages)
    assert CheckIn.objects.filter(shift=shift).count() == 2
    assert AuditLog.objects.filter(note="checked in", person=duty.me).count() == 2


def test_nobody_checks_in_to_anothers_shift(city, duty, client_for):
    theirs = _shift(duty, city, at(2022, 4, 10, 8), at(2022, 4, 10, 16), person=duty.other)
    with pytest.raises(ValidationError) as e:
        duty_check_in(actor=duty.cadre, shift=theirs, now=at(2022, 4, 10, 9))
    assert "只能由本人" in " ".join(e.value.messages)
    with pytest.raises(ValidationError):
        duty_check_in(actor=duty.secretary, shift=theirs, now=at(2022, 4, 10, 9))
    assert client_for("cadre").post(f"/duty/shifts/{theirs.pk}/check-in/").status_code == 404
    assert client_for("grid").post(f"/duty/shifts/{theirs.pk}/check-in/").status_code == 404
    assert not CheckIn.objects.filter(shift=theirs).exists()


def test_my_duty_page_shows_todays_shift_with_one_button_and_checks_in(city, duty, client_for):
    now = timezone.now()
    shift = _shift(duty, city, now - datetime.timedelta(hours=1), now + datetime.timedelta(hours=7))
    later = _shift(duty, city, now + datetime.timedelta(days=1), now + datetime.timedelta(days=1, hours=8))
    client = client_for("cadre")
    page = client.get("/duty/").content.decode()
    assert "我的值守" in page and page.count('data-testid="check-in"') == 1
    assert f'data-testid="shift-{later.pk}"' in page
    response = client.post(f"/duty/shifts/{shift.pk}/check-in/")
    assert response.status_code == 302 and CheckIn.objects.filter(shift=shift, checked_out_at__isnull=True).exists()
    page = client.get("/duty/").content.decode()
    assert 'data-testid="check-out"' in page and "签退" in page
    again = client.post(f"/duty/shifts/{shift.pk}/check-in/", follow=True).content.decode()
    assert "请先签退" in again and CheckIn.objects.filter(shift=shift).count() == 1


def test_the_navigation_shows_my_duty_to_whoever_has_shifts(city, duty, client_for):
    assert "我的值守" not in client_for("cadre").get("/").content.decode()
    now = timezone.now()
    _shift(duty, city, now, now + datetime.timedelta(hours=2))
    assert "我的值守" in client_for("cadre").get("/").content.decode()
    assert "我的值守" not in client_for("grid").get("/").content.decode()


# --- attendance ------------------------------------------------------------------------------------------

def test_attendance_for_a_month_counts_scheduled_attended_missed_and_hours_by_local_month(city, duty):
    done = _shift(duty, city, at(2022, 4, 10, 8), at(2022, 4, 10, 16))
    _shift(duty, city, at(2022, 4, 11, 8), at(2022, 4, 11, 16))  # missed
    _shift(duty, city, at(2022, 4, 30, 20), at(2022, 5, 1, 0, 15))  # April's, though it ends in May
    _shift(duty, city, at(2022, 5, 1, 0, 30), at(2022, 5, 1, 2))  # 2022-04-30 16:30 UTC: May's
    _shift(duty, city, at(2022, 4, 12, 8), at(2022, 4, 12, 16), person=duty.other)
    duty_check_in(actor=duty.cadre, shift=done, now=at(2022, 4, 10, 8))
    duty_check_out(actor=duty.cadre, shift=done, now=at(2022, 4, 10, 10, 30))
    rows = {r.person.pk: r for r in duty_attendance(actor=duty.secretary, area=city.community,
                                                   month=datetime.date(2022, 4, 1), now=at(2022, 4, 20))}
    mine = rows[duty.me.pk]
    assert (mine.scheduled, mine.attended, mine.missed, mine.hours) == (3, 1, 1, 2.5)  # the 30th has not ended
    assert (rows[duty.other.pk].scheduled, rows[duty.other.pk].missed) == (1, 1)
    may = {r.person.pk: r for r in duty_attendance(actor=duty.secretary, area=city.community,
                                                  month=datetime.date(2022, 5, 1), now=at(2022, 6, 1))}
    assert may[duty.me.pk].scheduled == 1 and may[duty.me.pk].missed == 1
    assert duty_attendance(actor=city.users["secretary2"], area=city.sibling_community,
                           month=datetime.date(2022, 4, 1), now=at(2022, 4, 20)) == []


def test_an_open_check_in_counts_until_now_and_never_past_the_shift_end(city, duty):
    shift = _shift(duty, city, at(2022, 4, 10, 8), at(2022, 4, 10, 16))
    duty_check_in(actor=duty.cadre, shift=shift, now=at(2022, 4, 10, 8))
    (row,) = duty_attendance(actor=duty.secretary, area=city.grid, month=datetime.date(2022, 4, 1), now=at(2022, 4, 10, 11))
    assert row.hours == 3.0
    (row,) = duty_attendance(actor=duty.secretary, area=city.grid, month=datetime.date(2022, 4, 1), now=at(2022, 4, 12))
    assert row.hours == 8.0


# --- pages and access ------------------------------------------------------------------------------------

def test_the_community_duty_page_is_for_the_desk_over_it(city, duty, client_for):
    url = f"/areas/{city.community.pk}/duty/"
    assert client_for("secretary").get(url).status_code == 200
    assert client_for("street").get(url).status_code == 200
    assert client_for("commander").get(url).status_code == 200
    assert client_for("secretary2").get(url).status_code == 404
    assert client_for("grid").get(url).status_code == 403
    assert client_for("cadre").get(url).status_code == 403
    assert client_for("secretary2").get(f"/areas/{city.community.pk}/duty/attendance/").status_code == 404


def test_a_secretary_schedules_a_shift_on_the_page_and_bad_input_says_what_is_wrong(city, duty, client_for):
    client = client_for("secretary")
    url = f"/areas/{city.community.pk}/duty/shifts/"
    ok = client.post(url, {"place": f"g{city.grid.pk}", "person": duty.me.pk, "starts_at": "2022-04-10T08:00",
                           "ends_at": "2022-04-10T16:00"})
    assert ok.status_code == 302 and ok["Location"].endswith("?day=2022-04-10")
    shift = DutyShift.objects.get(person=duty.me)
    assert shift.starts_at == at(2022, 4, 10, 8) and shift.grid_id == city.grid.pk and shift.created_by == duty.secretary
    page = client.get(f"/areas/{city.community.pk}/duty/?day=2022-04-10").content.decode()
    assert duty.me.name in page and "06:00" not in page.split(f'data-testid="place-grid-{city.grid.pk}"')[1][:10]
    bad = client.post(url, {"place": f"g{city.grid.pk}", "person": duty.other.pk, "starts_at": "2022-04-10T16:00",
                            "ends_at": "2022-04-10T08:00"})
    assert bad.status_code == 400 and "早于" in bad.content.decode()
    clash = client.post(url, {"place": f"g{city.grid.pk}", "id_number": duty.me.id_number or "",
                              "person": duty.me.pk, "starts_at": "2022-04-10T12:00", "ends_at": "2022-04-10T20:00"})
    assert clash.status_code == 400 and "不能重叠" in clash.content.decode()
    assert DutyShift.objects.count() == 1


def test_the_area_page_panel_counts_todays_holes(city, duty, client_for):
    page = client_for("secretary").get(f"/areas/{city.community.pk}/").content.decode()
    grids = Area.objects.filter(level="grid", path__startswith=city.community.path).count()
    sites = Site.objects.filter(area__path__startswith=city.community.path, closed_on__isnull=True).count()
    assert 'data-testid="duty-holes"' in page and f"今日{grids + sites}处空档" in page
    assert 'data-testid="duty-panel"' not in client_for("grid").get(f"/areas/{city.grid.pk}/").content.decode()


def test_the_roster_costs_the_same_queries_however_many_sites_and_shifts(city, duty):
    def count(gaps_only=False):
        with CaptureQueriesContext(connection) as queries:
            roster = duty_roster(actor=duty.secretary, area=city.community, day=datetime.date(2022, 4, 10),
                                 now=at(2022, 4, 10, 9), gaps_only=gaps_only)
        return len(queries), len(roster.places)

    duty.secretary = User.objects.get(pk=duty.secretary.pk)
    count()  # the secretary's assignments, once a request
    few, places_before = count()
    few_gaps, _places = count(gaps_only=True)
    people = _residents(city.community, 12, exclude=[duty.me, duty.other])
    for i, person in enumerate(people):
        site = Site.objects.create(kind="checkpoint", name=f"卡口{i}", area=city.grid)
        _shift(duty, city, at(2022, 4, 10, 8), at(2022, 4, 10, 16), person=person, site=site)
    many, places_after = count()
    assert places_after == places_before + 12 and many == few
    assert count(gaps_only=True)[0] == few_gaps


def test_the_gap_list_has_the_same_holes_and_keeps_only_the_shifts_nobody_attends(city, duty):
    site = Site.objects.create(kind="checkpoint", name="西门卡口", area=city.grid)
    attended = _shift(duty, city, at(2022, 4, 10, 8), at(2022, 4, 10, 16))
    empty = _shift(duty, city, at(2022, 4, 10, 6), at(2022, 4, 10, 18), person=duty.other, site=site)
    duty_check_in(actor=duty.cadre, shift=attended, now=at(2022, 4, 10, 8))
    now, day = at(2022, 4, 10, 9), datetime.date(2022, 4, 10)
    full = duty_roster(actor=duty.secretary, area=city.community, day=day, now=now)
    gaps = duty_roster(actor=duty.secretary, area=city.community, day=day, now=now, gaps_only=True)
    assert [(p.kind, p.pk, p.holes) for p in full.flagged] == [(p.kind, p.pk, p.holes) for p in gaps.places]
    assert gaps.place_count == full.place_count == len(full.places)
    assert [s.pk for p in gaps.places for s in p.shifts] == [empty.pk]
    assert (gaps.hole_count, gaps.nobody_there_count) == (full.hole_count, full.nobody_there_count)


def test_above_a_community_the_page_lists_only_flagged_places_with_the_unattended_shifts(city, duty, client_for):
    now = timezone.now()
    empty = _shift(duty, city, now - datetime.timedelta(hours=1), now + datetime.timedelta(hours=2))
    page = client_for("street").get(f"/areas/{city.street.pk}/duty/").content.decode()
    assert f'data-testid="shift-{empty.pk}"' in page and "无人到岗" in page
    assert 'data-testid="shift-form"' not in page and "只列出有空档" in page
    duty_check_in(actor=duty.cadre, shift=empty)
    page = client_for("street").get(f"/areas/{city.street.pk}/duty/").content.decode()
    assert f'data-testid="shift-{empty.pk}"' not in page


def test_the_panel_counts_agree_with_the_roster(city, duty):
    from frontline.mobilization.duty_services import duty_gap_counts

    site = Site.objects.create(kind="checkpoint", name="南门卡口", area=city.grid)
    now = timezone.now()
    _shift(duty, city, now - datetime.timedelta(hours=1), now + datetime.timedelta(hours=2))
    _shift(duty, city, now - datetime.timedelta(hours=3), now + datetime.timedelta(hours=1), person=duty.other, site=site)
    roster = duty_roster(actor=duty.secretary, area=city.community, now=now)
    assert duty_gap_counts(actor=duty.secretary, area=city.community, now=now) == (roster.hole_count, 2)
    assert roster.nobody_there_count == 2
    assert duty_gap_counts(actor=city.users["secretary2"], area=city.community, now=now) == (0, 0)


def test_the_attendance_page_shows_a_month_per_person(city, duty, client_for):
    done = _shift(duty, city, at(2022, 4, 10, 8), at(2022, 4, 10, 16))
    _shift(duty, city, at(2022, 4, 11, 8), at(2022, 4, 11, 16))
    duty_check_in(actor=duty.cadre, shift=done, now=at(2022, 4, 10, 8))
    duty_check_out(actor=duty.cadre, shift=done, now=at(2022, 4, 10, 16))
    page = client_for("secretary").get(f"/areas/{city.community.pk}/duty/attendance/?month=2022-04").content.decode()
    row = page.split(f'data-testid="person-{duty.me.pk}"')[1].split("</tr>")[0]
    cells = [c.split(">", 1)[1] for c in row.split("<td")[1:]]
    assert [c.removesuffix("</td>") for c in cells] == [duty.me.name, "2", "1", "1", "8.0"]
    assert "2022-03" in page and "排班" in page and "积分" not in page
    assert "本月没有班次" in client_for("secretary").get(
        f"/areas/{city.community.pk}/duty/attendance/?month=2022-02").content.decode()


def test_a_shift_nobody_checked_in_to_can_be_cancelled_and_an_attended_one_stays(city, duty, client_for):
    now = timezone.now()
    wrong = _shift(duty, city, now + datetime.timedelta(days=1), now + datetime.timedelta(days=1, hours=8))
    kept = _shift(duty, city, now - datetime.timedelta(hours=1), now + datetime.timedelta(hours=1))
    duty_check_in(actor=duty.cadre, shift=kept)
    assert client_for("secretary2").post(f"/duty/shifts/{wrong.pk}/cancel/").status_code == 404
    assert client_for("cadre").post(f"/duty/shifts/{wrong.pk}/cancel/").status_code == 403
    response = client_for("secretary").post(f"/duty/shifts/{wrong.pk}/cancel/")
    assert response.status_code == 302 and f"/areas/{city.community.pk}/duty/" in response["Location"]
    assert not DutyShift.objects.filter(pk=wrong.pk).exists()
    assert AuditLog.objects.filter(action="delete", note="duty shift cancelled", person=duty.me).exists()
    refused = client_for("secretary").post(f"/duty/shifts/{kept.pk}/cancel/", follow=True).content.decode()
    assert "不能取消" in refused and DutyShift.objects.filter(pk=kept.pk).exists()


def test_odd_days_and_months_in_the_address_fall_back_to_today(city, duty, client_for):
    client = client_for("secretary")
    for query in ("?day=0001-01-01", "?day=9999-12-31", "?day=2022-02-30", "?day=昨天"):
        assert client.get(f"/areas/{city.community.pk}/duty/{query}").status_code == 200
    for query in ("?month=0001-01", "?month=9999-12", "?month=2022-13"):
        assert client.get(f"/areas/{city.community.pk}/duty/attendance/{query}").status_code == 200


def test_the_database_finds_the_same_holes_as_the_roster_for_tangled_shifts(city, duty):
    """The gap list asks the database for the holes (a window over each place's shifts): overlapping, nested,
    back-to-back and midnight-crossing shifts give the same holes as walking the shifts one by one."""
    people = _residents(city.community, 6, exclude=[duty.me, duty.other])
    site = Site.objects.create(kind="checkpoint", name="东门卡口", area=city.grid)
    for person, (start, end) in zip(people, [
            (at(2022, 4, 9, 20), at(2022, 4, 10, 2)),   # from the evening before
            (at(2022, 4, 10, 1), at(2022, 4, 10, 6)),   # overlaps it
            (at(2022, 4, 10, 3), at(2022, 4, 10, 4)),   # nested in it
            (at(2022, 4, 10, 6), at(2022, 4, 10, 9)),   # back to back: no hole at 6:00
            (at(2022, 4, 10, 12), at(2022, 4, 10, 13)),  # a hole 9:00-12:00 before it
            (at(2022, 4, 10, 22), at(2022, 4, 11, 6)),  # into the next day: a hole 13:00-22:00 only
    ]):
        duty_shift_create(actor=duty.secretary, person=person, starts_at=start, ends_at=end, site=site)
    day, now = datetime.date(2022, 4, 10), at(2022, 4, 10, 12, 30)
    full = duty_roster(actor=duty.secretary, area=city.community, day=day, now=now)
    gaps = duty_roster(actor=duty.secretary, area=city.community, day=day, now=now, gaps_only=True)
    at_site = next(p for p in gaps.places if p.kind == "site" and p.pk == site.pk)
    assert at_site.holes == [(at(2022, 4, 10, 9), at(2022, 4, 10, 12)), (at(2022, 4, 10, 13), at(2022, 4, 10, 22))]
    assert {(p.kind, p.pk): p.holes for p in full.flagged} == {(p.kind, p.pk): p.holes for p in gaps.places}
