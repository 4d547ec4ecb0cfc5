"""The map without tiles: an area's children's outlines as GeoJSON, each with the value of a chosen figure and the
address of its dashboard (drawn by ECharts on the dashboard, clickable to drill down), and the commanders' page
that imports real outlines from a GeoJSON file."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontline.areas.figures import figure_list
from frontline.areas.models import Area, AreaLevel
from frontline.core import plugins, policy

from .models import AreaOutline, OutlineSource
from .outlines import OutlineFileInvalid, outlines_import
from .periods import period_pick
from .policy import MANAGE_OUTLINES, VIEW_DASHBOARD
from .selectors import command_area_get_for, dashboard_figures

DEFAULT_FIGURES = ("residents", "households")


def default_figure() -> str:
    for code in DEFAULT_FIGURES:
        if code in plugins.figures:
            return code
    found = figure_list()
    return found[0].code if found else ""


def _collection(area: Area, figure, picked, features: list, message: str = "") -> JsonResponse:
    values = [f["properties"]["value"] for f in features]
    return JsonResponse({
        "type": "FeatureCollection", "features": features,
        "area": {"id": area.pk, "name": area.name, "level": area.level},
        "figure": {"code": figure.code, "label": str(figure.label), "unit": str(figure.unit)},
        "period": {"start": picked.period.start.isoformat(), "end": picked.period.end.isoformat()},
        "min": min(values, default=0), "max": max(values, default=0), "message": message,
    }, json_dumps_params={"ensure_ascii": False})


@policy.requires(VIEW_DASHBOARD)
def command_map(request, pk):
    """GeoJSON of the area's children for the dashboard's map: `?code=` the figure (default: residents), and the
    period picker's `day=` or `start=`/`end=`."""
    area = command_area_get_for(request.user, pk)
    code = request.GET.get("code", "").strip() or default_figure()
    figure = plugins.figures.get(code)
    if figure is None:
        return JsonResponse({"error": _("There is no figure “%(code)s”.") % {"code": code[:40]}}, status=400)
    try:
        picked = period_pick(request.GET)
    except ValidationError as e:
        return JsonResponse({"error": " ".join(e.messages)}, status=400)
    if area.level == AreaLevel.GRID:
        return _collection(area, figure, picked, [], _("The buildings of a grid have no outlines on the map: see the "
                                                       "list of buildings instead."))
    figures = dashboard_figures(actor=request.user, area=area, period=picked.period)
    children = figures["children"]
    geometry = dict(AreaOutline.objects.filter(area_id__in=[c["id"] for c in children])
                    .values_list("area_id", "geometry"))
    features = [{
        "type": "Feature", "id": c["id"],
        "properties": {"id": c["id"], "name": c["name"], "division_code": c["code"],
                       "value": c["values"].get(code, 0), "url": reverse("command_dashboard", args=[c["id"]])},
        "geometry": geometry[c["id"]]} for c in children if c["id"] in geometry]
    message = ""
    if not features:
        message = _("The areas under %(name)s have no outlines yet: a commander can import them from a GeoJSON "
                    "file.") % {"name": area.name}
    elif len(features) < len(children):
        message = _("%(missing)s of the %(total)s areas under %(name)s have no outline yet and are not on the map.") % {
            "missing": len(children) - len(features), "total": len(children), "name": area.name}
    return _collection(area, figure, picked, features, message)


class OutlineImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("GeoJSON file"),
                           help_text=gettext_lazy("A FeatureCollection of Polygons or MultiPolygons (longitude, "
                                                  "latitude), each feature's division code in its properties as "
                                                  "“code”, “adcode” or “区划代码”."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".json,.geojson,application/geo+json",
                                                                  "class": "form-control"}))


def _outline_counts(actor) -> dict:
    areas = Area.objects.restrict(actor, MANAGE_OUTLINES)
    by_source = dict(AreaOutline.objects.filter(area__in=areas.values("pk")).values_list("source")
                     .annotate(n=Count("pk")).order_by())
    return {"areas": areas.count(),
            "sources": [(label, by_source.get(value, 0)) for value, label in OutlineSource.choices],
            "with_outline": sum(by_source.values())}


@policy.requires(MANAGE_OUTLINES)
def command_outline_import(request):
    """Upload a GeoJSON file of real outlines: all or nothing, every problem listed."""
    form = OutlineImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            imported = outlines_import(actor=request.user, file=upload)
        except OutlineFileInvalid as e:
            problems = e.problems
        else:
            messages.success(request, _("%(count)s outlines imported from %(file)s.")
                             % {"count": imported, "file": upload.name})
            return redirect("command_outline_import")
    return render(request, "command/map/outline_import.html", {
        "form": form, "problems": problems, "counts": _outline_counts(request.user)}, status=200)
