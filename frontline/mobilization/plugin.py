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


# --- responsibility zones, pioneer posts, temporary party organizations (临时党支部) ---------------------------
from django.db.models.signals import post_save  # noqa: E402

from frontline.areas.models import Site  # noqa: E402
from frontline.people.models import PartyOrgKind  # noqa: E402

from .partyorg_services import FORM_TEMPORARY_ORGS, MANAGE_PARTY_POSTS, site_closed  # noqa: E402
from .partyorgs import PioneerPost, ResponsibilityZone, TemporaryOrg  # noqa: E402

# The desk of the place (the party organization over it): not grid workers, cadres or volunteers.
policy.action(MANAGE_PARTY_POSTS, _("set up party members' responsibility zones and pioneer posts"), "mobilization", 73)
policy.action(FORM_TEMPORARY_ORGS, _("set up temporary party organizations at sites and teams"), "mobilization", 74)
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
