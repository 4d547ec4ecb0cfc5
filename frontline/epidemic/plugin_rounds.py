"""What testing rounds add to the platform: the navigation entry 核酸检测, and on a household's page the way
to put a resident on a round's exemptions (sampled at home, away, other) for whoever runs the round."""

from django.utils.translation import gettext_lazy as _

from frontline.core import plugins, policy

from .models import RoundArea, RoundStatus, TestingRound
from .policy import HANDOVER_BAGS, LOAD_RESULTS, MANAGE_TESTING, REGISTER_SAMPLES, VIEW_TESTING


def _testing_allowed(user) -> bool:
    return any(policy.allows(user, code) for code in (VIEW_TESTING, REGISTER_SAMPLES, HANDOVER_BAGS, LOAD_RESULTS))


plugins.navigation.register(plugins.NavEntry("testing", _("Testing"), "testing_round_list", order=25,
                                             allowed=_testing_allowed))


def _household_rounds(request, household):
    """Rounds not closed that cover the household's grid and that the viewer runs, with its residents."""
    from .rounds import round_may_manage

    user = request.user
    if not policy.allows(user, MANAGE_TESTING):
        return None
    grid = household.building.area
    above = [grid.path[:i] for i in range(grid.steplen, len(grid.path) + 1, grid.steplen)]
    rounds = [r for r in TestingRound.objects.restrict(user, VIEW_TESTING).exclude(status=RoundStatus.CLOSED)
              .filter(pk__in=RoundArea.objects.filter(area__path__in=above).values("round_id"))
              .select_related("area").order_by("-starts_at")[:5] if round_may_manage(user, r)]
    if not rounds:
        return None
    residents = household.residents.filter(moved_out__isnull=True).select_related("person").order_by("id")
    return {"testing_rounds": rounds, "testing_residents": list(residents)}


plugins.panels.register(plugins.Panel("testing_round_exemptions", "household",
                                      "epidemic/rounds/panels/household_rounds.html", _household_rounds, order=60))
