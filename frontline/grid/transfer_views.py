"""Transfer requests' pages: the answering side's page for one request (through its work order, confirm or
refuse), and the asking side's list of what it asked and the answers."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from frontline.core import policy
from frontline.core.selectors import work_order_get_for
from frontline.core.services import can_act
from frontline.people.models import Resident

from .models import TRANSFER_REQUEST, TransferRequest, TransferStatus
from .transfers import transfer_confirm, transfer_for_order, transfer_refuse


def _order_for(request, pk):
    """The transfer request's work order, as the answering side sees it: 404 alike for "missing", "not yours"
    and "not a transfer request"."""
    order = work_order_get_for(request.user, pk)
    if order.kind != TRANSFER_REQUEST:
        raise Http404
    return order


@policy.requires(policy.VIEW_WORK)
def transfer_detail(request, pk):
    order = _order_for(request, pk)
    transfer = transfer_for_order(order)
    home = (Resident.objects.visible_to(request.user).filter(person=transfer.person, moved_out__isnull=True)
            .select_related("household__building__area").first())
    return render(request, "grid/transfer_detail.html", {
        "order": order, "transfer": transfer, "home": home,
        "can_answer": transfer.status == TransferStatus.PENDING and can_act(request.user, order)})


# Each action with what the answering side is told once it is done.
ACTIONS = {
    "confirm": (lambda actor, order, data: transfer_confirm(actor=actor, order=order), gettext_lazy("Moved in.")),
    "refuse": (lambda actor, order, data: transfer_refuse(actor=actor, order=order, reason=data.get("reason", "")),
               gettext_lazy("Refused: the asking community reads why.")),
}


@policy.requires(policy.VIEW_WORK)
@require_POST
def transfer_act(request, pk, action):
    order = _order_for(request, pk)
    if action not in ACTIONS:
        raise Http404
    act, done = ACTIONS[action]
    try:
        act(request.user, order, request.POST)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, done)
    return redirect("transfer_detail", pk=order.pk)


@policy.requires(policy.IMPORT)
def transfer_list(request):
    """What the asking side asked (its own data: the file's name, the requested home) and the answers; never
    where the person lives now."""
    transfers = (TransferRequest.objects.visible_to(request.user)
                 .select_related("person", "area", "household__building").order_by("-requested_at", "-id"))
    return render(request, "grid/transfer_list.html", {"page": Paginator(transfers, 50).get_page(request.GET.get("page")),
                                                       "active": "transfers"})
