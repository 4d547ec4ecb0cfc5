"""Pages of monthly stationing (家园驻守): the cadre's phone page (log today in one tap, or a past day), the
community's confirmations (many at once), and the monthly compliance by home unit for the organization
department, with its export and its work orders. The rules are the services' (`stationing_services.py`)."""

import datetime

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontline.areas.models import Area
from frontline.areas.selectors import area_breadcrumb, area_get_for
from frontline.core import policy
from frontline.core.export import xlsx_export
from frontline.core.formfields import pk_in_range
from frontline.core.validators import mask_phone

from .stationing_services import (
    CONFIRM_STATIONING,
    LOG_STATIONING,
    VIEW_STATIONING,
    local_today,
    month_start,
    my_stationing,
    parse_month,
    previous_month,
    stationing_compliance,
    stationing_day_log,
    stationing_days_decide,
    stationing_decided,
    stationing_shortfall_orders,
    stationing_waiting,
)

LISTED = 100  # cadres under the minimum listed on the page at most (a unit at a time; the export has all)


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


@policy.requires(LOG_STATIONING)
def stationing(request):
    """家园驻守 on the cadre's phone: this month's days and how many are confirmed against the minimum."""
    return render(request, "mobilization/stationing.html", {"me": my_stationing(actor=request.user)})


@policy.requires(LOG_STATIONING)
@require_POST
def stationing_log(request):
    day = None
    if request.POST.get("day"):
        try:
            day = datetime.date.fromisoformat(request.POST["day"])
        except ValueError:
            flash.error(request, _("Give the day as a date, e.g. 2022-04-05."))
            return redirect("stationing")
    try:
        entry = stationing_day_log(actor=request.user, day=day, note=request.POST.get("note", ""))
    except ValidationError as e:
        flash.error(request, _messages(e))
    else:
        flash.success(request, _("%(day)s logged at %(community)s: the community confirms it.") % {
            "day": entry.day, "community": entry.community.name})
    return redirect("stationing")


@policy.requires(CONFIRM_STATIONING)
def area_stationing(request, pk):
    """A community's (or street's) stationing days waiting for confirmation, and the recent decisions."""
    area = area_get_for(request.user, pk)
    policy.require(request.user, CONFIRM_STATIONING, area)
    today = local_today()
    return render(request, "mobilization/area_stationing.html", {
        "area": area, "waiting": stationing_waiting(actor=request.user, area=area),
        "decided": stationing_decided(actor=request.user, area=area, since=previous_month(today)),
        "breadcrumb": area_breadcrumb(actor=request.user, area=area)})


@policy.requires(CONFIRM_STATIONING)
@require_POST
def area_stationing_decide(request, pk):
    area = area_get_for(request.user, pk)
    policy.require(request.user, CONFIRM_STATIONING, area)
    try:
        days = [int(v) for v in request.POST.getlist("day")]
    except ValueError:
        raise Http404 from None
    if not all(pk_in_range(d) for d in days):  # no row has such a key (and the database cannot even compare it)
        raise Http404
    confirm = request.POST.get("action") != "refuse"
    try:
        n = stationing_days_decide(actor=request.user, days=days, confirm=confirm, reason=request.POST.get("reason", ""))
    except ValidationError as e:
        flash.error(request, _messages(e))
    else:
        flash.success(request, (_("%(n)s days confirmed.") if confirm else _("%(n)s days not confirmed.")) % {"n": n})
    return redirect("area_stationing", pk=area.pk)


def _month(request):
    return parse_month(request.GET.get("month") or request.POST.get("month"), previous_month(local_today()))


@policy.requires(VIEW_STATIONING)
def stationing_compliance_page(request):
    """Monthly compliance by home unit (the previous month by default), for the organization department."""
    month = _month(request)
    this = month_start(local_today())
    months = [this]
    for _i in range(5):
        months.append(previous_month(months[-1]))
    report = stationing_compliance(actor=request.user, month=month)
    unit = request.GET.get("unit", "")
    chosen = [u for u in report.units if u.home_unit == unit] if unit else report.units
    listed = [{"unit": u.home_unit, "name": name, "rank": rank, "days": n}  # dicts: the template's quickest lookup
              for u in chosen for _pk, name, rank, _phone, n in u.short]
    return render(request, "mobilization/stationing_compliance.html", {
        "report": report, "months": months, "area": policy.home_area(request.user), "unit": unit,
        "listed": listed[:LISTED], "listed_total": len(listed), "month_over": report.month < this})


@policy.requires(VIEW_STATIONING)
def stationing_compliance_export(request):
    """The cadres under the minimum, by unit, as Excel: phones masked, watermarked and audited by `xlsx_export`
    (no ID numbers: the list needs none, so no export request either)."""
    month = _month(request)
    report = stationing_compliance(actor=request.user, month=month)
    rows = ((unit.home_unit, name, str(rank), mask_phone(phone), n, report.minimum)
            for unit in report.units for _pk, name, rank, phone, n in unit.short)
    area = policy.home_area(request.user)
    return xlsx_export(actor=request.user, filename=f"stationing-{month:%Y-%m}",
                       title=_("Stationing %(month)s, cadres under %(min)s days") % {
                           "month": f"{month:%Y-%m}", "min": report.minimum},
                       headers=["单位", "姓名", "职级", "联系电话", "已确认驻守天数", "每月最少天数"], rows=rows,
                       note=f"stationing compliance {month:%Y-%m}", obj=area if isinstance(area, Area) else None)


@policy.requires(VIEW_STATIONING)
@require_POST
def stationing_orders_create(request):
    month = _month(request)
    try:
        created = stationing_shortfall_orders(actor=request.user, month=month)
    except ValidationError as e:
        flash.error(request, _messages(e))
    else:
        _orders_sent(request, created, month)
    return redirect(f"{reverse('stationing_compliance')}?month={month:%Y-%m}")


def _orders_sent(request, created, month):
    if created:
        flash.success(request, _("%(n)s work orders sent to home units.") % {"n": len(created)})
    else:
        flash.info(request, _("No new work orders: every unit under the minimum has its order for %(month)s already.")
                   % {"month": f"{month:%Y-%m}"})
