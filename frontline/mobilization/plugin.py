"""What mobilization adds to the platform: its actions and grants, navigation, figures and pages."""
import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontline.areas import figures
from frontline.core import plugins, policy
from frontline.core.roles import Role

from .cadre_import import CadreImporter
from .models import Deployment
from .services import DEPLOY_CADRES

policy.action(DEPLOY_CADRES, _("send cadres down, form their groups, end deployments"), "mobilization", 72)
policy.grant(DEPLOY_CADRES, policy.AREA, Role.COMMANDER, Role.STREET_OFFICER, Role.COMMUNITY_SECRETARY)


def _deployed(at):
    day = at or timezone.localdate()
    return Deployment.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day)


figures.register(figures.Figure(
    "cadres_deployed", _("Cadres sent down"), _("people"), app="mobilization", rows=_deployed, area="area",
    watch=(("mobilization.Deployment", "area"),), order=35))
plugins.scheduled_tasks.register(plugins.ScheduledTask(
    "deployment-dates", "frontline.mobilization.tasks.mark_deployment_dates", datetime.timedelta(hours=1)))


def _area_panel(request, area):
    if area.level not in ("community", "street") or not policy.allows(request.user, DEPLOY_CADRES, area):
        return None
    return {"area": area}


plugins.panels.register(plugins.Panel("deployments", "area", "mobilization/panels/area_deployments.html", _area_panel))
plugins.importers.register(CadreImporter())
