"""A new app plugs in without touching core: a work-order kind (no migration), a navigation entry, an
API router, a figure and a panel, each registered in one place and picked up where it is shown."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone
from ninja import Router

from frontline.areas import figures
from frontline.areas.models import Site
from frontline.core import plugins
from frontline.core.api import api
from frontline.core.models import WorkOrder
from frontline.core.services import work_order_create, work_orders_escalate_overdue


@pytest.fixture
def new_kind():
    spec = plugins.work_order_kinds.register(plugins.WorkOrderKindSpec(
        "deliver_supplies", "配送物资", app="care", due=datetime.timedelta(hours=2), escalate_until="community"))
    yield spec
    plugins.work_order_kinds.unregister(spec.code)


def test_a_registered_kind_needs_no_migration_and_brings_its_deadline(city, new_kind):
    order = work_order_create(actor=city.users["secretary"], kind="deliver_supplies", title="送米", area=city.grid,
                              assignee_role="volunteer")
    assert order.kind_label == "配送物资"
    assert abs((order.due_at - timezone.now()) - datetime.timedelta(hours=2)) < datetime.timedelta(minutes=1)


def test_an_unregistered_kind_is_refused(city):
    with pytest.raises(ValidationError):
        work_order_create(actor=city.users["secretary"], kind="not_a_kind", title="?", area=city.grid)
    assert not WorkOrder.objects.filter(kind="not_a_kind").exists()


def test_escalation_stops_at_the_level_the_kind_goes_to(city, new_kind):
    order = work_order_create(actor=city.users["secretary"], kind="deliver_supplies", title="送米", area=city.grid,
                              due_at=timezone.now() - datetime.timedelta(hours=1))
    later = timezone.now()
    assert work_orders_escalate_overdue(now=later) == 1
    assert work_orders_escalate_overdue(now=later + datetime.timedelta(days=3)) == 0  # the community is as high as it goes
    order.refresh_from_db()
    assert order.escalated_to == city.community


def test_registering_a_code_twice_is_an_error():
    with pytest.raises(ImproperlyConfigured):
        plugins.navigation.register(plugins.NavEntry("inbox", "另一个待办", "inbox"))


def test_navigation_shows_the_entries_a_user_may_use(city, client_for):
    entry = plugins.navigation.register(plugins.NavEntry(
        "test_entry", "测试入口", "area_root", order=35, allowed=lambda user: user.role == "community_secretary"))
    try:
        assert "测试入口" in client_for("secretary").get("/inbox/").content.decode()
        assert "测试入口" not in client_for("grid").get("/inbox/").content.decode()
    finally:
        plugins.navigation.unregister(entry.code)
    assert "审计日志" in client_for("commander").get("/inbox/").content.decode()
    assert "审计日志" not in client_for("grid").get("/inbox/").content.decode()


def test_every_registered_router_is_mounted():
    paths = set(api.get_openapi_schema()["paths"])
    for entry in plugins.api_routers:
        for path_view in entry.router.path_operations:
            assert any(p.endswith(path_view.rstrip("/")) for p in paths), (entry.code, path_view)
    assert isinstance(plugins.api_routers["areas"].router, Router)


def test_a_new_figure_appears_on_the_area_page_and_in_the_api(city, client_for):
    figure = figures.register(figures.Figure(
        "open_sites", "开放点位", "个", app="test", rows=lambda at: Site.objects.filter(closed_on__isnull=True),
        area="area", watch=(("areas.Site", "area"),)))
    try:
        Site.objects.create(kind="testing", name="核酸采样点", area=city.grid)
        expected = Site.objects.filter(closed_on__isnull=True, area__path__startswith=city.community.path).count()
        page = client_for("secretary").get(f"/areas/{city.community.pk}/").content.decode()
        assert f'data-testid="total-open_sites">{expected}<' in page
        data = client_for("secretary").get(f"/api/v1/areas/{city.community.pk}/figures?codes=open_sites").json()
        assert data["total"]["open_sites"] == expected
    finally:
        plugins.figures.unregister(figure.code)


def test_a_panel_from_an_app_shows_on_the_area_page(city, client_for):
    campaign, progress = SimpleNamespace(pk=1, name="测试面板"), SimpleNamespace(visited=1, households=2, screened=3)
    panel = plugins.panels.register(plugins.Panel(
        "test_panel", "area", "grid/panels/area_campaigns.html",
        lambda request, area: {"campaigns": [(campaign, progress)]} if area.level == "grid" else None))
    try:
        assert "测试面板" in client_for("grid").get(f"/areas/{city.grid.pk}/").content.decode()
        assert "测试面板" not in client_for("secretary").get(f"/areas/{city.community.pk}/").content.decode()
    finally:
        plugins.panels.unregister(panel.code)


def test_a_figure_counted_at_sites(city, client_for):
    """Work done at a site (a temporary branch's members at a testing site) is counted there, as of a date."""
    from frontline.people.models import PartyMember, Resident
    from frontline.people.services import party_org_create

    figure = figures.register(figures.Figure(
        "site_members", "点位党员", "人", app="test", site="org__site",
        rows=lambda at: figures.stock_rows_at(PartyMember.objects.all(), at, "joined_on", "left_on"),
        area="org__site__area"))
    try:
        site = Site.objects.create(kind="testing", name="核酸采样点", area=city.grid)
        org = party_org_create(actor=city.users["secretary"], parent=None, name="临时党支部", kind="branch",
                               temporary=True, site=site)
        people = [r.person for r in Resident.objects.filter(household__building__area=city.grid,
                                                            person__party_memberships__isnull=True)[:3]]
        for person in people:
            PartyMember.objects.create(person=person, org=org, joined_on=datetime.date(2022, 4, 10))
        assert figures.site_figures(actor=city.users["grid"], site=site, codes=["site_members"]) == {"site_members": 3}
        assert figures.site_figures(actor=city.users["grid"], site=site, codes=["site_members"],
                                    at=datetime.date(2022, 4, 1)) == {"site_members": 0}
        url = f"/api/v1/sites/{site.pk}/figures?codes=site_members"
        assert client_for("secretary").get(url).json() == {"site_members": 3}
        assert client_for("grid2").get(url).status_code == 404
        assert client_for("secretary").get(f"/api/v1/sites/{site.pk}/figures?codes=households").status_code == 422
    finally:
        plugins.figures.unregister(figure.code)
