"""What mobilization adds to the platform: its actions and grants, navigation, figures and pages."""
import datetime

from django.utils.translation import gettext_lazy as _

from frontline.areas import figures
from frontline.core import plugins, policy
from frontline.core.roles import Role

from .cadre_import import CadreImporter
from .models import Team
from .selectors import chain_secretaries, deployments_on
from .services import DEPLOY_CADRES

policy.action(DEPLOY_CADRES, _("send cadres down, form their groups, end deployments"), "mobilization", 72)
policy.grant(DEPLOY_CADRES, policy.AREA, Role.COMMANDER, Role.STREET_OFFICER, Role.COMMUNITY_SECRETARY)


figures.register(figures.Figure(
    "cadres_deployed", _("Cadres sent down"), _("people"), app="mobilization", rows=deployments_on, area="area",
    watch=(("mobilization.Deployment", "area"),), order=35))
for kind, label in [("first_secretary", _("First secretaries in villages")),
                    ("work_team", _("Village work team members"))]:
    figures.register(figures.Figure(
        f"village_{kind}", label, _("people"), app="mobilization", area="area", order=37,
        rows=lambda at, kind=kind: deployments_on(at).filter(kind=kind), watch=(("mobilization.Deployment", "area"),)))
plugins.scheduled_tasks.register(plugins.ScheduledTask(
    "deployment-dates", "frontline.mobilization.tasks.mark_deployment_dates", datetime.timedelta(hours=1)))


def _area_panel(request, area):
    if area.level not in ("community", "street") or not policy.allows(request.user, DEPLOY_CADRES, area):
        return None
    return {"area": area}


plugins.panels.register(plugins.Panel("deployments", "area", "mobilization/panels/area_deployments.html", _area_panel))
plugins.importers.register(CadreImporter())
for kind, label in [("vanguard", _("Party vanguard teams")), ("commando", _("Party commando teams"))]:
    figures.register(figures.Figure(
        f"teams_{kind}", label, _("teams"), app="mobilization", area="area", order=36,
        rows=lambda at, kind=kind: figures.stock_rows_at(Team.objects.filter(kind=kind), at, "formed_on", "dissolved_on"),
        watch=(("mobilization.Team", "area"),)))
plugins.escalation_routes.register(plugins.EscalationRoute("five_level_chain", chain_secretaries))
plugins.panels.register(plugins.Panel("five_level_chain", "area", "mobilization/panels/area_chain.html",
                                      lambda request, area: {"area": area}))


# --- party-fee allocations (党费划拨) ---------------------------------------------------------------------
from .fund_services import ALLOCATE_FUNDS, APPROVE_FUNDS  # noqa: E402
from .funds import FundAllocation, FundStatus  # noqa: E402

policy.action(ALLOCATE_FUNDS, _("request party-fee allocations and record their payment"), "mobilization", 76)
policy.action(APPROVE_FUNDS, _("approve or refuse another's party-fee allocation"), "mobilization", 77)
policy.grant(ALLOCATE_FUNDS, policy.AREA, Role.COMMANDER)
policy.grant(APPROVE_FUNDS, policy.AREA, Role.COMMANDER)
plugins.navigation.register(plugins.NavEntry("funds", _("Party-fee allocations"), "fund_list", order=70,
                                             allowed=lambda user: policy.allows(user, ALLOCATE_FUNDS)))
figures.register(figures.Figure(
    "funds_allocated", _("Party-fee allocations paid"), _("allocations"), app="mobilization", kind=figures.FLOW,
    rows=lambda at: FundAllocation.objects.filter(status=FundStatus.PAID), when="paid_at", area="area", order=90))


# --- monthly stationing (家园驻守) -------------------------------------------------------------------------
# Least privilege: a cadre logs their own days only (the service takes the cadre from the account); the
# community secretary and the street officer confirm days of communities in their area; the compliance by home
# unit, its export and its work orders are the organization department's (commanders, by the units of their
# area). Street officers do not get the compliance: cadres belong to units of the city or a district, not to a
# street, and what a street needs (the days stationed in its communities) is on its confirmation page.
from .stationing import StationingDay, StationingStatus  # noqa: E402
from .stationing_services import CONFIRM_STATIONING, LOG_STATIONING, SHORTFALL_KIND, VIEW_STATIONING  # noqa: E402

policy.action(LOG_STATIONING, _("log one's own stationing days"), "mobilization", 78)
policy.action(CONFIRM_STATIONING, _("confirm or refuse cadres' stationing days in their communities"),
              "mobilization", 79)
policy.action(VIEW_STATIONING, _("see monthly stationing compliance by home unit, export it, send its work orders"),
              "mobilization", 80)
policy.grant(LOG_STATIONING, policy.AREA, Role.CADRE)
policy.grant(CONFIRM_STATIONING, policy.AREA, Role.COMMUNITY_SECRETARY, Role.STREET_OFFICER)
policy.grant(VIEW_STATIONING, policy.AREA, Role.COMMANDER)
plugins.work_order_kinds.register(plugins.WorkOrderKindSpec(
    SHORTFALL_KIND, _("Stationing under the monthly minimum"), "mobilization", due=datetime.timedelta(days=10),
    escalate_until="city", order=60))
plugins.scheduled_tasks.register(plugins.ScheduledTask(
    "stationing-shortfall", "frontline.mobilization.tasks.stationing_shortfall", datetime.timedelta(hours=6)))
plugins.navigation.register(plugins.NavEntry("stationing", _("Stationing"), "stationing", order=45,
                                             allowed=lambda user: policy.allows(user, LOG_STATIONING)))
plugins.navigation.register(plugins.NavEntry("stationing_compliance", _("Stationing compliance"),
                                             "stationing_compliance", order=72,
                                             allowed=lambda user: policy.allows(user, VIEW_STATIONING)))
plugins.panels.register(plugins.Panel(
    "stationing", "area", "mobilization/panels/area_stationing.html",
    lambda request, area: {"area": area} if area.level in ("community", "street")
    and policy.allows(request.user, CONFIRM_STATIONING, area) else None))
figures.register(figures.Figure(
    "stationing_days_confirmed", _("Stationing days confirmed"), _("days"), app="mobilization", kind=figures.FLOW,
    rows=lambda at: StationingDay.objects.filter(status=StationingStatus.CONFIRMED), when="decided_at", area="community",
    order=37))

# --- responsibility zones, pioneer posts, temporary party organizations (临时党支部) ---------------------------
from django.db.models.signals import post_save  # noqa: E402

from frontline.areas.models import Site  # noqa: E402
from frontline.people.models import PartyOrgKind  # noqa: E402

from .partyorg_services import FORM_TEMPORARY_ORGS, MANAGE_PARTY_POSTS, site_closed  # noqa: E402
from .partyorgs import PioneerPost, ResponsibilityZone, TemporaryOrg  # noqa: E402

# The desk of the place (the party organization over it): not grid workers, cadres or volunteers.
policy.action(MANAGE_PARTY_POSTS, _("set up party members' responsibility zones and pioneer posts"), "mobilization", 81)
policy.action(FORM_TEMPORARY_ORGS, _("set up temporary party organizations at sites and teams"), "mobilization", 82)
policy.grant(MANAGE_PARTY_POSTS, policy.AREA, Role.COMMANDER, Role.STREET_OFFICER, Role.COMMUNITY_SECRETARY)
policy.grant(FORM_TEMPORARY_ORGS, policy.AREA, Role.COMMANDER, Role.STREET_OFFICER, Role.COMMUNITY_SECRETARY)
for code, model, label, unit in [("responsibility_zones", ResponsibilityZone, _("Party members' responsibility zones"),
                                  _("zones")),
                                 ("pioneer_posts", PioneerPost, _("Party members' pioneer posts"), _("posts"))]:
    figures.register(figures.Figure(
        code, label, unit, app="mobilization", area="area", order=37,
        rows=lambda at, model=model: figures.stock_rows_at(model.objects.all(), at, "set_up_on", "ended_on"),
        watch=((f"mobilization.{model.__name__}", "area"),)))
for kind, label in [(PartyOrgKind.BRANCH, _("Temporary party branches")),
                    (PartyOrgKind.COMMITTEE, _("Temporary party committees")),
                    (PartyOrgKind.GROUP, _("Temporary party groups"))]:
    figures.register(figures.Figure(
        f"temporary_orgs_{kind}", label, _("organizations"), app="mobilization", area="area", order=38,
        rows=lambda at, kind=kind: figures.stock_rows_at(TemporaryOrg.objects.filter(kind=kind), at, "founded_on",
                                                         "dissolved_on"),
        watch=(("mobilization.TemporaryOrg", "area"),)))
plugins.scheduled_tasks.register(plugins.ScheduledTask(
    "temporary-orgs-dissolve", "frontline.mobilization.tasks.dissolve_temporary_orgs", datetime.timedelta(hours=1)))
post_save.connect(site_closed, sender=Site, dispatch_uid="mobilization:temporary-orgs-site-closed", weak=False)

# --- duty around the clock (全天候在岗) --------------------------------------------------------------------
from .duty_services import CHECK_IN, MANAGE_DUTY, OWN_DUTY, duty_gap_counts, duty_shift_rows, has_shifts  # noqa: E402


def _own_duty_q(model, actor, assignment):
    own = getattr(model, "scope_own_duty", None)
    return own(actor, assignment) if own else None


policy.scope_kind(OWN_DUTY, _("their own duty shifts"), _own_duty_q)
policy.action(MANAGE_DUTY, _("schedule duty shifts, see rosters, gaps and attendance"), "mobilization", 73)
policy.action(CHECK_IN, _("check in and out of their own duty shifts"), "mobilization", 74)
policy.grant(MANAGE_DUTY, policy.AREA, Role.COMMANDER, Role.STREET_OFFICER, Role.COMMUNITY_SECRETARY)
# Whoever holds a shift checks in to it, and only to their own (the shift's person is the account's person).
policy.grant(CHECK_IN, OWN_DUTY, Role.COMMANDER, Role.STREET_OFFICER, Role.COMMUNITY_SECRETARY, Role.GRID_WORKER,
             Role.CADRE, Role.VOLUNTEER)
plugins.navigation.register(plugins.NavEntry("my_duty", _("My duty"), "my_duty", order=15, allowed=has_shifts))


def _duty_panel(request, area):
    """The holes in today's rosters and the shifts nobody attends under a street, community or grid (two
    queries; above, only the way to the gap list, a page of its own)."""
    if not policy.allows_in(request.user, MANAGE_DUTY, area):
        return None
    if area.level in ("city", "district"):
        return {"area": area, "counted": False}
    holes, nobody = duty_gap_counts(actor=request.user, area=area)
    return {"area": area, "counted": True, "holes": holes, "nobody": nobody}


plugins.panels.register(plugins.Panel("duty", "area", "mobilization/panels/area_duty.html", _duty_panel))
plugins.staff_sources.register(plugins.StaffSource("duty_shifts", _("people on duty"), "site", duty_shift_rows,
                                                   order=20))


# What the audit page shows for the notes these services write on their entries (the codes stay as written).
for _code, _label in [
    ("duty shift scheduled", _("duty shift scheduled")), ("duty shift cancelled", _("duty shift cancelled")),
    ("checked in", _("checked in")), ("checked out", _("checked out")),
    ("stationing confirmed", _("stationing days confirmed")), ("stationing refused", _("stationing days refused")),
    ("fund allocation requested", _("party-fee allocation requested")),
    ("fund allocation approved", _("party-fee allocation approved")),
    ("fund allocation refused", _("party-fee allocation not approved")),
    ("fund allocation paid", _("party-fee allocation paid")),
]:
    plugins.audit_notes.register(plugins.AuditNote(_code, _label))

# --- the money paid out of party fees (for the work report: 划拨X万元) ------------------------------------------
from .report_figures import funds_paid_rows  # noqa: E402

figures.register(figures.Figure(
    "funds_paid_amount", _("Party fees paid out"), _("fen"), app="mobilization", kind=figures.FLOW,
    rows=funds_paid_rows, when="paid_at", area="area", total="amount_fen", order=91))
# The commanders' dashboards: sites and teams needing a temporary party organization (frontline.mobilization.alerts).
from .alerts import temporary_orgs_needed  # noqa: E402

plugins.alert_sources.register(plugins.AlertSource(
    "temporary_orgs", _("Sites and teams needing a temporary party organization"), "mobilization",
    temporary_orgs_needed, order=30))
