"""The area browser: drill down from the user's scope to a household and its residents."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from frontline.grid.selectors import campaign_progress, campaigns_active, contact_coverage, household_campaigns

from .models import Area
from .selectors import (
    area_breadcrumb,
    area_counts,
    area_get_for,
    building_get_for,
    building_households,
    household_get_for,
    household_residents,
)


@login_required
def area_root(request):
    if request.user.area_id:
        return redirect("area_detail", pk=request.user.area_id)
    root = Area.objects.get_first_root_node()
    return redirect("area_detail", pk=root.pk) if root else render(request, "areas/empty.html")


@login_required
def area_detail(request, pk):
    area = area_get_for(request.user, pk)
    counts = area_counts(actor=request.user, area=area)
    coverage = contact_coverage(area=area)
    campaigns = [(c, *campaign_progress(campaign=c, area=area)) for c in campaigns_active(actor=request.user)]
    rows = []
    for child, c in counts.children:
        key = child.pk if area.level == "grid" else child.path
        rows.append((child, c, coverage.get(key, 0), [(campaign, by_child.get(key)) for campaign, _t, by_child in campaigns]))
    return render(request, "areas/area_detail.html", {
        "area": area, "counts": counts, "rows": rows, "contacted": sum(coverage.values()), "campaigns": campaigns,
        "breadcrumb": area_breadcrumb(actor=request.user, area=area),
        "sites": area.sites.order_by("kind", "name") if area.level in ("community", "grid", "street") else None,
    })


@login_required
def building_detail(request, pk):
    building = building_get_for(request.user, pk)
    return render(request, "areas/building_detail.html", {
        "building": building, "households": building_households(actor=request.user, building=building),
        "breadcrumb": area_breadcrumb(actor=request.user, area=building.area),
    })


@login_required
def household_detail(request, pk):
    household = household_get_for(request.user, pk)
    return render(request, "areas/household_detail.html", {
        "household": household, "residents": household_residents(actor=request.user, household=household),
        "campaigns": household_campaigns(actor=request.user, household=household),
        "breadcrumb": area_breadcrumb(actor=request.user, area=household.building.area),
    })
