"""What loading results adds: the results importer, the re-sampling work orders of a positive pool's people,
the API router for laboratories' batches."""

from django.utils.translation import gettext_lazy as _

from frontline.core import plugins

from . import registration
from .models import SampleKind
from .results import RESAMPLE, RESAMPLE_DUE, RESULTS, retests_close_for
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


def _retests_sampled(actor, testing_round, rows, now) -> None:
    """A positive pool's person sampled again in a single tube: their re-test and its work order are done."""
    people = [person for _sample, person, kind, _grid in rows if kind == SampleKind.RETEST]
    if people:
        retests_close_for(round_id=testing_round.pk, person_ids=people, actor=actor, now=now)


registration.after_register.append(_retests_sampled)
