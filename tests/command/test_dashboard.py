"""The command dashboard: key figures with their change, the period picker and its errors (in Chinese), children
ranked by a chosen figure with drill-down to a grid, the scope (404) and the roles without it (403), the alerts the
apps bring (and only the viewer's), and a query count that does not grow with the children."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from frontline.areas.figures import Period, figure_table, figures_refresh, flow_totals
from frontline.areas.models import Area, AreaLevel, Building, Site, SiteKind
from frontline.care.models import ItemCategory, SupplyItem
from frontline.care.stations import counseling_record
from frontline.care.stock import stock_low_set, stock_receive
from frontline.core.services import work_order_create


@pytest.fixture(autouse=True)
def fresh_cache():
    """The dashboard caches its figures per minute: each test starts from what the database says."""
    cache.clear()
    yield
    cache.clear()


def _url(area, query=""):
    return reverse("command_dashboard", args=[area.pk]) + (f"?{query}" if query else "")


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _testid(response, testid: str) -> str:
    """The text of the element marked data-testid (its tags stripped, up to its own closing tag)."""
    html = response.content.decode()
    m = re.search(rf'<(\w+)[^>]*data-testid="{re.escape(testid)}"[^>]*>', html)
    assert m, f"no {testid} on the page"
    tag, depth, pos = m.group(1), 1, m.end()
    for t in re.finditer(rf"<(/?){tag}\b[^>]*>", html[pos:]):
        depth += -1 if t.group(1) else 1
        if depth == 0:
            inner = html[pos:pos + t.start()]
            return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", inner)).strip()
    raise AssertionError(f"{testid} is not closed")


def _centre(area, name) -> Site:
    return Site.objects.create(area=area, kind=SiteKind.SERVICE_CENTER, name=name)


def test_command_home_sends_each_desk_to_its_own_area(city, client_for):
    for username, area in [("commander", city.city), ("street", city.street), ("secretary", city.community),
                           ("inspector", city.district)]:
        response = client_for(username).get(reverse("command_home"))
        assert response.status_code == 302 and response["Location"] == _url(area), username


def test_the_navigation_offers_command_to_desks_only(city, client_for):
    assert "指挥" in _text(client_for("commander").get(reverse("home")))
    assert ">指挥<" not in _text(client_for("grid").get(reverse("home")))


def test_key_figures_show_their_value_and_change_since_yesterday(city, client_for):
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    before = flow_totals(area=city.city, codes=["counseling_sessions"],
                         periods={"today": Period(today, today), "yesterday": Period(yesterday, yesterday)})
    centre = _centre(city.community, "测试党群服务中心")
    secretary = city.users["secretary"]
    for day in (yesterday, today, today, today):
        counseling_record(actor=secretary, site=centre, held_on=day, counsellor="王老师", attendees=2, topic="减压")
    now_today = before["counseling_sessions"]["today"] + 3
    change = now_today - (before["counseling_sessions"]["yesterday"] + 1)
    response = client_for("commander").get(_url(city.city))
    assert response.status_code == 200
    assert _testid(response, "value-counseling_sessions").startswith(f"{now_today} ")
    arrow = "▲" if change > 0 else "▼"
    assert _testid(response, "change-counseling_sessions").startswith(f"{arrow} {abs(change)}")
    assert "较上一时段" in _testid(response, "change-counseling_sessions")
    # A stock with its label and unit from the registry, unchanged since yesterday.
    residents = figure_table(actor=city.users["commander"], area=city.city, codes=["residents"]).total["residents"]
    assert _testid(response, "value-residents") == f"{residents} 人"
    assert _testid(response, "change-residents") == "未变"
    assert "居民数" in _text(response) and 'data-testid="card-counseling_sessions"' in _text(response)
    # The trend of a flow figure carries today's sessions as its last day.
    assert 'data-trend="counseling_sessions"' in _text(response)
    trends = re.search(r'<script id="command-trends" type="application/json">(.*?)</script>',
                       response.content.decode(), re.S).group(1)
    import json

    data = json.loads(trends)
    assert data["days"][-1] == today.isoformat() and len(data["days"]) == 30
    series = {s["code"]: s["values"] for s in data["series"]}
    assert series["counseling_sessions"][-1] == now_today


def test_the_period_picker_applies_to_every_figure(city, client_for):
    today = timezone.localdate()
    day = today - datetime.timedelta(days=3)
    centre = _centre(city.community, "测试服务驿站")
    counseling_record(actor=city.users["secretary"], site=centre, held_on=day, counsellor="李医生", attendees=3,
                      topic="心理调适")
    client = client_for("commander")
    one_day = client.get(_url(city.city, f"day={day.isoformat()}"))
    expected = flow_totals(area=city.city, codes=["counseling_sessions"], periods={"d": Period(day, day)})
    assert f"{day.isoformat()} 当天" in _testid(one_day, "period-shown")
    assert _testid(one_day, "value-counseling_sessions").startswith(f"{expected['counseling_sessions']['d']} ")
    start = day - datetime.timedelta(days=10)
    ranged = client.get(_url(city.city, f"start={start.isoformat()}&end={today.isoformat()}"))
    assert f"{start.isoformat()} 至 {today.isoformat()}" in _testid(ranged, "period-shown")
    total = flow_totals(area=city.city, codes=["counseling_sessions"], periods={"r": Period(start, today)})
    assert _testid(ranged, "value-counseling_sessions").startswith(f"{total['counseling_sessions']['r']} ")
    assert 'data-testid="period-error"' not in _text(ranged)
    # A drill-down link keeps the period.
    assert f"?start={start.isoformat()}&amp;end={today.isoformat()}&amp;rank=" in ranged.content.decode()


def test_a_reversed_or_future_period_is_refused_in_chinese_and_the_page_shows_today(city, client_for):
    client = client_for("commander")
    today = timezone.localdate()
    reversed_ = client.get(_url(city.city, "start=2022-04-10&end=2022-04-01"))
    assert reversed_.status_code == 200
    assert "所选时段的结束日期（2022-04-01）早于开始日期（2022-04-10）。" in _testid(reversed_, "period-error")
    assert f"今天（{today.isoformat()}）" in _testid(reversed_, "period-shown")
    assert 'data-testid="key-figures"' in _text(reversed_)
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    future = client.get(_url(city.city, f"day={tomorrow}"))
    assert future.status_code == 200
    assert f"所选时段在未来：结束于{tomorrow}" in _testid(future, "period-error")
    garbage = client.get(_url(city.city, "day=yesterday"))
    assert garbage.status_code == 200 and "不是日期" in _testid(garbage, "period-error")


def test_children_are_ranked_by_the_chosen_figure_with_links_down_to_the_grid(city, client_for):
    client = client_for("commander")
    commander = city.users["commander"]
    response = client.get(_url(city.city, "rank=households"))
    table = figure_table(actor=commander, area=city.city, codes=["households"])
    ranked = sorted(table.children, key=lambda c: (-c[1]["households"], c[0].name))
    html = response.content.decode()
    rows = re.findall(r'data-testid="rank-row">.*?href="/command/areas/(\d+)/[^"]*"[^>]*>([^<]+)</a>.*?'
                      r'<td class="text-end fl-count">(\d+)</td>', html, re.S)
    assert [(int(pk), int(n)) for pk, _name, n in rows] == [(c.pk, v["households"]) for c, v in ranked]
    assert "户数" in _testid(response, "ranking")
    # Down the tree to a grid: each level links to the next.
    for parent, child in [(city.city, city.district), (city.district, city.street), (city.street, city.community),
                          (city.community, city.grid)]:
        page = client.get(_url(parent, "rank=residents"))
        assert f'href="/command/areas/{child.pk}/?rank=residents"' in page.content.decode(), parent.name
    # A grid's children are its buildings: ranked, not linked further.
    grid_page = client.get(_url(city.grid, "rank=residents"))
    buildings = list(Building.objects.filter(area=city.grid).values_list("name", flat=True))
    assert grid_page.status_code == 200 and buildings
    assert all(name in grid_page.content.decode() for name in buildings)
    assert 'data-testid="drill"' not in grid_page.content.decode()
    assert "楼栋排名" in _testid(grid_page, "ranking")


def test_an_unknown_ranking_figure_gets_a_message_not_an_error(city, client_for):
    response = client_for("commander").get(_url(city.city, "rank=no_such_figure"))
    assert response.status_code == 200
    assert "没有指标“no_such_figure”：改按居民数排名。" in _testid(response, "rank-error")


def test_an_area_outside_the_viewers_scope_is_not_found(city, client_for):
    assert client_for("district2").get(_url(city.district)).status_code == 404
    assert client_for("district2").get(_url(city.other_district)).status_code == 200
    assert client_for("secretary2").get(_url(city.community)).status_code == 404
    assert client_for("street").get(_url(city.district)).status_code == 404
    assert client_for("commander").get(reverse("command_dashboard", args=[10 ** 9])).status_code == 404


@pytest.mark.parametrize("username", ["grid", "volunteer", "cadre", "courier", "collector", "hotline"])
def test_roles_without_the_dashboard_are_refused(city, client_for, username):
    client = client_for(username)
    assert client.get(_url(city.grid)).status_code == 403
    assert client.get(reverse("command_home")).status_code == 403


def test_overdue_work_and_low_stock_are_listed_for_whoever_oversees_them_only(city, client_for):
    now = timezone.now()
    order = work_order_create(actor=city.users["commander"], kind="general", title="核查隔离点物资", area=city.grid,
                              due_at=now - datetime.timedelta(hours=5))
    far_grid = Area.objects.filter(level=AreaLevel.GRID, path__startswith=city.other_district.path).first()
    far_order = work_order_create(actor=city.users["district2"], kind="general", title="外区超期任务", area=far_grid,
                                  due_at=now - datetime.timedelta(hours=2))
    mask, _ = SupplyItem.objects.get_or_create(name="医用外科口罩", defaults={
        "category": ItemCategory.PROTECTIVE, "unit": "只", "stocked": True, "orderable": False})
    here = _centre(city.community, "一区党群服务中心")
    there = _centre(Area.objects.get_parent(far_grid), "外区党群服务中心")
    for actor, site in ((city.users["secretary"], here), (city.users["district2"], there)):
        stock_receive(actor=actor, site=site, item=mask, quantity=5)
        stock_low_set(actor=actor, site=site, item=mask, low_at=20)

    commander = client_for("commander").get(_url(city.district))
    groups = _text(commander)
    assert "超期工作任务" in groups and "核查隔离点物资：已超期 5" in groups
    assert f'href="/work-orders/{order.pk}/"' in commander.content.decode()
    assert "库存告急的物资" in groups and "一区党群服务中心的医用外科口罩：剩余 5 只（告急线 20）" in groups
    assert f'href="/supplies/sites/{here.pk}/"' in commander.content.decode()
    # Not another district's.
    assert "外区超期任务" not in groups and "外区党群服务中心" not in groups
    other = _text(client_for("district2").get(_url(city.other_district)))
    assert "外区超期任务" in other and "外区党群服务中心" in other
    assert "核查隔离点物资" not in other and "一区党群服务中心" not in other
    assert far_order.pk
    # The city's commander sees both districts' from the city.
    whole = _text(client_for("commander").get(_url(city.city)))
    assert "核查隔离点物资" in whole and "外区超期任务" in whole
    # A sibling community's secretary sees neither of this community's.
    sibling = _text(client_for("secretary2").get(_url(city.sibling_community)))
    assert "核查隔离点物资" not in sibling and "一区党群服务中心" not in sibling


def test_nothing_to_decide_says_so(city, client_for):
    response = client_for("inspector").get(_url(city.district))
    assert response.status_code == 200
    assert 'data-testid="alerts"' in _text(response)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_dashboards_queries_do_not_grow_with_its_children_and_the_minute_is_cached(city, client_for,
                                                                                      django_assert_max_num_queries):
    client = client_for("commander")
    assert Area.objects.get_children(city.city).count() > Area.objects.get_children(city.community).count() or \
        Area.objects.filter(level=AreaLevel.GRID).count() > Area.objects.get_children(city.community).count()
    client.get(_url(city.grid))  # the session warmed
    figures_refresh()  # areas marked dirty by earlier writes recounted now, not inside one of the measures
    for _attempt in range(3):  # a minute boundary between the two requests starts a new cache key: try again
        minute = timezone.now().strftime("%H%M")
        cache.clear()
        city_cold = _queries(client, _url(city.city))
        community_cold = _queries(client, _url(city.community))
        grid_cold = _queries(client, _url(city.grid))
        if timezone.now().strftime("%H%M") == minute:
            break
    # About the same queries at the levels above a grid (a few are asked only where there is something: needs
    # found at sites and teams), whatever the number of children: districts of a city, grids of a community. (A
    # grid counts its figures by building from their rows, not from the kept values: more, and constant too.)
    assert abs(city_cold - community_cold) <= 3, (city_cold, community_cold)
    for i in range(20):
        Building.objects.create(area=city.grid, name=f"新建{i + 1}号楼")
    cache.clear()
    assert _queries(client, _url(city.grid)) == grid_cold
    # Twenty more grids under the community: not one query more.
    community = Area.objects.get(pk=city.community.pk)
    for i in range(20):
        grid = community.add_child(name=f"新增第{i + 1}网格", level=AreaLevel.GRID, code=f"{community.code}{900 + i:03d}")
        Building.objects.create(area=grid, name="1栋")
        community = Area.objects.get(pk=community.pk)
    figures_refresh()
    cache.clear()
    assert _queries(client, _url(community)) == community_cold
    # Within the minute the figures and trends come from the cache: what is left is the page's own (session,
    # the area, the alerts).
    for _attempt in range(3):
        minute = timezone.now().strftime("%H%M")
        cache.clear()
        _queries(client, _url(city.city))
        warm = _queries(client, _url(city.city))
        if timezone.now().strftime("%H%M") == minute:
            break
    assert warm < city_cold - 20, (warm, city_cold)
    with django_assert_max_num_queries(warm):
        client.get(_url(city.city))
