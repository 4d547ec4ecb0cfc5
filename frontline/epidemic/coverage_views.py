"""Coverage pages: a round's tested of target under an area, its children ranked from the lowest coverage
(counts only); a grid's untested residents (masked, audited); and the one action that door-knocks them."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontline.areas.models import Area, AreaLevel
from frontline.areas.selectors import area_breadcrumb
from frontline.core import policy
from frontline.core.audit import audit_record
from frontline.core.models import AuditAction
from frontline.core.scoping import get_for

from .coverage import (
    coverage_area,
    grid_untested,
    may_door_knock,
    round_coverage,
    round_get_for,
    round_paths,
    untested_orders_create,
)
from .policy import REGISTER_SAMPLES, VIEW_TESTING


def _coverage_url(testing_round, area) -> str:
    return f"{reverse('round_coverage', args=[testing_round.pk])}?area={area.pk}"


@policy.requires(VIEW_TESTING)
def round_coverage_page(request, pk):
    testing_round = round_get_for(request.user, pk)
    area = coverage_area(actor=request.user, testing_round=testing_round, area_id=request.GET.get("area"))
    table = round_coverage(actor=request.user, testing_round=testing_round, area=area)
    return render(request, "epidemic/coverage/round_coverage.html", {
        "testing_round": testing_round, "area": area, "table": table,
        "breadcrumb": area_breadcrumb(actor=request.user, area=area),
        "may_view_people": area.level == AreaLevel.GRID and policy.allows_in(request.user, policy.VIEW_PEOPLE, area),
        "may_door_knock": area.level in (AreaLevel.GRID, AreaLevel.COMMUNITY) and may_door_knock(request.user, area),
    })


def _grid_for(request, testing_round, grid_pk) -> Area:
    """A grid the round covers and the actor may see (404), whose people the actor may see (403)."""
    grid = get_for(Area.objects.filter(level=AreaLevel.GRID), request.user, grid_pk)
    if not any(grid.path.startswith(p) for p in round_paths(testing_round)):
        raise Http404
    if not policy.allows(request.user, policy.VIEW_PEOPLE, grid):
        raise PermissionDenied
    return grid


@policy.requires(policy.VIEW_PEOPLE)
def round_grid_untested(request, pk, grid_pk):
    """A grid's untested residents, a page at a time: masked names and their homes, those sampled at home
    flagged; each page viewed is written into the audit log (a list of personal data)."""
    testing_round = round_get_for(request.user, pk)
    grid = _grid_for(request, testing_round, grid_pk)
    page = Paginator(grid_untested(actor=request.user, testing_round=testing_round, grid=grid),
                     settings.FRONTLINE_PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=grid, note="untested residents listed")
    return render(request, "epidemic/coverage/grid_untested.html", {
        "testing_round": testing_round, "grid": grid, "page": page,
        "breadcrumb": area_breadcrumb(actor=request.user, area=grid),
        "may_door_knock": may_door_knock(request.user, grid)})


@policy.requires(REGISTER_SAMPLES)
@require_POST
def round_door_knock(request, pk, area_pk):
    """"Door-knock every untested resident here": one work order each, in their grid workers' inboxes."""
    testing_round = round_get_for(request.user, pk)
    area = get_for(Area, request.user, area_pk)
    if not may_door_knock(request.user, area):
        raise PermissionDenied
    try:
        orders = untested_orders_create(actor=request.user, testing_round=testing_round, area=area)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("%(n)d door-knocking work orders sent to the grid workers; residents who "
                                    "already had one were skipped.") % {"n": len(orders)})
    if request.POST.get("back") == "untested" and area.level == AreaLevel.GRID:
        return redirect("round_grid_untested", pk=testing_round.pk, grid_pk=area.pk)
    return redirect(_coverage_url(testing_round, area))
