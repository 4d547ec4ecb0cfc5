"""The delivery run on a phone: the deliverer's own open `delivery` work orders, urgent first, each with only what
the delivery needs (the address, the lines, a masked name, a call button revealing the phone, audited), and the
steps picked up → delivered, or failed with a reason. An order is reached only through its work order: another's
answers 404 alike."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from frontline.core import policy
from frontline.core.selectors import work_order_get_for
from frontline.core.services import can_act

from . import order_services
from .models import SupplyOrder
from .order_selectors import deliveries_for, delivery_done_today, delivery_run
from .orders import DELIVERY

STEPS = {"pick_up": order_services.order_pick_up, "deliver": order_services.order_deliver,
         "fail": order_services.order_fail}


def _delivery(request, pk):
    work = work_order_get_for(request.user, pk)
    if work.kind != DELIVERY:
        raise Http404
    order = SupplyOrder.objects.filter(pk=work.subject_id).first()
    if order is None:
        raise Http404
    return work, order


@policy.requires(policy.VIEW_WORK)
def delivery_run_page(request):
    stops = delivery_run(actor=request.user)
    return render(request, "care/orders/delivery_run.html", {
        "stops": stops, "urgent": sum(1 for s in stops if s.urgent), "active": "deliveries",
        "done_today": delivery_done_today(actor=request.user, today=timezone.localdate())})


@policy.requires(policy.VIEW_WORK)
def delivery_order(request, pk):
    """A delivery work order's own page (the inbox links here): the one stop, and its steps for who may act."""
    work, _order = _delivery(request, pk)
    (stop,) = deliveries_for([work])
    return render(request, "care/orders/delivery_order.html", {
        "stop": stop, "may_act": can_act(request.user, work), "active": "deliveries"})


@policy.requires(policy.VIEW_WORK)
def delivery_call(request, pk):
    """The contact phone for the one delivering, as a tel: link; written into the audit log as a reveal."""
    if request.method != "POST":
        return redirect("delivery_order", pk=pk)
    work, order = _delivery(request, pk)
    if not can_act(request.user, work):
        raise PermissionDenied
    phone = order_services.order_phone_reveal(actor=request.user, order=order, work=work)
    return render(request, "care/orders/partials/phone.html", {"phone": phone, "call": True})


@policy.requires(policy.VIEW_WORK)
def delivery_act(request, pk, action):
    if action not in STEPS:
        raise Http404
    work, order = _delivery(request, pk)
    if not can_act(request.user, work):
        raise PermissionDenied
    if request.method == "POST":
        kwargs = {"reason": request.POST.get("reason", "")} if action == "fail" else {}
        try:
            STEPS[action](actor=request.user, order=order, **kwargs)
        except ValidationError as e:
            messages.error(request, f"{order.household}: {' '.join(e.messages)}")
        else:
            done = {"pick_up": _("Picked up: %(home)s."), "deliver": _("Delivered: %(home)s."),
                    "fail": _("Could not deliver: %(home)s.")}[action]
            messages.success(request, done % {"home": order.household})
    if request.POST.get("next") == "order":
        return redirect("delivery_order", pk=work.pk)
    return redirect("delivery_run")
