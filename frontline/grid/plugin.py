"""What the community grid adds to the platform (the example for a new app): its work-order kinds, the
door-to-door and publicity pages in the navigation, its API router, the roster importer, its figures
(contact coverage, special needs, visits, screenings, messages passed on) and its panels on the area
and household pages."""

import datetime

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from frontline.areas import figures
from frontline.areas.marks import HouseholdMark, household_marks
from frontline.core import plugins, policy
from frontline.core.roles import Role
from frontline.notices.models import NoticeDelivery
from frontline.people.models import Resident

from .api import router
from .exports import roster_full_download
from .models import (
    REVISIT,
    SPECIAL_NEED_FOLLOWUP,
    TRANSFER_REQUEST,
    ContactHousehold,
    HouseholdVisit,
    ResidentScreening,
    SpecialNeed,
    VisitOutcome,
)
from .roster import RosterImporter
from .selectors import campaign_progress, campaigns_active, household_campaigns

MANAGE_GRID = policy.action("manage_grid", _("manage the grid: roles, contact households, campaigns, messages"), "grid", 65)
RECORD_VISIT = policy.action("record_visit", _("record door-to-door visits"), "grid", 66)
DELIVER_MESSAGE = policy.action("deliver_message", _("mark a message passed on in a grid"), "grid", 67)
policy.grant(MANAGE_GRID, policy.AREA, *policy.DESK)
policy.grant(RECORD_VISIT, policy.AREA, *policy.DESK, Role.GRID_WORKER, Role.CADRE)
policy.grant(DELIVER_MESSAGE, policy.AREA, Role.COMMUNITY_SECRETARY, Role.GRID_WORKER)

plugins.work_order_kinds.register(plugins.WorkOrderKindSpec(
    REVISIT, _("Revisit a household"), app="grid", due=datetime.timedelta(days=1), escalate_until="street"))
plugins.work_order_kinds.register(plugins.WorkOrderKindSpec(
    SPECIAL_NEED_FOLLOWUP, _("Special-need follow-up"), app="grid", due=datetime.timedelta(days=1),
    escalate_until="district"))
plugins.work_order_kinds.register(plugins.WorkOrderKindSpec(  # a roster row naming a person registered here
    TRANSFER_REQUEST, _("Transfer request"), app="grid", due=datetime.timedelta(days=3), escalate_until="district",
    page="transfer_detail"))
plugins.navigation.register(plugins.NavEntry("campaigns", _("Door to door"), "campaign_list", order=30,
                                             allowed=lambda user: policy.allows(user, RECORD_VISIT)
                                             or policy.allows(user, MANAGE_GRID)))
plugins.navigation.register(plugins.NavEntry("messages", _("Publicity"), "grid_message_list", order=60,
                                             allowed=lambda user: policy.allows(user, policy.VIEW)))
plugins.navigation.register(plugins.NavEntry("transfers", _("Transfer requests"), "transfer_list", order=70,
                                             allowed=lambda user: policy.allows(user, policy.IMPORT)))
plugins.api_routers.register(plugins.ApiRouter("grid", router))
plugins.importers.register(RosterImporter())
plugins.export_kinds.register(plugins.ExportKind("roster", _("Roster with full identifiers"), roster_full_download))


def _contacted(at):
    return figures.stock_rows_at(ContactHousehold.objects.all(), at, "started_on", "ended_on")


def _special_needs(at):
    """Residents living here with at least one special need (each counted once)."""
    needs = figures.stock_rows_at(SpecialNeed.objects.filter(person=OuterRef("person")), at, "recorded_on", "resolved_on")
    return figures.stock_rows_at(Resident.objects.all(), at, "moved_in", "moved_out").filter(Exists(needs))


figures.register(figures.Figure(
    "contacted_households", _("Households with a contact party member"), _("households"), app="grid", rows=_contacted,
    area="household__building__area", building="household__building",
    watch=(("grid.ContactHousehold", "household__building__area"),), order=40))
figures.register(figures.Figure(
    "special_need_residents", _("Residents with special needs"), _("people"), app="grid", rows=_special_needs,
    area="household__building__area", building="household__building",
    watch=(("people.Resident", "household__building__area"),
           ("grid.SpecialNeed", "person__residences__household__building__area")), order=50))
figures.register(figures.Figure(
    "households_visited", _("Door-to-door visits"), _("households"), app="grid", kind=figures.FLOW,
    rows=lambda at: HouseholdVisit.objects.filter(outcome=VisitOutcome.VISITED), when="visited_at",
    area="household__building__area", building="household__building", order=60))
figures.register(figures.Figure(
    "residents_screened", _("Residents screened"), _("people"), app="grid", kind=figures.FLOW,
    rows=lambda at: ResidentScreening.objects.filter(visit__outcome=VisitOutcome.VISITED), when="visit__visited_at",
    area="visit__household__building__area", building="visit__household__building", order=70))
figures.register(figures.Figure(
    "messages_delivered", _("Messages passed on by grids"), _("times"), app="grid", kind=figures.FLOW,
    rows=lambda at: NoticeDelivery.objects.all(), when="delivered_at", area="grid", order=80))


def _area_campaigns(request, area):
    campaigns = [(c, campaign_progress(campaign=c, area=area)[0]) for c in campaigns_active(actor=request.user)]
    return {"campaigns": campaigns} if campaigns else None


def _household_campaigns(request, household):
    campaigns = household_campaigns(actor=request.user, household=household)
    return {"campaigns": campaigns} if campaigns else None


plugins.panels.register(plugins.Panel("grid_campaigns", "area", "grid/panels/area_campaigns.html", _area_campaigns))
plugins.panels.register(plugins.Panel("grid_full_export", "area", "grid/panels/area_full_export.html",
                                      lambda request, area: {} if policy.allows(request.user, policy.EXPORT_FULL, area)
                                      else None, order=10))
plugins.panels.register(plugins.Panel("grid_household_campaigns", "household", "grid/panels/household_campaigns.html",
                                      _household_campaigns))


def _households_with_special_needs(household_ids: list[int]) -> set[int]:
    return set(Resident.objects.filter(household_id__in=household_ids, moved_out__isnull=True,
                                       person__special_needs__resolved_on__isnull=True,
                                       person__special_needs__isnull=False)
               .values_list("household_id", flat=True).distinct())


household_marks.register(HouseholdMark("special_needs", _("a resident with special needs"),
                                       _households_with_special_needs, order=20))


# --- grids whose branch passed messages on (for the work report: X个小区党支部宣讲) -------------------------------
from django.db.models import Q  # noqa: E402


def _first_delivery_of_each_grid(rows, start=None, end=None):
    """One delivery per grid (its first by id) among those in the period (all time without one): counting them
    counts the grids."""
    when = Q(delivered_at__gte=start, delivered_at__lt=end) if start is not None else Q()
    earlier = NoticeDelivery.objects.filter(when, grid=OuterRef("grid"), pk__lt=OuterRef("pk"))
    return NoticeDelivery.objects.filter(when).filter(~Exists(earlier))


figures.register(figures.Figure(
    "grids_messaging", _("Grids whose branch passed messages on"), _("grid branches"), app="grid", kind=figures.FLOW,
    rows=lambda at: _first_delivery_of_each_grid(None), when="delivered_at", area="grid", order=81,
    in_period=_first_delivery_of_each_grid))
