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


# --- duty around the clock (全天候在岗) --------------------------------------------------------------------
from .duty_services import CHECK_IN, MANAGE_DUTY, OWN_DUTY, duty_gap_counts, has_shifts  # noqa: E402


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


def _manages_duty_at(user, area) -> bool:
    """The policy's answer for `manage_duty` at the area, from the account's assignments (no query)."""
    return user.is_superuser or any(a.area_id and policy.scope_of(a.role, MANAGE_DUTY) == policy.AREA
                                    and area.path.startswith(a.area.path) for a in policy.assignments(user))


def _duty_panel(request, area):
    """The holes in today's rosters and the shifts nobody attends under a street, community or grid (two
    queries; above, only the way to the gap list, a page of its own)."""
    if not _manages_duty_at(request.user, area):
        return None
    if area.level in ("city", "district"):
        return {"area": area, "counted": False}
    holes, nobody = duty_gap_counts(actor=request.user, area=area)
    return {"area": area, "counted": True, "holes": holes, "nobody": nobody}


plugins.panels.register(plugins.Panel("duty", "area", "mobilization/panels/area_duty.html", _duty_panel))
