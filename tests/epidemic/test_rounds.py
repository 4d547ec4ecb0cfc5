"""Testing rounds as their users meet them: the list each role sees, creating a round (and every way of
getting it wrong), staffing it and ending the staffing, closing it, and its exemptions, masked."""

import datetime

import pytest
from django.utils import timezone

from frontline.areas.models import Area, Site, SiteKind
from frontline.core.models import Assignment, User
from frontline.epidemic import models as epidemic
from frontline.epidemic.models import RoundExemption, RoundSite, RoundStaff
from frontline.epidemic.rounds import round_site_add
from frontline.epidemic.rounds import testing_round_create as round_create
from frontline.people.models import Resident

FMT = "%Y-%m-%dT%H:%M"


def _local(dt):
    return timezone.localtime(dt).strftime(FMT)


@pytest.fixture
def demo_round(city):
    return epidemic.TestingRound.objects.filter(round_areas__area=city.community).order_by("-id").first()


@pytest.fixture
def site(city):
    return Site.objects.create(kind=SiteKind.TESTING, name="网格采样点", area=city.grid)


def _form(city, site=None, **over):
    now = timezone.now()
    data = {"name": "全员核酸(第二轮)", "areas": [city.community.pk], "starts_at": _local(now - datetime.timedelta(hours=1)),
            "ends_at": _local(now + datetime.timedelta(days=2)), "pool_size": "10", "form_token": "",
            "sites": [site.pk] if site else []}
    data.update(over)
    return data


def _counts():
    return epidemic.TestingRound.objects.count(), RoundSite.objects.count(), Site.objects.count()


def test_the_list_shows_each_role_its_rounds_and_its_work(city, client_for, demo_round):
    secretary = client_for("secretary").get("/testing/").content.decode()
    assert demo_round.name in secretary and "新建检测轮次" in secretary and "10合1" in secretary
    collector = client_for("collector").get("/testing/").content.decode()
    assert demo_round.name in collector and 'href="/testing/collect/"' in collector
    assert 'href="/testing/bags/"' in collector and 'data-testid="my-staffing"' in collector
    assert "新建检测轮次" not in collector
    transporter = client_for("transporter").get("/testing/").content.decode()
    assert 'href="/testing/bags/"' in transporter and 'href="/testing/collect/"' not in transporter
    lab = client_for("lab").get("/testing/").content.decode()
    assert demo_round.name not in lab and "/results/" not in lab  # none of its tubes went there: no round yet
    for outsider in ("secretary2", "district2"):
        assert demo_round.name not in client_for(outsider).get("/testing/").content.decode()
    assert client_for("volunteer").get("/testing/").status_code == 403
    assert "核酸检测" in client_for("collector").get("/").content.decode()  # the navigation entry


def test_a_secretary_creates_a_round_with_a_site_and_a_new_one(city, client_for, site):
    response = client_for("secretary").post("/testing/rounds/new/", _form(
        city, site, new_site_name="社区广场采样点", new_site_area=city.community.pk, pool_size="5"))
    assert response.status_code == 302
    testing_round = epidemic.TestingRound.objects.get(name="全员核酸(第二轮)")
    assert testing_round.pool_size == 5 and testing_round.area == city.community
    assert sorted(testing_round.round_sites.values_list("site__name", flat=True)) == ["社区广场采样点", "网格采样点"]
    page = client_for("secretary").get(response["Location"]).content.decode()
    assert "社区广场采样点" in page and "5合1" in page
    assert f'href="/testing/rounds/{testing_round.pk}/coverage/"' in page


@pytest.mark.parametrize("pool_size", ["1", "20"])
def test_pool_sizes_at_their_edges_are_taken(city, client_for, pool_size):
    response = client_for("secretary").post("/testing/rounds/new/", _form(city, pool_size=pool_size))
    assert response.status_code == 302
    assert epidemic.TestingRound.objects.get(name="全员核酸(第二轮)").pool_size == int(pool_size)


def _refused(client, data, message):
    before = _counts()
    response = client.post("/testing/rounds/new/", data)
    body = response.content.decode()
    assert response.status_code == 400 and message in body, body[body.find("text-danger"):][:400]
    assert _counts() == before


@pytest.mark.parametrize("pool_size", ["7", "0", "21"])
def test_a_pool_size_that_is_not_1_5_10_or_20_is_refused(city, client_for, pool_size):
    _refused(client_for("secretary"), _form(city, pool_size=pool_size),
             f"每管混采人数只能是 1、5、10 或 20，不能是 {pool_size}。")


def test_an_end_before_the_start_is_refused(city, client_for, site):
    now = timezone.now()
    _refused(client_for("secretary"), _form(city, site, starts_at=_local(now), ends_at=_local(now - datetime.timedelta(hours=2))),
             "结束时间必须晚于开始时间。")


def test_a_site_of_another_kind_is_refused(city, client_for):
    checkpoint = Site.objects.create(kind=SiteKind.CHECKPOINT, name="东门卡口", area=city.grid)
    _refused(client_for("secretary"), _form(city, checkpoint), "“东门卡口”不是核酸采样点。")


def test_a_site_outside_the_round_areas_is_refused(city, client_for):
    sibling = Site.objects.create(kind=SiteKind.TESTING, name="邻网格采样点", area=city.grid)
    _refused(client_for("secretary"), _form(city, sibling, areas=[Area.objects.filter(
        path__startswith=city.community.path, level="grid").exclude(pk=city.grid.pk).first().pk]),
        "采样点“邻网格采样点”不在本轮覆盖的区域内。")


def test_areas_outside_the_actors_place_are_refused(city, client_for):
    _refused(client_for("secretary"), _form(city, areas=[city.sibling_community.pk]),
             f"所选区域（{city.sibling_community.pk}）不在您的辖区内。")
    _refused(client_for("secretary"), _form(city, areas=["99999999999999999999999"]), "不在您的辖区内")


def test_a_new_site_in_a_round_that_fails_is_not_left_behind(city, client_for):
    now = timezone.now()
    _refused(client_for("secretary"), _form(city, new_site_name="临时采样点", new_site_area=city.grid.pk,
                                            starts_at=_local(now), ends_at=_local(now)), "结束时间必须晚于开始时间。")
    assert not Site.objects.filter(name="临时采样点").exists()


def test_the_same_form_sent_twice_makes_one_round(city, client_for):
    client = client_for("secretary")
    form = client.get("/testing/rounds/new/").content.decode()
    token = form.split('name="form_token" value="')[1].split('"')[0]
    assert len(token) >= 32
    first = client.post("/testing/rounds/new/", _form(city, form_token=token))
    second = client.post("/testing/rounds/new/", _form(city, form_token=token), follow=True)
    assert epidemic.TestingRound.objects.filter(name="全员核酸(第二轮)").count() == 1
    assert second.redirect_chain[0][0] == first["Location"] and "该表单已提交过" in second.content.decode()


def test_the_form_token_holds_in_the_service_too(city):
    now = timezone.now()
    args = {"actor": city.users["secretary"], "name": "轮次", "areas": [city.community], "starts_at": now,
            "ends_at": now + datetime.timedelta(hours=5), "pool_size": 10, "form_token": "a" * 32}
    assert round_create(**args) == round_create(**args)


def test_grid_workers_and_transporters_see_a_round_but_do_not_run_it(city, client_for, demo_round):
    for username in ("grid", "transporter"):
        client = client_for(username)
        page = client.get(f"/testing/rounds/{demo_round.pk}/").content.decode()
        assert demo_round.name in page and 'data-testid="staff"' not in page and 'data-testid="exemptions"' not in page
        assert client.get("/testing/rounds/new/").status_code == 403
        assert client.post(f"/testing/rounds/{demo_round.pk}/status/", {"status": "closed"}).status_code == 403
    assert client_for("secretary2").get(f"/testing/rounds/{demo_round.pk}/").status_code == 404


def test_the_collector_sees_only_their_site(city, client_for, demo_round, site):
    round_site_add(actor=None, testing_round=demo_round, site=site, opens_at=demo_round.starts_at,
                   closes_at=demo_round.ends_at)
    page = client_for("collector").get(f"/testing/rounds/{demo_round.pk}/").content.decode()
    assert "网格采样点" not in page and 'data-testid="sites"' in page
    assert "网格采样点" in client_for("secretary").get(f"/testing/rounds/{demo_round.pk}/").content.decode()


def _open_round(city, site):
    now = timezone.now()
    return round_create(actor=city.users["secretary"], name="第二轮", areas=[city.community],
                                starts_at=now - datetime.timedelta(hours=1), ends_at=now + datetime.timedelta(days=1),
                                pool_size=10, sites=[(site, now - datetime.timedelta(hours=1),
                                                      now + datetime.timedelta(hours=10))])


@pytest.fixture
def volunteer_account(city):
    user = User.objects.create(username="swabber", role="volunteer", area=city.grid)
    Assignment.objects.create(user=user, role="volunteer", area=city.grid, valid_from=datetime.date(2022, 1, 1))
    return user


def test_staff_add_and_end_give_and_take_the_collectors_access(city, client_for, site, volunteer_account):
    testing_round = _open_round(city, site)
    secretary = client_for("secretary")
    swabber = client_for("swabber")
    assert swabber.get(f"/testing/rounds/{testing_round.pk}/").status_code == 403  # a volunteer sees no testing
    response = secretary.post(f"/testing/rounds/{testing_round.pk}/staff/",
                              {"role": "collector", "user": volunteer_account.pk, "site": site.pk})
    assert response.status_code == 302
    staff = RoundStaff.objects.get(round=testing_round, user=volunteer_account)
    assert (staff.assignment.role, staff.assignment.valid_from, staff.assignment.valid_until) == (
        "collector", timezone.localtime(testing_round.starts_at).date(), timezone.localtime(testing_round.ends_at).date())
    assert swabber.get(f"/testing/rounds/{testing_round.pk}/").status_code == 200
    other = epidemic.TestingRound.objects.filter(round_areas__area=city.community).exclude(pk=testing_round.pk).first()
    assert swabber.get(f"/testing/rounds/{other.pk}/").status_code == 404  # their round only
    secretary.post(f"/testing/rounds/{testing_round.pk}/staff/{staff.pk}/end/")
    staff.refresh_from_db()
    staff.assignment.refresh_from_db()
    assert staff.ended_at is not None and staff.assignment.valid_until == timezone.localdate()
    # The assignment runs to the end of the day, as assignments do, but the staffing gives no round any more.
    assert swabber.get(f"/testing/rounds/{testing_round.pk}/").status_code == 404
    assert testing_round.name not in swabber.get("/testing/").content.decode()
    again = secretary.post(f"/testing/rounds/{testing_round.pk}/staff/",
                           {"role": "collector", "user": volunteer_account.pk, "site": site.pk})
    assert again.status_code == 302 and swabber.get(f"/testing/rounds/{testing_round.pk}/").status_code == 200
    twice = secretary.post(f"/testing/rounds/{testing_round.pk}/staff/",
                           {"role": "collector", "user": volunteer_account.pk, "site": site.pk})
    assert twice.status_code == 400 and "swabber 已在本轮的该岗位上。" in twice.content.decode()
    assert RoundStaff.objects.filter(round=testing_round).count() == 1


def test_staff_only_from_accounts_the_actor_manages(city, client_for, site):
    testing_round = _open_round(city, site)
    far = User.objects.get(username="district2")
    response = client_for("secretary").post(f"/testing/rounds/{testing_round.pk}/staff/",
                                            {"role": "collector", "user": far.pk, "site": site.pk})
    assert response.status_code == 400 and "请选择由您管理的账号。" in response.content.decode()
    assert not RoundStaff.objects.filter(round=testing_round).exists()


def test_a_collector_needs_a_site_of_the_round(city, client_for, site, volunteer_account):
    testing_round = _open_round(city, site)
    response = client_for("secretary").post(f"/testing/rounds/{testing_round.pk}/staff/",
                                            {"role": "collector", "user": volunteer_account.pk})
    assert response.status_code == 400 and "采样员须安排在本轮的某个采样点。" in response.content.decode()


def test_closing_a_round_ends_every_staffing(city, client_for, site, volunteer_account):
    testing_round = _open_round(city, site)
    secretary = client_for("secretary")
    secretary.post(f"/testing/rounds/{testing_round.pk}/staff/",
                   {"role": "collector", "user": volunteer_account.pk, "site": site.pk})
    assert secretary.post(f"/testing/rounds/{testing_round.pk}/status/", {"status": "open"}).status_code == 302
    assert secretary.post(f"/testing/rounds/{testing_round.pk}/status/", {"status": "closed"}).status_code == 302
    testing_round.refresh_from_db()
    assert testing_round.status == "closed"
    for staff in RoundStaff.objects.filter(round=testing_round).select_related("assignment"):
        assert staff.ended_at is not None and staff.assignment.valid_until == timezone.localdate()
    assert client_for("swabber").get(f"/testing/rounds/{testing_round.pk}/").status_code == 404
    reopened = secretary.post(f"/testing/rounds/{testing_round.pk}/status/", {"status": "open"}, follow=True)
    assert "不能改为" in reopened.content.decode()
    assert epidemic.TestingRound.objects.get(pk=testing_round.pk).status == "closed"


def _resident(area, n=0):
    return (Resident.objects.filter(household__building__area__path__startswith=area.path, moved_out__isnull=True,
                                    person__id_number__isnull=False).select_related("person").order_by("id")[n].person)


def test_exemptions_are_added_by_id_number_listed_masked_and_once(city, client_for, site):
    testing_round = _open_round(city, site)
    person = _resident(city.grid)
    client = client_for("secretary")
    url = f"/testing/rounds/{testing_round.pk}/exemptions/"
    assert client.post(url, {"id_number": person.id_number, "kind": "door_to_door", "note": "卧床"}).status_code == 302
    page = client.get(f"/testing/rounds/{testing_round.pk}/").content.decode()
    assert person.name in page and "上门采样" in page
    assert person.id_number not in page and person.id_number[:6] + "********" + person.id_number[-4:] in page
    again = client.post(url, {"id_number": person.id_number, "kind": "away"})
    assert again.status_code == 400 and f"{person.name} 已在本轮的免检/上门名单中，不能重复登记。" in again.content.decode()
    assert RoundExemption.objects.filter(round=testing_round).count() == 1
    exemption = RoundExemption.objects.get(round=testing_round)
    assert client.post(f"/testing/rounds/{testing_round.pk}/exemptions/{exemption.pk}/remove/").status_code == 302
    assert not RoundExemption.objects.filter(round=testing_round).exists()


def test_an_exemption_from_the_household_page(city, client_for, site):
    testing_round = _open_round(city, site)
    person = _resident(city.grid, 1)
    household = person.residences.get(moved_out__isnull=True).household
    page = client_for("secretary").get(f"/households/{household.pk}/").content.decode()
    link = f"/testing/rounds/{testing_round.pk}/exemptions/?person={person.pk}"
    assert link in page.replace("&amp;", "&")
    form = client_for("secretary").get(link).content.decode()
    assert person.name in form and person.id_number not in form
    assert client_for("secretary").post(link, {"person": person.pk, "kind": "away"}).status_code == 302
    assert RoundExemption.objects.get(round=testing_round, person=person).kind == "away"
    assert f"/testing/rounds/{testing_round.pk}/exemptions/" not in client_for("grid").get(
        f"/households/{household.pk}/").content.decode()


def test_an_exemption_outside_the_round_or_with_a_bad_id_is_refused(city, client_for, site):
    testing_round = _open_round(city, site)
    client = client_for("secretary")
    url = f"/testing/rounds/{testing_round.pk}/exemptions/"
    stranger = _resident(city.other_district)
    response = client.post(url, {"id_number": stranger.id_number, "kind": "away"})
    assert response.status_code == 400 and "您的辖区内没有身份证号为" in response.content.decode()
    assert stranger.id_number not in response.content.decode()
    bad = client.post(url, {"id_number": "110101199003071235", "kind": "away"})
    assert bad.status_code == 400 and "校验位错误" in bad.content.decode()
    assert not RoundExemption.objects.filter(round=testing_round).exists()


def test_a_site_is_added_and_its_hours_changed_on_the_round_page(city, client_for, site):
    testing_round = _open_round(city, site)
    client = client_for("secretary")
    url = f"/testing/rounds/{testing_round.pk}/sites/"
    now = timezone.now()
    opens, closes = _local(now + datetime.timedelta(hours=1)), _local(now + datetime.timedelta(hours=9))
    assert client.post(url, {"site": site.pk, "opens_at": opens, "closes_at": closes}).status_code == 302
    assert _local(RoundSite.objects.get(round=testing_round, site=site).opens_at) == opens
    assert client.post(url, {"new_site_name": "二号采样点", "new_site_area": city.grid.pk, "opens_at": opens,
                             "closes_at": closes}).status_code == 302
    assert testing_round.round_sites.filter(site__name="二号采样点", site__kind="testing").exists()
    before = (RoundSite.objects.count(), Site.objects.count())
    late = client.post(url, {"site": site.pk, "opens_at": closes, "closes_at": opens})
    assert late.status_code == 400 and "采样点的结束时间必须晚于开放时间。" in late.content.decode()
    hall = Site.objects.create(kind=SiteKind.SERVICE_CENTER, name="党群服务中心", area=city.grid)
    wrong = client.post(url, {"site": hall.pk, "opens_at": opens, "closes_at": closes})
    assert wrong.status_code == 400 and "“党群服务中心”不是核酸采样点。" in wrong.content.decode()
    far = Site.objects.create(kind=SiteKind.TESTING, name="外区采样点", area=city.other_district)
    outside = client.post(url, {"site": far.pk, "opens_at": opens, "closes_at": closes})
    assert outside.status_code == 400 and "请选择您辖区内的采样点。" in outside.content.decode()
    assert (RoundSite.objects.count(), Site.objects.count()) == (before[0], before[1] + 2)  # only the probes' sites


def test_a_transporter_is_staffed_over_an_area_of_the_round(city, client_for, site):
    testing_round = _open_round(city, site)
    account = User.objects.create(username="driver", role="volunteer", area=city.community)
    Assignment.objects.create(user=account, role="volunteer", area=city.community, valid_from=datetime.date(2022, 1, 1))
    response = client_for("street").post(f"/testing/rounds/{testing_round.pk}/staff/",
                                         {"role": "transporter", "user": account.pk, "area": city.community.pk})
    assert response.status_code == 302
    staff = RoundStaff.objects.get(round=testing_round, user=account)
    assert staff.assignment.role == "transporter" and staff.site is None
    # A community secretary may give the collector's role but not the transporter's (street officers do).
    other = User.objects.create(username="driver2", role="volunteer", area=city.grid)
    Assignment.objects.create(user=other, role="volunteer", area=city.grid, valid_from=datetime.date(2022, 1, 1))
    refused = client_for("secretary").post(f"/testing/rounds/{testing_round.pk}/staff/",
                                           {"role": "transporter", "user": other.pk, "area": city.community.pk})
    assert refused.status_code == 400 and "您无权分配“转运员”角色" in refused.content.decode()


@pytest.mark.parametrize("path", ["/testing/rounds/99999999999999999999/", "/testing/rounds/{pk}/staff/99999999999999999999/end/",
                                  "/testing/rounds/{pk}/exemptions/99999999999999999999/remove/",
                                  "/testing/rounds/{pk}/exemptions/?person=99999999999999999999"])
def test_hostile_numbers_get_404_or_the_form(city, client_for, demo_round, path):
    client = client_for("secretary")
    url = path.format(pk=demo_round.pk)
    response = client.post(url) if url.endswith("/end/") or url.endswith("/remove/") else client.get(url)
    assert response.status_code in (200, 404)


def test_the_round_list_costs_the_same_queries_for_more_rounds(city, client_for, django_assert_max_num_queries, site):
    client = client_for("secretary")
    with django_assert_max_num_queries(20) as few:
        client.get("/testing/")
    for _ in range(5):
        _open_round(city, site)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/testing/")
