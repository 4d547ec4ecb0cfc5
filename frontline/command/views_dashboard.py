"""The command dashboard's pages: `/command/` sends the viewer to the dashboard of their own area, and an area's
dashboard shows its key figures for a picked period, trends, its children ranked by a chosen figure (drilling
down to a grid), the alerts that need a decision, and the panels other parts add (map, wall screen, brief,
report). A desk page that still reads on a phone."""

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from frontline.areas.figures import Period
from frontline.areas.selectors import area_breadcrumb
from frontline.core import policy

from .dashboard import dashboard, figure_choices
from .periods import DAY, RANGE, TODAY, Picked, period_pick
from .policy import VIEW_DASHBOARD
from .selectors import command_area_get_for


@policy.requires(VIEW_DASHBOARD)
def command_home(request):
    """The dashboard of the viewer's own area."""
    area = policy.home_area(request.user)
    if area is None:
        raise Http404
    return redirect("command_dashboard", pk=area.pk)


@policy.requires(VIEW_DASHBOARD)
def command_dashboard(request, pk):
    area = command_area_get_for(request.user, pk)
    errors = []
    try:
        picked = period_pick(request.GET)
    except ValidationError as e:  # said on the page, which shows today meanwhile
        errors = e.messages
        today = timezone.localdate()
        picked = Picked(TODAY, Period(today, today))
    rank = request.GET.get("rank", "").strip()
    board = dashboard(actor=request.user, area=area, picked=picked, rank=rank)
    query = picked.query
    rank_query = urlencode({"rank": board.ranking.code})
    return render(request, "command/dashboard/dashboard.html", {
        "area": area, "board": board, "picked": picked, "period_errors": errors,
        "crumbs": [(a, policy.allows_in(request.user, VIEW_DASHBOARD, a))
                   for a, _visible in area_breadcrumb(actor=request.user, area=area)],
        "figure_choices": figure_choices(),
        "child_query": "&".join(q for q in (query, rank_query) if q),
        "period_query": query,
        "kinds": {"today": TODAY, "day": DAY, "range": RANGE},
        "asked": {k: request.GET.get(k, "")[:10] for k in ("day", "start", "end")},
        "today": timezone.localdate(),
        "active": "command",
    })
