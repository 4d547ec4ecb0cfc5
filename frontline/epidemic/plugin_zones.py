"""What control zones add: the step-down work-order kind and its daily task, the navigation entry, the zone
figures, the panels marking sealed households for door-to-door service, and the words of their audit notes.

Figures (definitions):
- `zones_sealed`, `zones_controlled`, `zones_precaution`: control zones in force at the end of the day asked
  (now by default) at that level then, counted where the zone lies (its area; a building's zone in its grid).
- `compounds_assisted` (协助管控小区): distinct places (an area, or one building) under a zone of any level at
  some moment of the period (ever, without one), each counted once however often it was declared.
"""

import datetime

from django.utils.translation import gettext_lazy as _

from frontline.areas import figures
from frontline.core import plugins, policy

from . import zones, zones_tasks  # noqa: F401 (the task registers itself)
from .models import ZoneLevel
from .policy import VIEW_ZONES

plugins.work_order_kinds.register(plugins.WorkOrderKindSpec(
    zones.STEP_DOWN, _("Confirm a control zone's step-down"), app="epidemic", due=datetime.timedelta(hours=12),
    escalate_until="city", order=75, page="zone_step_down_order"))
plugins.scheduled_tasks.register(plugins.ScheduledTask(
    "zone-step-down-proposals", "frontline.epidemic.zones_tasks.zone_step_down_proposals", datetime.timedelta(days=1)))
plugins.navigation.register(plugins.NavEntry("zones", _("Control zones"), "zone_list", order=46,
                                             allowed=lambda user: policy.allows(user, VIEW_ZONES)))

for order, (level, label) in enumerate([(ZoneLevel.SEALED, _("Sealed zones in force")),
                                        (ZoneLevel.CONTROLLED, _("Controlled zones in force")),
                                        (ZoneLevel.PRECAUTION, _("Precaution zones in force"))]):
    figures.register(figures.Figure(
        f"zones_{level}", label, _("zones"), app="epidemic", rows=zones.zones_at_rows(level), area="area",
        building="building", kept=False, order=140 + order))
figures.register(figures.Figure(
    "compounds_assisted", _("Places put under control (areas and buildings)"), _("places"), app="epidemic",
    kind=figures.FLOW, rows=lambda at: zones.places_controlled_rows(), when="starts_at", area="area",
    building="building", in_period=lambda rows, start, end: zones.places_controlled_rows(start, end), order=143))


def _household_panel(request, household):
    """"Sealed zone: door-to-door service" on a household in a sealed zone."""
    sealed = zones.zones_covering(household.building, level=ZoneLevel.SEALED)
    if not sealed:
        return None
    return {"sealed": sealed, "may_view": [z for z in sealed if policy.allows_in(request.user, VIEW_ZONES, z.area)]}


def _building_panel(request, building):
    sealed = zones.zones_covering(building, level=ZoneLevel.SEALED)
    if not sealed:
        return None
    return {"sealed": sealed, "may_view": [z for z in sealed if policy.allows_in(request.user, VIEW_ZONES, z.area)],
            "households": building.households.count()}


def _area_panel(request, area):
    """The zones in force here (or over this area), with those due to step down: counts and a way to the list."""
    if not policy.allows_in(request.user, VIEW_ZONES, area):
        return None
    rows = zones.zone_list(actor=request.user, area=area)
    may_declare = zones.may_manage(request.user, area)
    if not rows and not may_declare:
        return None
    by_level = {level: sum(1 for r in rows if r.zone.level == level) for level in ZoneLevel.values}
    return {"area": area, "rows": rows[:5], "count": len(rows), "by_level": by_level, "may_declare": may_declare,
            "due": sum(1 for r in rows if r.due_today)}


plugins.panels.register(plugins.Panel("zone_household", "household", "epidemic/zones/panels/sealed_household.html",
                                      _household_panel, order=5))
plugins.panels.register(plugins.Panel("zone_building", "building", "epidemic/zones/panels/sealed_building.html",
                                      _building_panel, order=5))
plugins.panels.register(plugins.Panel("zone_area", "area", "epidemic/zones/panels/area_zones.html", _area_panel,
                                      order=25))
for note, label in [("zone raised", _("zone raised")), ("zone lifted", _("zone lifted")),
                    ("zone stepped down", _("zone stepped down")), ("zone changed", _("zone changed")),
                    ("zone households listed", _("zone households listed"))]:
    plugins.audit_notes.register(plugins.AuditNote(note, label))
