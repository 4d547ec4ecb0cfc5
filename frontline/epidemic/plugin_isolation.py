"""What control measures add: the navigation entry 隔离管控, the `measure_release` work-order kind and the daily
task that proposes the releases due, the figures (measures in force by kind and area; isolation beds and free
beds by the site's area), and the words for their audit notes."""

import datetime

from django.db.models import ExpressionWrapper, F, IntegerField
from django.utils.translation import gettext_lazy as _

from frontline.areas import figures
from frontline.areas.models import SiteKind
from frontline.core import plugins, policy

from .isolation import MEASURE_RELEASE, _occupied, in_force
from .models import IsolationRoom, MeasureKind
from .policy import RECORD_HEALTH, VIEW_CASES

plugins.navigation.register(plugins.NavEntry(
    "measures", _("Measures"), "measure_home", order=27,
    allowed=lambda user: policy.allows(user, VIEW_CASES)))
plugins.navigation.register(plugins.NavEntry(
    "health_today", _("Health records"), "health_today", order=28,
    allowed=lambda user: policy.allows(user, RECORD_HEALTH) and not policy.allows(user, VIEW_CASES)))
plugins.work_order_kinds.register(plugins.WorkOrderKindSpec(
    MEASURE_RELEASE, _("Confirm a release from a control measure"), "epidemic", due=datetime.timedelta(hours=12),
    escalate_until="street", order=75, page="measure_release_order"))
plugins.scheduled_tasks.register(plugins.ScheduledTask(
    "propose-measure-releases", "frontline.epidemic.isolation.propose_measure_releases", datetime.timedelta(days=1)))


def _end_of(at: datetime.date | None):
    if at is None:
        return None
    return figures.Period(at, at).bounds()[1]


def _measures(kind: str):
    return lambda at: in_force(_end_of(at)).filter(kind=kind)


for order, kind, label in [(120, MeasureKind.CENTRALIZED, _("In centralized isolation")),
                           (121, MeasureKind.HOME_ISOLATION, _("In home isolation")),
                           (122, MeasureKind.HOME_MONITORING, _("Under home health monitoring"))]:
    # In force at the end of the day (now for today): they move with releases, which are writes, but the
    # bulk paths of measures.py write without signals, so they are counted at every read (a few thousand rows).
    figures.register(figures.Figure(f"measures_{kind}", label, _("people"), app="epidemic", rows=_measures(kind),
                                    area="area", kept=False, order=order))


def _beds(at):
    return IsolationRoom.objects.filter(site__kind=SiteKind.ISOLATION, out_of_service=False)


def _beds_free(at):
    return _beds(at).annotate(free=ExpressionWrapper(F("beds") - _occupied(), output_field=IntegerField()))


figures.register(figures.Figure("isolation_beds", _("Isolation beds in service"), _("beds"), app="epidemic",
                                rows=_beds, area="site__area", site="site", total="beds", kept=False,
                                history=False, order=125))
figures.register(figures.Figure("isolation_beds_free", _("Isolation beds free"), _("beds"), app="epidemic",
                                rows=_beds_free, area="site__area", site="site", total="free", kept=False,
                                history=False, order=126))

for code in ("isolation rooms added", "isolation room changed", "isolated in a room", "health recorded",
             "released after negative tests", "measures listed", "isolation site viewed"):
    plugins.audit_notes.register(plugins.AuditNote(code, _(code)))
