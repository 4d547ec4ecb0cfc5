"""The demo's mobilization story, as the README's newcomer meets it."""

from django.utils import timezone

from frontline.core.models import User, WorkOrder
from frontline.demo.accounts import demo_activity_create
from frontline.mobilization.funds import FundAllocation
from frontline.mobilization.models import Deployment, DeploymentGroup
from frontline.mobilization.selectors import deployments_on


def test_the_demo_sends_cadres_down_and_an_overdue_order_climbs_the_chain(city, client_for):
    demo_activity_create()
    demo_activity_create()  # once only
    assert deployments_on(timezone.localdate()).filter(area=city.community).count() == 8
    assert Deployment.objects.filter(area=city.community, ends_on__lt=timezone.localdate()).count() == 1
    page = client_for("secretary").get(f"/areas/{city.community.pk}/deployments/").content.decode()
    assert 'data-testid="gaps"' in page and "第二组" in page  # a key grid uncovered, a group without a leader
    assert DeploymentGroup.objects.filter(community=city.community, leader__isnull=True).count() == 1
    assert Deployment.objects.filter(kind="first_secretary").count() == 1
    order = WorkOrder.objects.get(title__startswith="复访：独居老人")
    assert order.escalated_to == city.street and order.escalated_to_user == User.objects.get(username="street")
    history = list(order.events.order_by("at", "pk").values_list("action", flat=True))
    assert history == ["created", "escalated", "escalated"]  # read in order: opened before it fell due
    assert order.created_at < order.due_at
    detail = client_for("commander").get(f"/work-orders/{order.pk}/").content.decode()
    assert "送达责任书记street" in detail  # who it reached, not only where
    paid = FundAllocation.objects.get(status="paid")
    assert (paid.approved_by.username, paid.created_by.username) == ("orgdept", "commander")
    assert FundAllocation.objects.filter(status="requested").count() == 1
