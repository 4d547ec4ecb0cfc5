"""The wall screen (指挥大屏): a commander's page and figures for an area, the registry's numbers, refused and not
found for who may not see them, and ten screens within a minute costing the database one computation."""

import datetime
import re
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from frontline.areas.figures import Period, figure_series, figure_table
from frontline.command.wall import TREND_DAYS, wall_codes


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _page(area):
    return reverse("command_wall", args=[area.pk])


def _data(area):
    return reverse("command_wall_data", args=[area.pk])


def test_a_commander_sees_the_wall_screen_without_the_navigation_and_with_no_inline_code(city, client_for):
    response = client_for("commander").get(_page(city.city))
    assert response.status_code == 200
    html = response.content.decode()
    assert city.city.name in html and "指挥大屏" in html and "数据时间" in html
    assert "fl-top" not in html and "navbar" not in html  # its own page, not base.html
    assert "/static/vendor/echarts.min.js" in html and "/static/frontline/command-wall.js" in html
    assert "/static/frontline/command-wall.css" in html
    assert not re.search(r"\sstyle=|\son[a-z]+=", html)  # CSP: no inline style or handler
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    for code in wall_codes():
        assert f'data-code="{code}"' in html
    assert 'data-testid="wall-notice"' in html


def test_the_figures_are_the_registry_s_for_that_area_with_yesterday_and_the_children(city, client_for):
    response = client_for("commander").get(_data(city.district))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    data = response.json()
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    codes = wall_codes()
    now = figure_table(actor=city.users["commander"], area=city.district, codes=codes, at=today,
                       period=Period(today, today))
    before = figure_table(actor=city.users["commander"], area=city.district, codes=codes, at=yesterday,
                          period=Period(yesterday, yesterday))
    assert data["area"]["name"] == city.district.name
    assert [f["code"] for f in data["figures"]] == codes
    assert {f["code"]: f["value"] for f in data["figures"]} == {c: now.total.get(c, 0) for c in codes}
    for f in data["figures"]:
        if f["code"] in before.total:
            assert f["change"] == now.total[f["code"]] - before.total[f["code"]]
    assert sum(f["value"] for f in data["figures"]) > 0  # the test city has residents at least
    rank = data["rank"]["code"]
    assert rank == "samples_collected"  # the first flow among the key figures
    by_child = sorted(((values.get(rank, 0), child.name) for child, values in now.children), key=lambda v: -v[0])
    assert [c["value"] for c in data["rank"]["children"]] == [v for v, _name in by_child][:10]
    assert {c["name"] for c in data["rank"]["children"]} <= {child.name for child, _v in now.children}
    # The trends are the registry's daily series over the last days.
    assert len(data["trends"]["days"]) == TREND_DAYS
    period = Period(today - datetime.timedelta(days=TREND_DAYS - 1), today)
    for series in data["trends"]["series"]:
        expected = sum(n for _t, n in figure_series(area=city.district, code=series["code"], period=period))
        assert sum(series["values"]) == expected
    assert re.fullmatch(r"\d\d:\d\d:\d\d", data["computed_time"])
    assert data["computed_minute"] == data["computed_time"][:5]


def test_labels_follow_the_reader_s_language(city, client_for):
    client = client_for("commander")
    zh = client.get(_data(city.city)).json()
    assert next(f for f in zh["figures"] if f["code"] == "residents")["label"] == "居民数"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    en = client.get(_data(city.city)).json()
    assert next(f for f in en["figures"] if f["code"] == "residents")["label"] == "Residents"
    assert [f["value"] for f in en["figures"]] == [f["value"] for f in zh["figures"]]
    page = client.get(_page(city.city)).content.decode()
    assert "Connection lost, showing the data of %(time)s" in page  # the notice's words for the script


def test_a_ranking_by_another_key_figure_is_asked_for_by_code(city, client_for):
    data = client_for("commander").get(_data(city.city) + "?rank=residents").json()
    assert data["rank"]["code"] == "residents" and data["rank"]["label"] == "居民数"
    values = [c["value"] for c in data["rank"]["children"]]
    assert values == sorted(values, reverse=True) and values[0] > 0
    unknown = client_for("commander").get(_data(city.city) + "?rank=no_such_figure").json()
    assert unknown["rank"]["code"] == "samples_collected"


def test_an_area_outside_the_scope_or_missing_is_not_found(city, client_for):
    other = client_for("district2")
    for url in (_page(city.district), _data(city.district), _page(city.grid), _data(city.grid)):
        assert other.get(url).status_code == 404
    assert client_for("commander").get(reverse("command_wall", args=[999_999_999])).status_code == 404
    assert client_for("commander").get(reverse("command_wall_data", args=[999_999_999])).status_code == 404
    secretary = client_for("secretary")
    assert secretary.get(_data(city.community)).status_code == 200
    assert secretary.get(_data(city.sibling_community)).status_code == 404
    assert secretary.get(_page(city.street)).status_code == 404  # above their own place


def test_a_grid_worker_is_refused_the_wall_screen(city, client_for):
    grid = client_for("grid")
    assert grid.get(_page(city.grid)).status_code == 403
    assert grid.get(_data(city.grid)).status_code == 403


def test_a_visitor_is_sent_to_log_in(city, client):
    response = client.get(_data(city.city))
    assert response.status_code == 302 and "/login/" in response["Location"]


AUTH_AND_SCOPE = {"django_session", "core_user", "core_assignment", "areas_area"}


def _figure_sql(queries) -> list[str]:
    """Queries that count figures: any table beyond the session, the account, its assignments and the areas."""
    return [q["sql"] for q in queries if set(re.findall(r'(?:FROM|JOIN)\s+"?(\w+)"?', q["sql"])) - AUTH_AND_SCOPE]


def test_ten_screens_refreshing_within_a_minute_cost_the_database_one_computation(city, client_for):
    screens = [client_for(name) for name in ("commander", "commander", "commander", "commander", "commander",
                                             "commander", "commander", "commander", "commander", "commander")]
    fixed = timezone.now().replace(second=1)  # one minute for all ten, whatever the clock does meanwhile
    counts, figure_queries = [], []
    with mock.patch("django.utils.timezone.now", return_value=fixed):
        for screen in screens:
            with CaptureQueriesContext(connection) as queries:
                assert screen.get(_data(city.district)).status_code == 200
            counts.append(len(queries))
            figure_queries.append(_figure_sql(queries.captured_queries))
    first, later = counts[0], counts[1:]
    assert first >= 50 and len(figure_queries[0]) >= 50  # every figure today and yesterday, the trends
    # Each later screen: the session, the account, its assignments and the area through the scope; no figure.
    assert max(later) <= 4, later
    assert all(not q for q in figure_queries[1:]), figure_queries[1:]
    assert sum(later) <= first  # nine more screens together cost less than the first


def test_the_page_after_the_data_costs_no_figure_query(city, client_for):
    client = client_for("commander")
    client.get(_data(city.city))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_page(city.city)).status_code == 200
    assert not _figure_sql(queries.captured_queries) and len(queries) <= 4


def test_the_data_answers_not_modified_while_the_figures_are_unchanged(city, client_for):
    client = client_for("commander")
    fixed = timezone.now().replace(second=1)
    with mock.patch("django.utils.timezone.now", return_value=fixed):
        first = client.get(_data(city.city))
        etag, modified = first["ETag"], first["Last-Modified"]
        assert etag and modified and "no-cache" in first["Cache-Control"]
        again = client.get(_data(city.city), HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
        since = client.get(_data(city.city), HTTP_IF_MODIFIED_SINCE=modified)
        assert since.status_code == 304
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # other words: another answer
        english = client.get(_data(city.city), HTTP_IF_NONE_MATCH=etag)
        assert english.status_code == 200 and english["ETag"] != etag
    later = fixed + datetime.timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
        fresh = client.get(_data(city.city), HTTP_IF_NONE_MATCH=etag)
        assert fresh.status_code == 200 and fresh["ETag"] != etag  # a new minute, a new computation


def test_the_refresh_interval_is_the_setting_or_asked_for_down_to_a_second(city, client_for, settings):
    client = client_for("commander")

    def every(query=""):
        html = client.get(_page(city.city) + query).content.decode()
        return int(re.search(r'"every": (\d+)', html).group(1))

    assert every() == 10
    settings.FRONTLINE_WALL_REFRESH_SECONDS = 30
    assert every() == 30
    assert every("?every=1") == 1
    assert every("?every=0") == 1
    assert every("?every=abc") == 30


def test_the_key_figures_follow_the_setting_and_skip_unregistered_codes(city, client_for, settings):
    settings.FRONTLINE_DASHBOARD_FIGURES = ["households", "no_such_figure", "orders_placed"]
    data = client_for("commander").get(_data(city.city)).json()
    assert [f["code"] for f in data["figures"]] == ["households", "orders_placed"]
    assert [s["code"] for s in data["trends"]["series"]] == ["orders_placed"]


def _dashboard_panels(user, area) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template('{% load frontline %}{% panels "dashboard" area %}').render(Context({"request": request,
                                                                                        "area": area}))


def test_the_dashboard_has_a_button_opening_the_wall_screen_in_a_new_tab(city):
    html = _dashboard_panels(city.users["commander"], city.district)
    assert f'href="{_page(city.district)}"' in html and 'target="_blank"' in html and "大屏" in html
    assert 'data-testid="wall-button"' not in _dashboard_panels(city.users["grid"], city.grid)
    assert 'data-testid="wall-button"' not in _dashboard_panels(city.users["district2"], city.district)
