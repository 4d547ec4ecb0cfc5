"""Door to door: campaigns, their progress, the households still to visit, and the visit form on a phone."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontline.areas.models import Area
from frontline.areas.selectors import area_breadcrumb, area_get_for, household_get_for
from frontline.core import policy
from frontline.core.roles import Role, can_manage_grid
from frontline.core.scoping import get_for
from frontline.core.services import work_orders_create_bulk

from .forms import CampaignForm
from .models import REVISIT, ScreeningCampaign, VisitOutcome
from .selectors import (
    campaign_area,
    campaign_covers,
    campaign_progress,
    household_residents_with_history,
    households_to_visit,
    special_needs_priority,
)
from .services import household_visit_record, screening_campaign_create


def _campaign_for(request, pk) -> ScreeningCampaign:
    return get_for(ScreeningCampaign.objects.prefetch_related("areas"), request.user, pk)


def _area_for(request, campaign) -> Area:
    return campaign_area(actor=request.user, campaign=campaign, area_id=request.GET.get("area"))


@policy.requires(policy.VIEW)
def campaign_list(request):
    campaigns = ScreeningCampaign.objects.visible_to(request.user).prefetch_related("areas").order_by("-starts_on", "-id")
    return render(request, "grid/campaign_list.html", {"campaigns": campaigns, "can_manage": can_manage_grid(request.user),
                                                       "today": timezone.localdate(), "active": "campaigns"})


@policy.requires("manage_grid")
def campaign_create(request):
    if not can_manage_grid(request.user):
        raise PermissionDenied
    form = CampaignForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = screening_campaign_create(actor=request.user, name=data["name"], areas=list(data["areas"]),
                                                 starts_on=data["starts_on"], ends_on=data["ends_on"], form=data["form"])
        except ValidationError as e:
            form.add_error(None, e)
        else:
            return redirect("campaign_detail", pk=campaign.pk)
    return render(request, "grid/campaign_form.html", {"form": form}, status=400 if form.errors else 200)


@policy.requires(policy.VIEW)
def campaign_detail(request, pk):
    campaign = _campaign_for(request, pk)
    area = _area_for(request, campaign)
    total, by_child = campaign_progress(campaign=campaign, area=area)
    if area.level == "grid":
        children = [(b, by_child.get(b.pk)) for b in area.buildings.order_by("name")]
    else:
        children = [(c, by_child.get(c.path)) for c in Area.objects.get_children(area).visible_to(request.user)]
    return render(request, "grid/campaign_detail.html", {
        "campaign": campaign, "area": area, "total": total, "children": [(c, p) for c, p in children if p],
        "breadcrumb": area_breadcrumb(actor=request.user, area=area), "can_manage": can_manage_grid(request.user),
        "may_visit": policy.allows(request.user, "record_visit")})  # an inspector sees progress, no households


@policy.requires("record_visit")
def campaign_todo(request, pk):
    """The households still to visit, for a grid worker on a phone."""
    campaign = _campaign_for(request, pk)
    area = _area_for(request, campaign)
    households = list(households_to_visit(actor=request.user, campaign=campaign, area=area)[:500])
    return render(request, "grid/campaign_todo.html", {"campaign": campaign, "area": area, "households": households,
                                                       "breadcrumb": area_breadcrumb(actor=request.user, area=area)})


@policy.requires("manage_grid")
@require_POST
def campaign_revisit_orders(request, pk):
    """"Visit every household not yet visited": one revisit work order each, for the grid workers."""
    campaign = _campaign_for(request, pk)
    if not can_manage_grid(request.user):
        raise PermissionDenied
    area = _area_for(request, campaign)
    households = households_to_visit(actor=request.user, campaign=campaign, area=area)
    items = [(h, h.building.area, _("Visit %(household)s (%(campaign)s)") % {"household": h, "campaign": campaign})
             for h in households]
    due = timezone.make_aware(timezone.datetime.combine(campaign.ends_on, timezone.datetime.max.time()))
    created = work_orders_create_bulk(actor=request.user, kind=REVISIT, items=items,
                                      assignee_role=Role.GRID_WORKER, due_at=due)
    messages.success(request, _("%(n)d work orders created; households that already had one were skipped.")
                     % {"n": len(created)})
    return redirect(f"{reverse('campaign_detail', args=[campaign.pk])}?area={area.pk}")


@policy.requires("record_visit")
def visit_form(request, pk, household_pk):
    campaign = _campaign_for(request, pk)
    household = household_get_for(request.user, household_pk)
    if not campaign_covers(campaign, household):
        raise Http404
    residents, prefill = household_residents_with_history(household=household, campaign=campaign)
    errors = []
    if request.method == "POST":
        outcome = request.POST.get("outcome", VisitOutcome.VISITED)
        answers = {}
        if outcome == VisitOutcome.VISITED:
            for r in residents:
                answers[r.person_id] = {q["key"]: (request.POST.getlist(f"r{r.person_id}-{q['key']}")
                                                   if q["type"] in ("multi", "special_needs")
                                                   else request.POST.get(f"r{r.person_id}-{q['key']}", ""))
                                        for q in campaign.form}
                prefill[r.person_id] = answers[r.person_id]
        try:
            household_visit_record(actor=request.user, campaign=campaign, household=household, outcome=outcome,
                                   answers=answers, note=request.POST.get("note", ""))
        except ValidationError as e:
            errors = e.messages
        else:
            messages.success(request, _("Visit to %(household)s saved.") % {"household": household}
                             if outcome == VisitOutcome.VISITED else
                             _("Nobody home at %(household)s: a revisit is in the grid's inbox.") % {"household": household})
            return redirect(f"{reverse('campaign_todo', args=[campaign.pk])}?area={household.building.area_id}")
    rows = [(r, prefill.get(r.person_id, {}), f"r{r.person_id}-") for r in residents]
    return render(request, "grid/visit_form.html", {
        "campaign": campaign, "household": household, "rows": rows, "errors": errors,
        "breadcrumb": area_breadcrumb(actor=request.user, area=household.building.area)},
        status=400 if errors else 200)


@policy.requires(policy.VIEW_PEOPLE)
def special_needs(request, pk):
    area = area_get_for(request.user, pk)
    needs = list(special_needs_priority(actor=request.user, area=area)[:1000])
    return render(request, "grid/special_needs.html", {"area": area, "needs": needs,
                                                       "breadcrumb": area_breadcrumb(actor=request.user, area=area)})
