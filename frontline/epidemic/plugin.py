"""What mass testing adds to the platform: its roles' grants, the machine purposes for terminals and
laboratories, and (from the modules named at the end) its pages, API, figures and work-order kinds."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from frontline.areas.marks import HouseholdMark, household_marks
from frontline.core import plugins, policy
from frontline.core.roles import Role

from .models import RoundStaff
from .policy import (
    CHECKPOINT_SITE,
    CHECKPOINT_STAFF,
    COLLECTOR,
    CONFIRM_STEP_DOWN,
    EPIDEMIOLOGIST,
    HANDOVER_BAGS,
    LAB_STAFF,
    LOAD_RESULTS,
    MANAGE_CASES,
    MANAGE_CHECKPOINTS,
    MANAGE_MEASURES,
    MANAGE_TESTING,
    MANAGE_ZONES,
    OWN_LAB,
    RECORD_HEALTH,
    RECORD_SCANS,
    REGISTER_SAMPLES,
    ROUND_SITE,
    TRANSPORTER,
    VIEW_CASES,
    VIEW_SCANS,
    VIEW_TESTING,
    VIEW_ZONES,
)
from .sealed import sealed_households


def _model_scope(method: str):
    def q(model, actor, assignment):
        own = getattr(model, method, None)
        return own(actor, assignment) if own else None

    return q


policy.scope_kind(ROUND_SITE, _("the testing site of their staffing, during the round"), _model_scope("scope_round_site"))
policy.scope_kind(OWN_LAB, _("their laboratory's tubes"), _model_scope("scope_own_lab"))

DESK = policy.DESK
policy.grant(VIEW_TESTING, policy.AREA, *DESK, Role.GRID_WORKER, Role.CADRE, Role.INSPECTOR, TRANSPORTER)
policy.grant(VIEW_TESTING, ROUND_SITE, COLLECTOR)
policy.grant(VIEW_TESTING, OWN_LAB, LAB_STAFF)
policy.grant(MANAGE_TESTING, policy.AREA, *DESK)
# Grid workers sample at home (door to door) in their grids; collectors at the site of their staffing.
policy.grant(REGISTER_SAMPLES, policy.AREA, *DESK, Role.GRID_WORKER)
policy.grant(REGISTER_SAMPLES, ROUND_SITE, COLLECTOR)
policy.grant(HANDOVER_BAGS, policy.AREA, *DESK, TRANSPORTER)
policy.grant(HANDOVER_BAGS, ROUND_SITE, COLLECTOR)
policy.grant(HANDOVER_BAGS, OWN_LAB, LAB_STAFF)
policy.grant(LOAD_RESULTS, policy.AREA, *DESK)
policy.grant(LOAD_RESULTS, OWN_LAB, LAB_STAFF)

policy.scope_kind(CHECKPOINT_SITE, _("the checkpoint of their duty"), _model_scope("scope_checkpoint_site"))
# Entrance checks: staff record at the checkpoint of their duty; desks post them and see the flows and who
# was stopped in their area; grid workers see the stops of their grids' people through their inbox alerts.
policy.grant(VIEW_SCANS, policy.AREA, *DESK)
policy.grant(VIEW_SCANS, CHECKPOINT_SITE, CHECKPOINT_STAFF)
policy.grant(RECORD_SCANS, policy.AREA, *DESK)
policy.grant(RECORD_SCANS, CHECKPOINT_SITE, CHECKPOINT_STAFF)
policy.grant(MANAGE_CHECKPOINTS, policy.AREA, *DESK)
# Control zones: everyone who works an area sees its zones (deliveries and gates depend on them); a commander
# or street officer declares them, a commander confirms a step-down.
policy.grant(VIEW_ZONES, policy.AREA, *DESK, Role.GRID_WORKER, Role.CADRE, Role.INSPECTOR, EPIDEMIOLOGIST)
policy.grant(MANAGE_ZONES, policy.AREA, Role.COMMANDER, Role.STREET_OFFICER)
policy.grant(CONFIRM_STEP_DOWN, policy.AREA, Role.COMMANDER)
# Cases and contacts: the epidemiological teams and the desks; grid workers act on their contacts through
# work orders and keep the daily health records of their grids' people under a measure.
policy.grant(VIEW_CASES, policy.AREA, *DESK, EPIDEMIOLOGIST)
policy.grant(MANAGE_CASES, policy.AREA, Role.COMMANDER, EPIDEMIOLOGIST)
policy.grant(MANAGE_MEASURES, policy.AREA, *DESK, EPIDEMIOLOGIST)
policy.grant(RECORD_HEALTH, policy.AREA, *DESK, EPIDEMIOLOGIST, Role.GRID_WORKER)

policy.purpose("scans:write", _("record entrance checks (scanners and kiosks)"), RECORD_SCANS)
policy.purpose("samples:write", _("register samples (sampling terminals)"), REGISTER_SAMPLES)
policy.purpose("results:write", _("load laboratory results"), LOAD_RESULTS)



def collector_rows(area, starts_on, ends_on):
    """The collectors staffed at testing sites under the area during the days (a staff source: who works at a
    site, for its temporary party organization)."""
    return RoundStaff.objects.filter(site__isnull=False, person__isnull=False, site__area__path__startswith=area.path,
                                     assignment__valid_from__lte=ends_on).filter(
        Q(assignment__valid_until__isnull=True) | Q(assignment__valid_until__gte=starts_on))


plugins.staff_sources.register(plugins.StaffSource("round_collectors", _("collectors at testing sites"), "site",
                                                   collector_rows, order=30))

# Each part of the app declares its own pages, API, figures and work-order kinds.
from . import plugin_parts  # noqa: E402, F401


def _households_in_sealed_zones(household_ids: list[int]) -> set[int]:
    return set(sealed_households().filter(pk__in=household_ids).values_list("pk", flat=True))


household_marks.register(HouseholdMark("sealed_zone", _("in a sealed zone"), _households_in_sealed_zones, order=10))

# The commanders' dashboards: zones due to step down, positive pools awaiting re-test (frontline.epidemic.alerts).
from .alerts import pools_awaiting_retest, zones_due_to_step_down  # noqa: E402

plugins.alert_sources.register(plugins.AlertSource(
    "zones_step_down", _("Control zones due to step down"), "epidemic", zones_due_to_step_down, order=20))
plugins.alert_sources.register(plugins.AlertSource(
    "pools_retest", _("Positive pools awaiting single-tube re-test"), "epidemic", pools_awaiting_retest, order=15))
