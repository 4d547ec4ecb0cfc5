"""What entrance checks add: the stop alert's work-order kind, the scanners' and kiosks' API, and the
checkpoint scope on sites (so `policy.allows(actor, RECORD_SCANS, site)` answers for a checkpoint's staff)."""

from django.utils.translation import gettext_lazy as _

from frontline.areas.models import Site
from frontline.core import plugins

from .models import _checkpoint_site_q
from .scans import CHECKPOINT_STOP, CHECKPOINT_STOP_DUE
from .scans_api import router

if not hasattr(Site, "scope_checkpoint_site"):  # the site of a checkpoint staff's duty, read from CheckpointPost
    Site.scope_checkpoint_site = classmethod(lambda cls, actor, assignment: _checkpoint_site_q(assignment, "pk"))

plugins.work_order_kinds.register(plugins.WorkOrderKindSpec(
    CHECKPOINT_STOP, _("Stopped at a checkpoint"), "epidemic", due=CHECKPOINT_STOP_DUE, escalate_until="street",
    order=75))
plugins.api_routers.register(plugins.ApiRouter("epidemic_scans", router))
