"""API: the work-order inbox for mobile clients: what is waiting, one order with its history, and the
same actions as the phone page (accept, done, cannot do, comment)."""

import datetime
from typing import Literal

from ninja import Router, Schema
from ninja.pagination import paginate

from . import policy
from .selectors import inbox, work_order_get_for, work_order_list
from .services import can_act
from .workorder_views import ACTIONS

router = Router(tags=["work orders"])


class WorkOrderOut(Schema):
    id: int
    kind: str
    title: str
    area_id: int
    area_name: str
    kind_label: str
    subject_type: str | None  # app and model, e.g. "areas.household"
    subject_id: int | None
    assignee_id: int | None
    assignee_role: str
    priority: int
    status: str
    due_at: datetime.datetime | None
    overdue: bool
    escalated_to_id: int | None
    reason: str
    created_at: datetime.datetime
    closed_at: datetime.datetime | None

    @staticmethod
    def resolve_kind_label(obj):
        return str(obj.kind_label)

    @staticmethod
    def resolve_area_name(obj):
        return obj.area.name

    @staticmethod
    def resolve_subject_type(obj):
        return obj.subject_label


class EventOut(Schema):
    at: datetime.datetime
    actor_id: int | None
    action: str
    note: str


class WorkOrderDetailOut(WorkOrderOut):
    can_act: bool
    events: list[EventOut]


class ActionIn(Schema):
    note: str = ""
    reason: str = ""


def _detail(actor, order):
    order.can_act = can_act(actor, order)
    return order


@router.get("/inbox", response=list[WorkOrderOut])
@paginate
@policy.api_requires(policy.VIEW_WORK)
def inbox_list(request):
    """The caller's inbox: assigned to them, to their role at their place, or escalated there; overdue first."""
    return inbox(actor=request.auth).select_related("subject_type")


@router.get("/work-orders", response=list[WorkOrderOut])
@paginate
@policy.api_requires(policy.MANAGE_WORK)
def work_order_list_api(request, status: str = "", kind: str = "", overdue: bool = False):
    """Every work order within the caller's scope, newest first."""
    return work_order_list(actor=request.auth, status=status, kind=kind, overdue=overdue).select_related("subject_type")


@router.get("/work-orders/{order_id}", response=WorkOrderDetailOut)
@policy.api_requires(policy.VIEW_WORK)
def work_order_detail_api(request, order_id: int):
    return _detail(request.auth, work_order_get_for(request.auth, order_id))


@router.post("/work-orders/{order_id}/{action}", response=WorkOrderDetailOut)
@policy.api_requires(policy.VIEW_WORK)
def work_order_act_api(request, order_id: int, action: Literal["accept", "done", "cannot_do", "comment"], data: ActionIn):
    """Act on an order as on the phone page. 403 when the caller may not act on it; 422 with the reason
    when the action does not apply (already done, no reason given)."""
    order = work_order_get_for(request.auth, order_id)
    ACTIONS[action](request.auth, order, data.dict())
    return _detail(request.auth, work_order_get_for(request.auth, order_id))
