"""Monthly stationing (家园驻守): a cadre logs their own days (one a day, never in the future, never long ago),
the community confirms them (never the cadre themself), and the organization department sees, by home unit,
the cadres of county level and below under the monthly minimum — exported masked, watermarked and audited,
and sent to each unit as one work order a month."""

import datetime
import io
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from frontline.core.models import Assignment, AuditLog, User, WorkOrder
from frontline.mobilization.stationing import StationingDay, StationingShortfall
from frontline.mobilization.stationing_services import (
    SHORTFALL_KIND,
    home_community,
    stationing_compliance,
    stationing_day_log,
    stationing_days_decide,
    stationing_shortfall_due,
    stationing_shortfall_orders,
)
from frontline.people.models import Cadre, Resident

UTC = datetime.UTC
APRIL = datetime.date(2022, 4, 1)


def at(*args) -> datetime.datetime:
    """A moment given in UTC (Asia/Shanghai is eight hours ahead)."""
    return datetime.datetime(*args, tzinfo=UTC)


def _resident_without_cadre(area):
    return (Resident.objects.filter(household__building__area__path__startswith=area.path, moved_out__isnull=True,
                                    person__cadre__isnull=True).select_related("person").order_by("id").first().person)


@pytest.fixture
def stationed(city):
    """A section-level cadre of a district bureau who lives in the demo community, with a cadre's account."""
    person = _resident_without_cadre(city.community)
    cadre = Cadre.objects.create(person=person, home_unit="区卫健局", unit_area=city.district, rank="section")
    user = User.objects.create(username="stationed", person=person, role="cadre", area=city.community)
    Assignment.objects.create(user=user, role="cadre", area=city.community, valid_from=datetime.date(2022, 3, 1))
    return cadre


def _account():
    return User.objects.get(username="stationed")


def _days(cadre, community, month, n, status="confirmed", decider=None):
    return StationingDay.objects.bulk_create([
        StationingDay(cadre=cadre, community=community, day=month + datetime.timedelta(days=i), status=status,
                      decided_by=decider if status != "waiting" else None,
                      decided_at=at(2022, 4, 28) if status != "waiting" else None) for i in range(n)])


def _short_days(report, cadre):
    for unit in report.units:
        for pk, _name, _rank, _phone, n in unit.short:
            if pk == cadre.pk:
                return n
    return None


def test_the_default_community_is_where_the_cadre_lives(city, stationed):
    assert home_community(stationed) == city.community


def test_a_day_belongs_to_the_month_of_its_local_date(city, stationed):
    """23:30 in Shanghai on 30 April is 15:30 UTC: April. 00:30 on 1 May is 16:30 UTC on 30 April: May."""
    late = stationing_day_log(actor=_account(), now=at(2022, 4, 30, 15, 30))
    assert late.day == datetime.date(2022, 4, 30) and late.community == city.community
    early = stationing_day_log(actor=_account(), now=at(2022, 4, 30, 16, 30))
    assert early.day == datetime.date(2022, 5, 1)
    stationing_days_decide(actor=city.users["secretary"], days=[late.pk, early.pk], confirm=True)
    _days(stationed, city.community, datetime.date(2022, 4, 10), 4, decider=city.users["secretary"])
    commander = city.users["commander"]
    assert _short_days(stationing_compliance(actor=commander, month=APRIL), stationed) is None  # 4 + 30 April = 5
    assert _short_days(stationing_compliance(actor=commander, month=datetime.date(2022, 5, 1)), stationed) == 1


def test_one_day_is_logged_once(city, stationed):
    stationing_day_log(actor=_account(), day=datetime.date(2022, 4, 5), now=at(2022, 4, 20, 2))
    with pytest.raises(ValidationError, match="每天只能登记一次"):
        stationing_day_log(actor=_account(), day=datetime.date(2022, 4, 5), now=at(2022, 4, 20, 3))
    assert StationingDay.objects.filter(cadre=stationed).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():  # and the database says so too
        StationingDay.objects.create(cadre=stationed, community=city.community, day=datetime.date(2022, 4, 5))


def test_a_future_day_is_refused(stationed):
    with pytest.raises(ValidationError, match="将来"):
        stationing_day_log(actor=_account(), day=datetime.date(2022, 4, 21), now=at(2022, 4, 20, 2))
    assert not StationingDay.objects.filter(cadre=stationed).exists()


def test_the_previous_month_may_be_logged_during_the_grace_days_only(stationed, settings):
    settings.FRONTLINE_STATIONING_GRACE_DAYS = 5
    assert stationing_day_log(actor=_account(), day=datetime.date(2022, 3, 31), now=at(2022, 4, 5, 2))
    with pytest.raises(ValidationError, match="时间过久"):
        stationing_day_log(actor=_account(), day=datetime.date(2022, 3, 30), now=at(2022, 4, 6, 2))
    with pytest.raises(ValidationError, match="时间过久"):
        stationing_day_log(actor=_account(), day=datetime.date(2022, 2, 28), now=at(2022, 4, 2, 2))


def test_nobody_confirms_their_own_days(city, stationed):
    account = _account()
    Assignment.objects.create(user=account, role="community_secretary", area=city.community,
                              valid_from=datetime.date(2022, 3, 1))
    day = stationing_day_log(actor=account, now=at(2022, 4, 20, 2))
    with pytest.raises(ValidationError, match="不能确认本人"):
        stationing_days_decide(actor=User.objects.get(pk=account.pk), days=[day.pk], confirm=True)
    day.refresh_from_db()
    assert day.status == "waiting"
    StationingDay.objects.filter(pk=day.pk).update(logged_by=city.users["secretary"])
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses it as well
        StationingDay.objects.filter(pk=day.pk).update(status="confirmed", decided_by=city.users["secretary"],
                                                       decided_at=at(2022, 4, 20, 3))


def test_the_community_confirms_many_at_once_and_only_in_its_scope(city, stationed):
    days = [stationing_day_log(actor=_account(), day=datetime.date(2022, 4, d), now=at(2022, 4, 20, 2)).pk
            for d in (1, 2, 3)]
    with pytest.raises(PermissionDenied):  # the organization department does not confirm
        stationing_days_decide(actor=city.users["commander"], days=days, confirm=True)
    with pytest.raises(ValidationError, match="不属于您辖区"):
        stationing_days_decide(actor=city.users["secretary2"], days=days, confirm=True)
    with pytest.raises(ValidationError, match="理由"):
        stationing_days_decide(actor=city.users["secretary"], days=days[:1], confirm=False)
    assert set(StationingDay.objects.filter(pk__in=days).values_list("status", flat=True)) == {"waiting"}
    assert stationing_days_decide(actor=city.users["secretary"], days=days[:2], confirm=True) == 2
    assert stationing_days_decide(actor=city.users["street"], days=days[2:], confirm=False, reason="当天不在社区") == 1
    with pytest.raises(ValidationError, match="已处理"):
        stationing_days_decide(actor=city.users["secretary"], days=days, confirm=True)
    assert sorted(StationingDay.objects.filter(pk__in=days).values_list("status", flat=True)) == [
        "confirmed", "confirmed", "refused"]
    assert AuditLog.objects.filter(note="stationing confirmed").count() == 2


@pytest.mark.parametrize("confirmed, short", [(4, True), (5, False)])
def test_the_minimum_is_five_confirmed_days(city, stationed, settings, confirmed, short):
    settings.FRONTLINE_STATIONING_MIN_DAYS = 5
    _days(stationed, city.community, APRIL, confirmed, decider=city.users["secretary"])
    _days(stationed, city.community, APRIL + datetime.timedelta(days=20), 3, status="waiting")  # not counted
    report = stationing_compliance(actor=city.users["commander"], month=APRIL)
    assert _short_days(report, stationed) == (confirmed if short else None)
    unit = next(u for u in report.units if u.home_unit == "区卫健局")
    assert unit.cadres >= 1 and unit.met + len(unit.short) == unit.cadres


def test_bureau_level_cadres_are_not_counted(city, stationed):
    assert _short_days(stationing_compliance(actor=city.users["commander"], month=APRIL), stationed) == 0
    Cadre.objects.filter(pk=stationed.pk).update(rank="bureau")
    report = stationing_compliance(actor=city.users["commander"], month=APRIL)
    assert _short_days(report, stationed) is None
    assert all(u.home_unit != "区卫健局" or stationed.pk not in [s[0] for s in u.short] for u in report.units)


def test_compliance_is_the_organization_departments(city, stationed, client_for):
    assert client_for("commander").get("/stationing/compliance/?month=2022-04").status_code == 200
    for username in ("street", "secretary", "cadre", "grid"):
        assert client_for(username).get("/stationing/compliance/?month=2022-04").status_code == 403
    # the other district's commander sees the units of that district only
    other = stationing_compliance(actor=city.users["district2"], month=APRIL)
    assert _short_days(other, stationed) is None


def test_the_community_page_is_for_its_secretary_and_street(city, stationed, client_for):
    stationing_day_log(actor=_account(), day=datetime.date(2022, 4, 3), now=at(2022, 4, 20, 2))
    page = client_for("secretary").get(f"/areas/{city.community.pk}/stationing/")
    assert page.status_code == 200 and stationed.person.name in page.content.decode()
    assert client_for("street").get(f"/areas/{city.community.pk}/stationing/").status_code == 200
    assert client_for("secretary2").get(f"/areas/{city.community.pk}/stationing/").status_code == 404
    assert client_for("commander").get(f"/areas/{city.community.pk}/stationing/").status_code == 403


def test_the_cadre_logs_today_in_one_tap_and_sees_the_count(city, stationed, client):
    client.force_login(_account())
    response = client.post("/stationing/log/", {})
    assert response.status_code == 302
    page = client.get("/stationing/").content.decode()
    assert "待确认" in page and 'data-testid="confirmed">0<' in page
    again = client.post("/stationing/log/", {}, follow=True).content.decode()
    assert "每天只能登记一次" in again
    assert StationingDay.objects.filter(cadre=stationed).count() == 1
    future = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    assert "将来" in client.post("/stationing/log/", {"day": future}, follow=True).content.decode()


def test_once_today_is_logged_the_page_says_so_instead_of_offering_the_button(city, stationed, client):
    client.force_login(_account())
    assert 'data-testid="log-today"' in client.get("/stationing/").content.decode()
    client.post("/stationing/log/", {})
    page = client.get("/stationing/").content.decode()
    assert 'data-testid="log-today"' not in page  # a second tap would only be refused
    assert 'data-testid="logged-today"' in page and "今天已登记" in page and "待确认" in page
    assert 'data-testid="log-day"' in page  # past days can still be logged


def test_a_cadre_logs_their_own_days_only(city, stationed, client_for):
    """The page takes no cadre: the account's own record is the only one (the demo `cadre` has none)."""
    response = client_for("cadre").post("/stationing/log/", {}, follow=True)
    assert "未关联干部信息" in response.content.decode()
    assert not StationingDay.objects.exists()


def test_the_export_is_masked_watermarked_and_audited(city, stationed, client_for):
    stationed.person.phone = "13812345678"
    stationed.person.save(update_fields=["phone"])
    before = AuditLog.objects.filter(action="export").count()
    response = client_for("commander").get("/stationing/compliance/export/?month=2022-04")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert "2022-04" in rows[0][0] and "commander" in rows[1][0]
    mine = next(r for r in rows if r[1] == stationed.person.name)
    assert mine[0] == "区卫健局" and mine[3] == "138****5678" and mine[4] == 0
    assert not any(re.search(r"1[3-9]\d{9}", str(v)) for row in rows for v in row if v)
    assert AuditLog.objects.filter(action="export").count() == before + 1


def test_one_work_order_per_unit_and_month(city, stationed, client_for):
    commander = city.users["commander"]
    created = stationing_shortfall_orders(actor=commander, month=APRIL)
    mine = StationingShortfall.objects.get(month=APRIL, home_unit="区卫健局", unit_area=city.district)
    assert mine in created and [stationed.pk, stationed.person.name, 0] in mine.cadres
    order = WorkOrder.objects.get(kind=SHORTFALL_KIND, subject_id=mine.pk)
    assert order.area == city.district and order.assignee_role == "commander" and "区卫健局" in order.title
    assert stationed.person.name in order.events.get(action="commented").note
    assert stationing_shortfall_orders(actor=commander, month=APRIL) == []
    assert client_for("commander").post("/stationing/compliance/orders/", {"month": "2022-04"}).status_code == 302
    assert stationing_shortfall_due(now=at(2022, 5, 10, 2)) == 0  # the scheduled task, for April: nothing new
    assert WorkOrder.objects.filter(kind=SHORTFALL_KIND, title__contains="2022-04").count() == len(created)
    assert StationingShortfall.objects.filter(month=APRIL).count() == len(created)


def test_the_scheduled_task_waits_for_the_grace_days(city, stationed, settings):
    settings.FRONTLINE_STATIONING_GRACE_DAYS = 5
    assert stationing_shortfall_due(now=at(2022, 5, 3, 2)) == 0
    assert not StationingShortfall.objects.filter(month=APRIL).exists()
    assert stationing_shortfall_due(now=at(2022, 5, 6, 2)) > 0
    assert StationingShortfall.objects.filter(month=APRIL, home_unit="区卫健局").exists()
    assert stationing_shortfall_due(now=at(2022, 5, 7, 2)) == 0


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_page_query_counts_do_not_grow_with_rows(city, stationed, client_for):
    commander, secretary = client_for("commander"), client_for("secretary")
    community_page = f"/areas/{city.community.pk}/stationing/"
    few = (_queries(commander, "/stationing/compliance/?month=2022-04"), _queries(secretary, community_page))
    people = Resident.objects.filter(household__building__area__path__startswith=city.community.path,
                                     moved_out__isnull=True, person__cadre__isnull=True).exclude(
        person=stationed.person).select_related("person")[:8]
    for i, resident in enumerate(people):
        cadre = Cadre.objects.create(person=resident.person, home_unit=f"市直单位{i % 3}", unit_area=city.city,
                                     rank="staff")
        _days(cadre, city.community, APRIL, 2, status="waiting")
        _days(cadre, city.community, APRIL + datetime.timedelta(days=5), i % 6, decider=city.users["secretary"])
    many = (_queries(commander, "/stationing/compliance/?month=2022-04"), _queries(secretary, community_page))
    assert many == few


def test_the_demo_shows_stationing_and_its_cadre_can_log_today(city, client_for):
    from frontline.demo.stationing import demo_stationing_create
    from frontline.mobilization.stationing_services import local_today, previous_month

    assert demo_stationing_create() > 0
    assert demo_stationing_create() == 0  # once only
    last = previous_month(local_today())
    report = stationing_compliance(actor=city.users["commander"], month=last)
    demo_cadres = set(StationingDay.objects.values_list("cadre_id", flat=True))
    short = {pk for u in report.units for pk, *_rest in u.short}
    assert demo_cadres & short and demo_cadres - short  # some under the minimum, some not
    cadre = client_for("cadre")
    assert "未关联干部信息" not in cadre.get("/stationing/").content.decode()
    assert cadre.post("/stationing/log/", {}).status_code == 302
    account = User.objects.get(username="cadre")
    assert StationingDay.objects.filter(cadre__person=account.person, day=local_today(), status="waiting").exists()
    assert client_for("secretary").get(f"/areas/{city.community.pk}/stationing/").status_code == 200


def test_confirmed_days_are_a_registered_figure(city, stationed):
    from frontline.areas.figures import Period, figure_series

    day = stationing_day_log(actor=_account(), day=datetime.date(2022, 4, 3), now=at(2022, 4, 20, 2))
    stationing_days_decide(actor=city.users["secretary"], days=[day.pk], confirm=True, now=at(2022, 4, 20, 5))
    series = figure_series(area=city.street, code="stationing_days_confirmed",
                           period=Period(datetime.date(2022, 4, 1), datetime.date(2022, 4, 30)))
    assert [n for _t, n in series] == [1]


def test_the_compliance_page_lists_a_chosen_units_cadres(city, stationed, client_for):
    page = client_for("commander").get("/stationing/compliance/", {"month": "2022-04", "unit": "区卫健局"})
    listed = page.content.decode().split('data-testid="short"')[1]
    assert stationed.person.name in listed
    assert set(re.findall(r"<tr><td>([^<]+)</td>", listed)) == {"区卫健局"}
