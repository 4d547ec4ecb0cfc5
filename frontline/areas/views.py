"""The area browser: drill down from the user's scope to a building's households."""

from django.shortcuts import redirect, render

from frontline.core import policy

from .figures import STOCK, figure_list, figure_table
from .selectors import area_breadcrumb, area_get_for, building_get_for, building_households


@policy.requires(policy.VIEW)
def area_root(request):
    area = policy.home_area(request.user)
    return redirect("area_detail", pk=area.pk) if area else render(request, "areas/empty.html")


@policy.requires(policy.VIEW)
def area_detail(request, pk):
    """The area's registered stock figures, each child's, and what the apps add (panels)."""
    area = area_get_for(request.user, pk)
    table = figure_table(actor=request.user, area=area, codes=[f.code for f in figure_list(STOCK)])
    return render(request, "areas/area_detail.html", {
        "area": area, "table": table, "breadcrumb": area_breadcrumb(actor=request.user, area=area),
        "sites": area.sites.order_by("kind", "name") if area.level in ("community", "grid", "street") else None,
        # Only links the account may follow: a grid worker or a cadre would meet a 403 behind these.
        "may_export": policy.allows(request.user, policy.EXPORT), "may_import": policy.allows(request.user, policy.IMPORT),
        "may_view_people": policy.allows(request.user, policy.VIEW_PEOPLE),
    })


@policy.requires(policy.VIEW_PEOPLE)
def building_detail(request, pk):
    building = building_get_for(request.user, pk)
    return render(request, "areas/building_detail.html", {
        "building": building, "households": building_households(actor=request.user, building=building),
        "breadcrumb": area_breadcrumb(actor=request.user, area=building.area),
    })
