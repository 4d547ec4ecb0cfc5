"""The grid chain page, grid roles, and the contact-household assignment a secretary accepts."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontline.areas.selectors import area_breadcrumb, area_get_for
from frontline.core import policy
from frontline.core.roles import can_manage_grid

from .forms import GridRoleForm, ProposalForm
from .selectors import contact_assignment_propose, grid_chain
from .services import contact_households_assign, grid_role_assign


def _grid_for(request, pk, manage: bool = False):
    """A grid in the user's scope (404 otherwise); with `manage`, only for those who manage grids (403)."""
    grid = area_get_for(request.user, pk)
    if grid.level != "grid":
        raise Http404
    if manage and not can_manage_grid(request.user):
        raise PermissionDenied
    return grid


def _chain_page(request, grid, role_form=None, status=200):
    context = {"grid": grid, "chain": grid_chain(actor=request.user, grid=grid),
               "breadcrumb": area_breadcrumb(actor=request.user, area=grid), "can_manage": can_manage_grid(request.user)}
    if context["can_manage"]:
        context["role_form"] = role_form or GridRoleForm(grid=grid)
        context["proposal_form"] = ProposalForm()
    return render(request, "grid/chain.html", context, status=status)


@policy.requires(policy.VIEW_PEOPLE)
def chain(request, pk):
    return _chain_page(request, _grid_for(request, pk))


@policy.requires("manage_grid")
@require_POST
def role_assign(request, pk):
    grid = _grid_for(request, pk, manage=True)
    form = GridRoleForm(request.POST, grid=grid)
    if form.is_valid():
        try:
            role = grid_role_assign(actor=request.user, grid=grid, **form.cleaned_data)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("%(role)s assigned.") % {"role": role})
            return redirect("grid_chain", pk=grid.pk)
    return _chain_page(request, grid, role_form=form, status=400)


@policy.requires("manage_grid")
def contacts_propose(request, pk):
    grid = _grid_for(request, pk, manage=True)
    form = ProposalForm(request.GET or None)
    max_per_member = form.cleaned_data["max_per_member"] if form.is_valid() else 10
    proposal = contact_assignment_propose(actor=request.user, grid=grid, max_per_member=max_per_member)
    return render(request, "grid/proposal.html", {
        "grid": grid, "proposal": proposal, "form": form, "breadcrumb": area_breadcrumb(actor=request.user, area=grid)})


@policy.requires("manage_grid")
@require_POST
def contacts_assign(request, pk):
    grid = _grid_for(request, pk, manage=True)
    try:
        pairs = [tuple(int(x) for x in item.split(":", 1)) for item in request.POST.getlist("pair")]
        max_per_member = int(request.POST.get("max_per_member", "10"))
    except ValueError:
        raise Http404 from None
    try:
        rows = contact_households_assign(actor=request.user, grid=grid, pairs=pairs, max_per_member=max_per_member)
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
        messages.error(request, _("Nothing was assigned; here is a fresh proposal."))
        return redirect(f"{reverse('contacts_propose', args=[grid.pk])}?max_per_member={max_per_member}")
    messages.success(request, _("%(n)d households now have a contact member.") % {"n": len(rows)})
    return redirect("grid_chain", pk=grid.pk)
