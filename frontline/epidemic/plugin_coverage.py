"""What coverage adds: the door-knocking work-order kind, the figures (samples collected; the target and the
tested of the round in force), the area page's panel, and the words for its audit notes."""

import datetime

from django.utils.translation import gettext_lazy as _

from frontline.areas import figures
from frontline.core import plugins, policy

from . import coverage, registration
from .coverage import UNTESTED, coverage_in_force, rounds_in_force, target_rows, tested_rows
from .models import Sample
from .policy import VIEW_TESTING

plugins.work_order_kinds.register(plugins.WorkOrderKindSpec(
    UNTESTED, _("Door-knock an untested resident"), app="epidemic", due=datetime.timedelta(hours=4),
    escalate_until="street", order=70))

figures.register(figures.Figure(
    "samples_collected", _("Samples collected"), _("samples"), app="epidemic", kind=figures.FLOW,
    rows=lambda at: Sample.objects.all(), when="collected_at", area="grid", site="site", order=110))
# The round in force moves with the clock (a round starts, a round ends) as well as with writes: these two are
# counted from the rows at every read (kept=False), as of a date from the residents' history and the samples'
# times.
figures.register(figures.Figure(
    "testing_target", _("Testing target (round in force)"), _("people"), app="epidemic", rows=target_rows,
    area="household__building__area", building="household__building", kept=False, order=111))
figures.register(figures.Figure(
    "testing_tested", _("Tested (round in force)"), _("people"), app="epidemic", rows=tested_rows,
    area="household__building__area", building="household__building", kept=False, order=112))


def _area_panel(request, area):
    """The round in force's tested of target here (the figures' numbers), and the way to its coverage. Above a
    street only the way: the page's figures already count the city or district (seconds at a million
    residents), and counting them twice would double that."""
    if not policy.allows_in(request.user, VIEW_TESTING, area):
        return None
    if area.level in ("city", "district"):
        current = next(((r, name) for r, path, name in rounds_in_force(None)
                        if area.path.startswith(path) or path.startswith(area.path)), None)
        return {"area": area, "round_id": current[0], "round_name": current[1], "counted": False} if current else None
    current, coverage = coverage_in_force(area)
    if current is None:
        return None
    return {"area": area, "round_id": current[0], "round_name": current[1], "coverage": coverage, "counted": True}


plugins.panels.register(plugins.Panel("testing_coverage", "area", "epidemic/coverage/panels/area_coverage.html",
                                      _area_panel, order=20))
plugins.audit_notes.register(plugins.AuditNote("untested residents listed", _("untested residents listed")))
plugins.audit_notes.register(plugins.AuditNote("closed by sampling", _("closed by sampling")))

# Sampling a resident closes their door-knocking order of that round.
registration.after_register.append(coverage.samples_registered)
