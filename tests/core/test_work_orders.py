import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from frontline.areas.models import Household
from frontline.core.models import AuditLog, WorkOrder
from frontline.core.selectors import inbox
from frontline.core.services import (
    work_order_accept,
    work_order_cannot_do,
    work_order_complete,
    work_order_create,
    work_orders_create_bulk,
    work_orders_escalate_overdue,
)
from frontline.core.tasks import escalate_overdue_work_orders
from tests.access import assert_access, assert_listed
from tests.core.conftest import T0  # the due time of the `order` fixture


def test_a_role_order_reaches_the_inbox_of_that_role_at_that_place_only(city, order):
    assert order in inbox(actor=city.users["grid"])
    assert order not in inbox(actor=city.users["grid2"])
    assert order not in inbox(actor=city.users["volunteer"])  # same grid, other role


def test_work_order_pages_follow_the_access_matrix(city, client_for, order):
    assert_access(client_for, f"/work-orders/{order.pk}/", sees=["grid", "secretary", "street", "commander"],
                  hidden=["grid2", "secretary2", "district2"])
    assert_listed(client_for, "/inbox/", f'href="/work-orders/{order.pk}/"', sees=["grid"], hidden=["grid2", "volunteer"])
    assert_listed(client_for, "/work-orders/", f'href="/work-orders/{order.pk}/"', sees=["secretary", "street", "commander"],
                  hidden=["secretary2", "district2"])


def test_accept_then_done_keeps_the_history(city, client_for, order):
    client = client_for("grid")
    client.post(f"/work-orders/{order.pk}/accept/")
    client.post(f"/work-orders/{order.pk}/done/", {"note": "已上门,家中有人"})
    order.refresh_from_db()
    assert (order.status, order.assignee) == ("done", city.users["grid"])
    assert [e.action for e in order.events.all()] == ["created", "accepted", "done"]
    page = client.get(f"/work-orders/{order.pk}/").content.decode()
    assert "已上门,家中有人" in page
    assert AuditLog.objects.filter(content_type__model="workorder", object_id=str(order.pk), action="update").count() == 2


def test_cannot_do_needs_a_reason(city, order):
    with pytest.raises(ValidationError):
        work_order_cannot_do(actor=city.users["grid"], order=order, reason="  ")
    work_order_cannot_do(actor=city.users["grid"], order=order, reason="住户已搬离")
    order.refresh_from_db()
    assert (order.status, order.reason) == ("cannot_do", "住户已搬离")
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkOrder.objects.filter(pk=order.pk).update(reason="")


def test_only_those_it_concerns_may_act(city, order):
    with pytest.raises(PermissionDenied):
        work_order_accept(actor=city.users["volunteer"], order=order)
    with pytest.raises(PermissionDenied):
        work_order_complete(actor=city.users["grid2"], order=order)
    work_order_complete(actor=city.users["secretary"], order=order)  # a desk role in scope may close it
    with pytest.raises(ValidationError):
        work_order_complete(actor=city.users["grid"], order=order)  # already closed


def test_one_active_order_per_subject_and_kind(city, order, household):
    with pytest.raises(ValidationError):
        work_order_create(actor=city.users["secretary"], kind="revisit", title="again", area=city.grid, subject=household)
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkOrder.objects.create(kind="revisit", title="again", area=city.grid, subject_type=order.subject_type,
                                 subject_id=household.pk)


def test_bulk_creation_is_idempotent(city):
    households = list(Household.objects.filter(building__area=city.grid)[:5])
    items = [(h, city.grid, f"复访 {h}") for h in households]
    first = work_orders_create_bulk(actor=city.users["secretary"], kind="revisit", items=items, assignee_role="grid_worker")
    second = work_orders_create_bulk(actor=city.users["secretary"], kind="revisit", items=items, assignee_role="grid_worker")
    assert (len(first), len(second)) == (5, 0)
    assert WorkOrder.objects.filter(kind="revisit", area=city.grid).count() == 5


def test_overdue_work_escalates_up_the_tree_with_a_controlled_clock(city, order, settings):
    settings.FRONTLINE_ESCALATION_GRACE_HOURS = 24
    assert work_orders_escalate_overdue(now=T0 - datetime.timedelta(minutes=1)) == 0
    assert work_orders_escalate_overdue(now=T0 + datetime.timedelta(minutes=1)) == 1
    order.refresh_from_db()
    assert order.escalated_to == city.community
    assert order in inbox(actor=city.users["secretary"], now=T0 + datetime.timedelta(hours=1))
    assert work_orders_escalate_overdue(now=T0 + datetime.timedelta(minutes=2)) == 0  # not again within the grace
    assert work_orders_escalate_overdue(now=T0 + datetime.timedelta(hours=25)) == 1
    order.refresh_from_db()
    assert (order.escalated_to, order.escalation_level) == (city.street, 2)
    assert [e.action for e in order.events.all()].count("escalated") == 2


def test_done_work_does_not_escalate(city, order):
    work_order_complete(actor=city.users["grid"], order=order)
    assert work_orders_escalate_overdue(now=T0 + datetime.timedelta(days=3)) == 0


def test_escalation_task_runs_through_celery(city, order):
    assert escalate_overdue_work_orders.delay().get() == 1  # eager in tests; the order is long overdue
    order.refresh_from_db()
    assert order.escalation_level == 1 and order.next_escalation_at > timezone.now()


def test_home_page_says_how_much_is_waiting(city, client_for, order):
    page = client_for("grid").get("/").content.decode()
    assert "1项待办" in page and "1项超期" in page


def test_without_a_broker_the_web_process_runs_the_escalation_on_its_schedule(monkeypatch):
    """The embedded runner (a worker thread of the web process) queues escalation every 10 minutes, as
    Celery beat would; nothing escalates on the way into a page any more."""
    from frontline.core import background

    queued = []
    monkeypatch.setattr(background, "submit", lambda task, args=(), kwargs=None: queued.append(task.name))
    last_run = {}
    assert "escalate-overdue-work-orders" in background.run_due(last_run, now=1000.0)
    assert "frontline.core.tasks.escalate_overdue_work_orders" in queued
    assert "escalate-overdue-work-orders" not in background.run_due(last_run, now=1000.0 + 599)
    assert "escalate-overdue-work-orders" in background.run_due(last_run, now=1000.0 + 600)


def test_acting_on_an_order_out_of_scope_answers_404_and_changes_nothing(city, client_for, order):
    for action in ("accept", "done", "comment"):
        assert client_for("grid2").post(f"/work-orders/{order.pk}/{action}/", {"note": "x"}).status_code == 404
    order.refresh_from_db()
    assert order.status == "open" and order.events.count() == 1


def test_escalation_looks_up_the_next_levels_in_one_query(city, django_assert_max_num_queries):
    households = list(Household.objects.filter(building__area__path__startswith=city.community.path)
                      .select_related("building__area").order_by("id")[:10])
    work_orders_create_bulk(actor=city.users["secretary"], kind="revisit", assignee_role="grid_worker", due_at=T0,
                            items=[(h, h.building.area, f"复访 {h}") for h in households])
    # Per order: its update, its history event, its audit entry; the rest does not grow with the orders (one
    # query a registered escalation route, e.g. the five-level chain's named secretaries).
    from frontline.core import plugins

    with django_assert_max_num_queries(3 * len(households) + 4 + len(plugins.escalation_routes)):
        assert work_orders_escalate_overdue(now=T0 + datetime.timedelta(minutes=1)) == len(households)
