"""What loading results adds: the results importer, the re-sampling work orders of a positive pool's people,
the API router for laboratories' batches."""

from django.utils.translation import gettext_lazy as _

from frontline.core import plugins

from .results import RESAMPLE, RESAMPLE_DUE, RESULTS
from .results_api import router

plugins.importers.register(RESULTS)
plugins.work_order_kinds.register(plugins.WorkOrderKindSpec(
    RESAMPLE, _("Single-tube re-sampling at home"), "epidemic", due=RESAMPLE_DUE, escalate_until="street", order=70))
plugins.api_routers.register(plugins.ApiRouter("epidemic_results", router))
