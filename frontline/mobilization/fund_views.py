"""Pages for party-fee allocations: the list with totals by purpose and the request form, one allocation with
its approve / refuse / paid actions. The rules are the services' (`fund_services.py`)."""

from django import forms
from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from frontline.areas.models import Area, AreaLevel
from frontline.core import policy
from frontline.core.formfields import ModelMultipleChoiceField
from frontline.people.models import PartyOrg

from .fund_services import (
    ALLOCATE_FUNDS,
    APPROVE_FUNDS,
    clean_amount,
    fund_allocation_approve,
    fund_allocation_create,
    fund_allocation_get_for,
    fund_allocation_pay,
    fund_allocation_refuse,
    fund_allocations,
    fund_totals,
)
from .funds import FundPurpose, FundStatus


class FundAllocationForm(forms.Form):
    """Recipients are party organizations chosen from those in the actor's scope: the purposes pay through
    organizations (a branch passes condolences on to its medical workers and cadres), and a select needs no
    search page. People as recipients are taken by the service (and the API, later)."""

    purpose = forms.ChoiceField(label=gettext_lazy("Purpose"), choices=FundPurpose.choices)
    amount = forms.CharField(label=gettext_lazy("Amount (yuan)"), max_length=20,
                             widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    source = forms.CharField(label=gettext_lazy("Source of the funds"), max_length=150,
                             initial=gettext_lazy("Party fees managed for the city committee"))
    area = forms.ModelChoiceField(label=gettext_lazy("For the area"), queryset=None, error_messages={
        "invalid_choice": gettext_lazy("Choose an area within yours (a street or above a grid).")})
    party_orgs = ModelMultipleChoiceField(label=gettext_lazy("Recipient party organizations"), queryset=None,
                                          error_messages={"invalid_choice": gettext_lazy(
                                              "The party organization %(value)s is not one of your area.")})
    note = forms.CharField(label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = (Area.objects.restrict(actor, ALLOCATE_FUNDS)
                                        .exclude(level=AreaLevel.GRID).order_by("path"))
        self.fields["party_orgs"].queryset = (PartyOrg.objects.restrict(actor, ALLOCATE_FUNDS)
                                              .filter(dissolved_on__isnull=True).order_by("path"))
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-select" if isinstance(f.widget, forms.Select) else "form-control"

    def clean_amount(self):
        try:
            return clean_amount(self.cleaned_data["amount"])
        except ValidationError as e:
            raise ValidationError(e.message_dict["amount"]) from None


@policy.requires(ALLOCATE_FUNDS)
def fund_list(request):
    area = policy.home_area(request.user)
    if area is None:
        raise Http404
    return render(request, "mobilization/fund_list.html", {
        "area": area, "totals": fund_totals(actor=request.user, area=area),
        "items": fund_allocations(actor=request.user), "form": FundAllocationForm(actor=request.user)})


@policy.requires(ALLOCATE_FUNDS)
def fund_new(request):
    form = FundAllocationForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            allocation = fund_allocation_create(
                actor=request.user, purpose=data["purpose"], amount=data["amount"], source=data["source"],
                area=data["area"], recipients=[(org, None) for org in data["party_orgs"]], note=data["note"])
        except ValidationError as e:
            if hasattr(e, "error_dict"):
                for field, errors in e.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, e)
        else:
            flash.success(request, _("Allocation requested: another commander approves it."))
            return redirect("fund_detail", pk=allocation.pk)
    return render(request, "mobilization/fund_form.html", {"form": form}, status=400 if form.errors else 200)


@policy.requires(ALLOCATE_FUNDS)
def fund_detail(request, pk):
    allocation = fund_allocation_get_for(request.user, pk)
    requested = allocation.status == FundStatus.REQUESTED
    return render(request, "mobilization/fund_detail.html", {
        "allocation": allocation,
        "recipients": allocation.recipients.select_related("person", "party_org"),
        "can_decide": requested and allocation.created_by_id != request.user.pk
        and policy.allows(request.user, APPROVE_FUNDS, allocation),
        "own": requested and allocation.created_by_id == request.user.pk,
        "can_pay": allocation.status == FundStatus.APPROVED and policy.allows(request.user, ALLOCATE_FUNDS, allocation)})


@policy.requires(ALLOCATE_FUNDS)
@require_POST
def fund_act(request, pk, action):
    allocation = fund_allocation_get_for(request.user, pk)
    try:
        if action == "approve":
            fund_allocation_approve(actor=request.user, allocation=allocation)
            flash.success(request, _("Allocation approved."))
        elif action == "refuse":
            fund_allocation_refuse(actor=request.user, allocation=allocation, reason=request.POST.get("reason", ""))
            flash.success(request, _("Allocation refused."))
        elif action == "pay":
            fund_allocation_pay(actor=request.user, allocation=allocation, reference=request.POST.get("reference", ""))
            flash.success(request, _("Payment recorded."))
        else:
            raise Http404
    except ValidationError as e:
        flash.error(request, " ".join(e.messages))
    return redirect("fund_detail", pk=allocation.pk)
