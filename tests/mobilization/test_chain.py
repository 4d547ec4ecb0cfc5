"""五级书记抓防疫: a named secretary for each level, gaps flagged, and overdue work climbing the tree to the
secretary named at each level it reaches."""

import datetime

from django.utils import timezone

from frontline.core.selectors import inbox
from frontline.core.services import work_order_create, work_orders_escalate_overdue
from frontline.mobilization.selectors import responsibility_chain
from frontline.mobilization.services import chain_secretary_name


def test_the_chain_shows_five_levels_and_the_gaps(city, client_for):
    levels, gaps, gap_count = responsibility_chain(actor=city.users["commander"], area=city.grid)
    assert [a.level for a, _e in levels] == ["city", "district", "street", "community", "grid"]
    assert all(entry is None for _a, entry in levels) and gap_count == 0
    chain_secretary_name(actor=city.users["street"], area=city.community, secretary=city.users["secretary"],
                         title="社区党委书记")
    levels, _gaps, _n = responsibility_chain(actor=city.users["commander"], area=city.grid)
    assert [e.secretary.username if e else None for _a, e in levels] == [None, None, None, "secretary", None]
    page = client_for("commander").get(f"/areas/{city.community.pk}/secretaries/").content.decode()
    assert "社区党委书记" in page and 'data-testid="gaps-below"' in page  # its grids name nobody yet
    assert client_for("volunteer").get(f"/areas/{city.community.pk}/secretaries/").status_code == 403
    assert client_for("grid").post(f"/areas/{city.grid.pk}/secretaries/", {"username": "grid"}).status_code == 403


def test_overdue_work_climbs_to_the_named_secretary_of_each_level(city):
    household = city.grid.buildings.first().households.first()
    due = timezone.now() - datetime.timedelta(hours=1)
    order = work_order_create(actor=city.users["secretary"], kind="special_need_followup", title="送药",
                              area=city.grid, subject=household, assignee_role="grid_worker", due_at=due)
    chain_secretary_name(actor=city.users["street"], area=city.community, secretary=city.users["secretary"])
    chain_secretary_name(actor=city.users["commander"], area=city.street, secretary=city.users["street"])
    now = timezone.now()
    assert work_orders_escalate_overdue(now=now) == 1
    order.refresh_from_db()
    assert (order.escalated_to, order.escalated_to_user) == (city.community, city.users["secretary"])
    assert order in inbox(actor=city.users["secretary"], now=now)
    assert work_orders_escalate_overdue(now=now + datetime.timedelta(hours=25)) == 1
    order.refresh_from_db()
    assert (order.escalated_to, order.escalated_to_user) == (city.street, city.users["street"])
    assert order in inbox(actor=city.users["street"], now=now)
