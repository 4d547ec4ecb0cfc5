"""The work-order inbox through the API, as a mobile client uses it."""

import json

from frontline.areas.models import Household
from frontline.core.models import AuditLog
from frontline.core.services import work_orders_create_bulk
from tests.access import api_client, assert_access, assert_listed


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def test_work_order_endpoints_follow_the_access_matrix(city, client_for, order):
    assert_access(client_for, f"/api/v1/work-orders/{order.pk}", sees=["grid", "cadre", "secretary", "street", "commander"],
                  hidden=["grid2", "secretary2", "district2", "volunteer"], refused=["courier", "inspector"], api=True)
    marker = f'"id": {order.pk},'
    assert_listed(client_for, "/api/v1/inbox", marker, sees=["grid"], hidden=["grid2", "volunteer", "secretary2"], api=True)
    assert_listed(client_for, "/api/v1/work-orders?limit=500", marker, sees=["secretary", "street", "commander"],
                  hidden=["secretary2", "district2"], refused=["grid2", "volunteer"], api=True)


def test_inbox_shows_the_order_overdue_with_its_subject(city, order):
    [item] = [o for o in api_client("grid").get("/api/v1/inbox").json()["items"] if o["id"] == order.pk]
    assert (item["status"], item["overdue"], item["subject_type"], item["subject_id"], item["area_name"]) == (
        "open", True, "areas.household", order.subject_id, city.grid.name)


def test_accept_then_done_through_the_api_keeps_the_history_and_the_audit(city, order):
    client = api_client("grid")
    assert post(client, f"/api/v1/work-orders/{order.pk}/accept").json()["status"] == "accepted"
    data = post(client, f"/api/v1/work-orders/{order.pk}/done", {"note": "已上门"}).json()
    assert data["status"] == "done" and data["assignee_id"] == city.users["grid"].pk
    assert [(e["action"], e["note"]) for e in data["events"]] == [("created", ""), ("accepted", ""), ("done", "已上门")]
    assert AuditLog.objects.filter(content_type__model="workorder", object_id=str(order.pk), action="update").count() == 2
    assert order.pk not in [o["id"] for o in client.get("/api/v1/inbox").json()["items"]]


def test_refusals_say_why_and_change_nothing(city, order):
    response = post(api_client("grid"), f"/api/v1/work-orders/{order.pk}/cannot_do", {"reason": "  "})
    assert response.status_code == 422 and response.json()["detail"] == ["请说明无法完成的原因。"]
    order.refresh_from_db()
    assert order.status == "open"
    # The volunteer of the same grid does not even see an order given to the grid workers (their own only).
    assert post(api_client("volunteer"), f"/api/v1/work-orders/{order.pk}/done").status_code == 404
    # The cadre of the community sees it, but it is not theirs to close.
    assert post(api_client("cadre"), f"/api/v1/work-orders/{order.pk}/done").status_code == 403
    assert post(api_client("grid2"), f"/api/v1/work-orders/{order.pk}/done").status_code == 404
    order.refresh_from_db()
    assert order.status == "open"
    assert post(api_client("grid"), f"/api/v1/work-orders/{order.pk}/delete").status_code == 422


def test_work_order_lists_cost_the_same_queries_for_few_or_many_orders(city, django_assert_max_num_queries):
    households = Household.objects.filter(building__area__path__startswith=city.community.path).order_by("id")[:60]
    work_orders_create_bulk(actor=city.users["secretary"], kind="revisit", assignee_role="grid_worker",
                            items=[(h, h.building.area, f"复访 {h}") for h in households.select_related("building__area")])
    client = api_client("secretary")
    for limit in (5, 50):
        with django_assert_max_num_queries(8):
            assert len(client.get(f"/api/v1/work-orders?limit={limit}").json()["items"]) == limit
    grid_client = api_client("grid")
    for limit in (2, 20):
        with django_assert_max_num_queries(8):
            assert len(grid_client.get(f"/api/v1/inbox?limit={limit}").json()["items"]) == limit
