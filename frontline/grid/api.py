"""API: door to door for mobile clients: the running campaigns, their progress, the households still to
visit, the form for one household (residents and what is known of them), and recording the visit."""

import datetime
from typing import Any

from django.http import Http404
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from frontline.areas.api import HouseholdRef
from frontline.areas.selectors import household_get_for
from frontline.core import policy
from frontline.core.scoping import get_for
from frontline.people.api import PersonOut

from .models import ScreeningCampaign, VisitOutcome
from .selectors import (
    campaign_area,
    campaign_covers,
    campaign_progress,
    campaigns_active,
    household_residents_with_history,
    households_to_visit,
)
from .services import household_visit_record

router = Router(tags=["door to door"])


class CampaignOut(Schema):
    id: int
    name: str
    starts_on: datetime.date
    ends_on: datetime.date
    area_ids: list[int]

    @staticmethod
    def resolve_area_ids(obj):
        return [a.pk for a in obj.areas.all()]


class ProgressOut(Schema):
    households: int
    visited: int
    screened: int
    percent: int


class CampaignDetailOut(CampaignOut):
    form: list[dict[str, Any]]
    area_id: int
    progress: ProgressOut


class VisitResidentOut(Schema):
    person: PersonOut
    relation: str
    known: dict[str, Any]


class VisitFormOut(Schema):
    campaign_id: int
    household_id: int
    form: list[dict[str, Any]]
    residents: list[VisitResidentOut]


class VisitIn(Schema):
    outcome: VisitOutcome = VisitOutcome.VISITED
    note: str = ""
    answers: dict[int, dict[str, Any]] = {}


class VisitOut(Schema):
    id: int
    campaign_id: int
    household_id: int
    outcome: str
    visited_at: datetime.datetime
    screened: int


def _campaign(actor, campaign_id):
    return get_for(ScreeningCampaign.objects.prefetch_related("areas"), actor, campaign_id)


def _household_in(actor, campaign, household_id):
    household = household_get_for(actor, household_id)
    if not campaign_covers(campaign, household):
        raise Http404
    return household


@router.get("/campaigns", response=list[CampaignOut])
@paginate
@policy.api_requires(policy.VIEW)
def campaign_list(request, running: bool = False):
    """Campaigns running in the caller's area (or above it); `running=true` for today's only."""
    if running:
        return campaigns_active(actor=request.auth)
    return ScreeningCampaign.objects.visible_to(request.auth).prefetch_related("areas").order_by("-starts_on", "-id")


@router.get("/campaigns/{campaign_id}", response=CampaignDetailOut)
@policy.api_requires(policy.VIEW)
def campaign_detail(request, campaign_id: int, area: int | None = None):
    """A campaign with its form and its progress in `area` (default: the caller's own area)."""
    campaign = _campaign(request.auth, campaign_id)
    place = campaign_area(actor=request.auth, campaign=campaign, area_id=area)
    campaign.area_id, (campaign.progress, _by_child) = place.pk, campaign_progress(campaign=campaign, area=place)
    return campaign


@router.get("/campaigns/{campaign_id}/to-visit", response=list[HouseholdRef])
@paginate
@policy.api_requires("record_visit")
def campaign_to_visit(request, campaign_id: int, area: int | None = None):
    """The households in `area` (default: the caller's) not visited yet in this campaign, building by building."""
    campaign = _campaign(request.auth, campaign_id)
    place = campaign_area(actor=request.auth, campaign=campaign, area_id=area)
    return households_to_visit(actor=request.auth, campaign=campaign, area=place)


@router.get("/campaigns/{campaign_id}/households/{household_id}/visit", response=VisitFormOut)
@policy.api_requires("record_visit")
def visit_form(request, campaign_id: int, household_id: int):
    """What a visit asks: the campaign's questions and the current residents, with what is known of each
    (answers carried from their last screening, their special needs). Identifiers are masked."""
    campaign = _campaign(request.auth, campaign_id)
    household = _household_in(request.auth, campaign, household_id)
    residents, prefill = household_residents_with_history(household=household, campaign=campaign)
    return {"campaign_id": campaign.pk, "household_id": household.pk, "form": campaign.form,
            "residents": [{"person": r.person, "relation": r.relation, "known": prefill[r.person_id]} for r in residents]}


@router.post("/campaigns/{campaign_id}/households/{household_id}/visits", response={201: VisitOut})
@policy.api_requires("record_visit")
def visit_record(request, campaign_id: int, household_id: int, data: VisitIn):
    """Record a visit: `answers` by person id and question key, as the phone page takes them. Nothing is
    written unless every answer is right (422 lists each problem); "nobody_home" puts a revisit in the
    grid's inbox."""
    campaign = _campaign(request.auth, campaign_id)
    household = _household_in(request.auth, campaign, household_id)
    visit = household_visit_record(actor=request.auth, campaign=campaign, household=household, outcome=data.outcome,
                                   answers=data.answers, note=data.note)
    visit.screened = visit.screenings.count()
    return Status(201, visit)
