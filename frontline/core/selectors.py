"""Reads of the work-order engine: a frontline worker's inbox, an area's list."""

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from . import policy
from .models import ACTIVE_STATUSES, WorkOrder
from .scoping import get_for


def work_order_get_for(actor, pk) -> WorkOrder:
    return get_for(WorkOrder.objects.select_related("area", "assignee", "escalated_to", "subject_type"), actor, pk)


def inbox(*, actor, now=None):
    """What is waiting for this person: assigned to them, to their role at their place, or escalated to
    their place. Overdue first, then by priority and deadline."""
    now = now or timezone.now()
    mine = Q(assignee=actor) | Q(escalated_to_user=actor)
    for a in policy.assignments(actor):  # each role at each place the account holds now
        if a.area_id:
            mine |= Q(assignee__isnull=True, assignee_role=a.role, area=a.area_id) | Q(escalated_to=a.area_id)
    return (WorkOrder.objects.visible_to(actor).filter(mine, status__in=ACTIVE_STATUSES)
            .annotate(is_overdue=Case(When(due_at__lt=now, then=Value(1)), default=Value(0), output_field=IntegerField()))
            .select_related("area", "escalated_to").order_by("-is_overdue", "-priority", "due_at", "id"))


def work_order_list(*, actor, status: str = "", kind: str = "", overdue: bool = False, now=None):
    orders = WorkOrder.objects.visible_to(actor).select_related("area", "assignee", "escalated_to")
    if status:
        orders = orders.filter(status=status)
    if kind:
        orders = orders.filter(kind=kind)
    if overdue:
        orders = orders.filter(status__in=ACTIVE_STATUSES, due_at__lt=now or timezone.now())
    return orders.order_by("-created_at", "-id")
