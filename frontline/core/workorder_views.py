"""Pages of the work-order engine: the phone inbox, one order with its history, an area's list."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import policy
from .models import WorkOrderStatus
from .plugins import work_order_kind_choices
from .selectors import inbox, work_order_get_for, work_order_list
from .services import (
    can_act,
    work_order_accept,
    work_order_cannot_do,
    work_order_comment,
    work_order_complete,
)


@policy.requires(policy.VIEW_WORK)
def inbox_view(request):
    orders = list(inbox(actor=request.user)[:200])
    return render(request, "core/inbox.html", {"orders": orders, "active": "inbox"})


@policy.requires(policy.VIEW_WORK)
def work_order_detail(request, pk):
    order = work_order_get_for(request.user, pk)
    return render(request, "core/work_order.html", {
        "order": order, "events": order.events.select_related("actor"), "can_act": can_act(request.user, order)})


ACTIONS = {
    "accept": lambda actor, order, data: work_order_accept(actor=actor, order=order),
    "done": lambda actor, order, data: work_order_complete(actor=actor, order=order, note=data.get("note", "")),
    "cannot_do": lambda actor, order, data: work_order_cannot_do(actor=actor, order=order, reason=data.get("reason", "")),
    "comment": lambda actor, order, data: work_order_comment(actor=actor, order=order, note=data.get("note", "")),
}


@policy.requires(policy.VIEW_WORK)
@require_POST
def work_order_act(request, pk, action):
    order = work_order_get_for(request.user, pk)
    if action not in ACTIONS:
        raise PermissionDenied
    try:
        ACTIONS[action](request.user, order, request.POST)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect("work_order_detail", pk=order.pk)


@policy.requires(policy.MANAGE_WORK)
def work_order_list_view(request):
    f = request.GET
    orders = work_order_list(actor=request.user, status=f.get("status", ""), kind=f.get("kind", ""),
                             overdue=f.get("overdue") == "1")
    return render(request, "core/work_order_list.html", {
        "page": Paginator(orders, 50).get_page(f.get("page")), "filters": f, "statuses": WorkOrderStatus.choices,
        "kinds": work_order_kind_choices(), "active": "work_orders"})
