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


def _area_retests(request, area):
    """On an area page: its people still waiting for a single-tube re-test, by round (masked names on a grid's
    page), for those who may see people there."""
    from frontline.core import policy

    from .results import retests_pending

    if not policy.allows_in(request.user, "view_people", area):
        return None
    return retests_pending(request.user, area)


plugins.panels.register(plugins.Panel("testing_retests", "area", "epidemic/results/panels/area_retests.html",
                                      _area_retests, order=15))
