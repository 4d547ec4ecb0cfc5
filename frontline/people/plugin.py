"""What people add to the platform: person search and the persons API."""

from django.utils.translation import gettext_lazy as _

from frontline.areas import figures
from frontline.core import plugins, policy

from .api import router
from .models import PartyMember, Resident

plugins.navigation.register(plugins.NavEntry("search", _("Search"), "person_search", order=40,
                                             allowed=lambda user: policy.allows(user, policy.SEARCH_PEOPLE)))
plugins.api_routers.register(plugins.ApiRouter("people", router))


def _residents(at):
    return figures.stock_rows_at(Resident.objects.all(), at, "moved_in", "moved_out")


def _party_members(at):
    return figures.stock_rows_at(PartyMember.objects.all(), at, "joined_on", "left_on", start_may_be_null=True)


figures.register(figures.Figure(
    "residents", _("Residents"), _("people"), app="people", rows=_residents, area="household__building__area",
    building="household__building", watch=(("people.Resident", "household__building__area"),), order=20))
figures.register(figures.Figure(
    "party_members", _("Party members"), _("people"), app="people", rows=_party_members, area="org__area",
    watch=(("people.PartyMember", "org__area"),), order=30))


# --- party organizations under an area (for the work report: 动员X万个基层党组织) -----------------------------
from .models import PartyOrg  # noqa: E402


def _party_orgs(at):
    """Standing party organizations anchored to an area (temporary ones are counted by mobilization)."""
    return figures.stock_rows_at(PartyOrg.objects.filter(temporary=False, area__isnull=False), at, "founded_on",
                                 "dissolved_on", start_may_be_null=True)


figures.register(figures.Figure(
    "party_orgs", _("Party organizations"), _("organizations"), app="people", rows=_party_orgs, area="area",
    watch=(("people.PartyOrg", "area"),), order=25))
