"""Publicity through the grid: publish a message or guide to grids, grids mark it passed on, coverage by area.
A message is a notice aimed at grids (frontline.notices); these pages keep their URLs and names."""

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontline.areas.models import Area
from frontline.areas.selectors import area_get_for
from frontline.core import policy
from frontline.core.roles import can_manage_grid
from frontline.core.scoping import get_for
from frontline.notices.models import Notice

from .forms import GridMessageForm
from .selectors import message_coverage
from .services import grid_message_deliver, grid_message_publish


def _message_for(request, pk) -> Notice:
    return get_for(Notice.objects.select_related("issued_by"), request.user, pk)


@policy.requires(policy.VIEW)
def message_list(request):
    to_grids = Notice.grids.through.objects.filter(notice=OuterRef("pk"))
    items = Notice.objects.visible_to(request.user).filter(Exists(to_grids)).order_by("-issued_at", "-id")[:100]
    return render(request, "grid/message_list.html", {"items": items, "can_manage": can_manage_grid(request.user)})


@policy.requires("manage_grid")
def message_new(request):
    if not can_manage_grid(request.user):
        raise PermissionDenied
    form = GridMessageForm(request.POST or None, request.FILES or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            message = grid_message_publish(actor=request.user, kind=form.cleaned_data["kind"],
                                           title=form.cleaned_data["title"], body=form.cleaned_data["body"],
                                           areas=list(form.cleaned_data["areas"]), files=request.FILES.getlist("files"))
        except ValidationError as e:
            form.add_error(None, e.messages)
        else:
            return redirect("grid_message", pk=message.pk)
    return render(request, "grid/message_form.html", {"form": form}, status=400 if form.errors else 200)


@policy.requires(policy.VIEW)
def message_detail(request, pk):
    message = _message_for(request, pk)
    if not message.grids.exists():  # a notice to roles only: its own page
        return redirect("notice", pk=message.pk)
    area = area_get_for(request.user, request.GET["area"]) if request.GET.get("area") else policy.home_area(request.user)
    if area is None:
        raise Http404
    total, by_child = message_coverage(message=message, area=area)
    children = [] if area.level == "grid" else [
        (c, by_child[c.path]) for c in Area.objects.get_children(area).visible_to(request.user) if c.path in by_child]
    my_grid = area if area.level == "grid" else None
    return render(request, "grid/message_detail.html", {
        "message": message, "area": area, "total": total, "children": children,
        "my_grid": my_grid if my_grid and message.grids.filter(pk=my_grid.pk).exists() else None,
        "my_delivery": message.deliveries.filter(grid=my_grid).first() if my_grid else None,
        "attachments": message.attachments.all()})


@policy.requires("deliver_message")
@require_POST
def message_deliver(request, pk):
    message = _message_for(request, pk)
    grid = area_get_for(request.user, request.POST.get("grid", ""))
    try:
        grid_message_deliver(actor=request.user, message=message, grid=grid, channel=request.POST.get("channel", ""))
    except ValidationError as e:
        flash.error(request, " ".join(e.messages))
    else:
        flash.success(request, _("Marked as passed on in %(grid)s.") % {"grid": grid.name})
    return redirect("grid_message", pk=message.pk)


@policy.requires(policy.VIEW)
def message_attachment(request, pk, attachment_pk):
    """Attachments are served only to those who may see the message (never from a public media URL)."""
    message = _message_for(request, pk)
    attachment = message.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)
