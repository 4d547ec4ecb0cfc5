"""The daily brief's pages: an area's brief for a day (`?day=`, yesterday by default: a complete day), its A4 PDF,
and the brief placed in a commander's inbox (its work order's own page, where 已阅 closes it)."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontline.areas.models import Area
from frontline.areas.selectors import area_breadcrumb
from frontline.core import policy
from frontline.core.selectors import work_order_get_for
from frontline.core.services import can_act

from .brief import brief_build
from .brief_pdf import CJKFontMissing, brief_pdf
from .brief_services import DAILY_BRIEF, brief_of_order, brief_read
from .periods import period_pick
from .policy import VIEW_DASHBOARD
from .selectors import command_area_get_for


def _day(request) -> datetime.date:
    """The day asked for (`?day=`), checked (a date, not in the future); yesterday without one."""
    value = request.GET.get("day", "").strip()
    if not value:
        return timezone.localdate() - datetime.timedelta(days=1)
    return period_pick({"day": value}).day


def _refused(request, area: Area, error: ValidationError):
    return render(request, "command/brief/message.html", {
        "area": area, "errors": error.messages, "breadcrumb": area_breadcrumb(actor=request.user, area=area),
        "yesterday": timezone.localdate() - datetime.timedelta(days=1)}, status=400)


def _page(request, area: Area, day: datetime.date, **extra):
    brief = brief_build(actor=request.user, area=area, day=day)
    today = timezone.localdate()
    return render(request, "command/brief/brief.html", {
        "brief": brief, "area": area, "breadcrumb": area_breadcrumb(actor=request.user, area=area),
        "before": day - datetime.timedelta(days=1), "after": day + datetime.timedelta(days=1) if day < today else None,
        "today": today, **extra})


@policy.requires(VIEW_DASHBOARD)
def brief_page(request, pk):
    area = command_area_get_for(request.user, pk)
    try:
        day = _day(request)
    except ValidationError as error:
        return _refused(request, area, error)
    return _page(request, area, day)


@policy.requires(VIEW_DASHBOARD)
def brief_pdf_download(request, pk):
    area = command_area_get_for(request.user, pk)
    try:
        day = _day(request)
    except ValidationError as error:
        return _refused(request, area, error)
    brief = brief_build(actor=request.user, area=area, day=day)
    try:
        body = brief_pdf(brief)
    except CJKFontMissing as missing:
        return render(request, "command/brief/font_missing.html", {
            "area": area, "day": day, "detail": str(missing),
            "breadcrumb": area_breadcrumb(actor=request.user, area=area)}, status=503)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=f"每日简报-{area.name}-{day.isoformat()}.pdf")
    return response


def _placed(request, pk):
    """A daily brief's work order and its brief, for who sees the order and the area's dashboards (404 alike)."""
    order = work_order_get_for(request.user, pk)
    placed = brief_of_order(order) if order.kind == DAILY_BRIEF else None
    if placed is None or not Area.objects.restrict(request.user, VIEW_DASHBOARD).filter(pk=placed.area_id).exists():
        raise Http404
    return order, placed


@policy.requires(VIEW_DASHBOARD)
def brief_order(request, pk):
    """The brief in the inbox: the brief of its area and day, and 已阅 for who may act on the order."""
    order, placed = _placed(request, pk)
    return _page(request, placed.area, placed.day, order=order,
                 may_read=order.active and can_act(request.user, order))


@policy.requires(VIEW_DASHBOARD)
@require_POST
def brief_order_read(request, pk):
    order, _placed_brief = _placed(request, pk)
    if not can_act(request.user, order):
        raise PermissionDenied
    try:
        brief_read(actor=request.user, order=order)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Marked as read."))
    return redirect("command_brief_order", pk=order.pk)
