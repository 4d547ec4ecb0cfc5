"""What scan storage adds: the daily tasks that create the scans' partitions ahead and purge old days (also
run after every `migrate`, so a scan today always has its partition), the checkpoint flow figures, and the
area page's panel of today's entrance checks."""

import datetime

from django.apps import apps
from django.db.models.signals import post_migrate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from frontline.areas import figures
from frontline.core import plugins, policy

from . import store_tasks  # noqa: F401  (registers the tasks with Celery in workers)
from .policy import VIEW_SCANS
from .scan_storage import PURGE_NOTE, scan_partitions_ensure
from .store_flow import checkpoint_flow_of_area, scan_rows, stop_rows

plugins.scheduled_tasks.register(plugins.ScheduledTask(
    "scan-partitions-ahead", "frontline.epidemic.store_tasks.scan_partitions_ensure_task", datetime.timedelta(days=1)))
plugins.scheduled_tasks.register(plugins.ScheduledTask(
    "scans-purge", "frontline.epidemic.store_tasks.scans_purge_task", datetime.timedelta(days=1)))
plugins.audit_notes.register(plugins.AuditNote(PURGE_NOTE, _("scans purged")))

SCANS = pgettext_lazy("figure unit", "scans")
# Scans are counted from their rows at every read, over a period: `day` bounds the partitions read.
figures.register(figures.Figure(
    "checkpoint_scans", _("Entrance checks"), SCANS, app="epidemic", kind=figures.FLOW, rows=scan_rows,
    when="scanned_at", day="day", area="site__area", site="site", order=120))
figures.register(figures.Figure(
    "checkpoint_stops", _("Entrance checks stopped"), SCANS, app="epidemic", kind=figures.FLOW,
    rows=stop_rows, when="scanned_at", day="day", area="site__area", site="site", order=121))


def _partitions_after_migrate(sender, using="default", **kwargs) -> None:
    """After `migrate` (the command line, `frontline demo`, `serve --migrate`, a test database): partitions
    for the kept days and the days ahead."""
    if using == "default":
        scan_partitions_ensure()


post_migrate.connect(_partitions_after_migrate, sender=apps.get_app_config("epidemic"),
                     dispatch_uid="epidemic:scan-partitions-after-migrate", weak=False)

PANEL_LEVELS = ("street", "community", "grid")


def _area_panel(request, area):
    """Today's in, out and stops at each checkpoint under a street, a community or a grid (above, the figures
    of the page count them)."""
    if area.level not in PANEL_LEVELS or not policy.allows_in(request.user, VIEW_SCANS, area):
        return None
    flows = checkpoint_flow_of_area(area, timezone.localdate())
    if not flows:
        return None
    return {"area": area, "flows": flows}


plugins.panels.register(plugins.Panel("checkpoint_flow", "area", "epidemic/store/panels/area_checkpoints.html",
                                      _area_panel, order=30))
