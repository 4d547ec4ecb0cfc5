"""What service stations and centres add: who keeps a site's services, the navigation entry, a panel on area pages,
the API, the figures, and the words of their audit note.

Figures (definitions):
- `counseling_sessions` (开展心理疏导X场次): counseling sessions held in the period (by `held_on`, a date), counted
  where their site is.
- `counseling_attendees`: the people who attended them (a summed flow, registered only where the figures
  registry sums flows).
- `service_sites` (服务驿站、党群服务中心): sites of kind service_station or service_center open at the end of the day
  asked (now: whose closing is not recorded), where they are.
- `secretary_hotline_calls` (书记热线): calls taken in the period, in the area whose hotline took them.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from frontline.areas import figures
from frontline.areas.models import AreaLevel, Site
from frontline.core import plugins, policy

from .models import CounselingSession, HotlineCall
from .policy import RECORD_SERVICE, VIEW_STATIONS
from .stations import MANAGE_STATIONS, SERVICE_KINDS
from .stations_api import router

policy.grant(MANAGE_STATIONS, policy.AREA, *policy.DESK)

plugins.navigation.register(plugins.NavEntry("stations", _("Service stations"), "station_list", order=62,
                                             allowed=lambda user: policy.allows(user, RECORD_SERVICE)))
plugins.api_routers.register(plugins.ApiRouter("care_stations", router))
plugins.audit_notes.register(plugins.AuditNote("caller phone", _("caller's phone, in full")))


def _service_sites(at):
    return figures.stock_rows_at(Site.objects.filter(kind__in=SERVICE_KINDS), at, "opened_on", "closed_on",
                                 start_may_be_null=True)


figures.register(figures.Figure(
    "counseling_sessions", _("Counseling sessions"), pgettext_lazy("station", "sessions"), app="care", kind=figures.FLOW,
    rows=lambda at: CounselingSession.objects.all(), when="held_on", area="site__area", site="site", order=190))
try:  # a summed flow, once the registry sums flows (it refuses one otherwise)
    _attendees = figures.Figure(
        "counseling_attendees", _("Counseling attendees"), _("people"), app="care", kind=figures.FLOW,
        rows=lambda at: CounselingSession.objects.all(), when="held_on", area="site__area", site="site",
        total="attendees", kept=False, order=191)
except (TypeError, ValueError):
    _attendees = None
if _attendees is not None:
    figures.register(_attendees)
figures.register(figures.Figure(
    "service_sites", _("Service stations and party-masses service centres"), _("sites"), app="care",
    rows=_service_sites, area="area", site="pk", watch=(("areas.Site", "area"),), order=192))
figures.register(figures.Figure(
    "secretary_hotline_calls", _("Secretary-hotline calls"), pgettext_lazy("station", "calls"), app="care", kind=figures.FLOW,
    rows=lambda at: HotlineCall.objects.all(), when="at", area="area", order=193))


def _area_panel(request, area):
    """Links to the stations, counseling sessions and hotline calls of a street or community (or above)."""
    if area.level == AreaLevel.GRID or not policy.allows_in(request.user, VIEW_STATIONS, area):
        return None
    return {"area": area}


plugins.panels.register(plugins.Panel("stations_area", "area", "care/stations/panels/area_stations.html", _area_panel,
                                      order=60))
