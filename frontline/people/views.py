"""Person search, a person's page, a household's residents, and revealing a masked identifier (audited)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_POST

from frontline.areas.selectors import area_breadcrumb, household_get_for
from frontline.core import policy
from frontline.core.audit import audit_record
from frontline.core.models import AuditAction
from frontline.core.ratelimit import RateLimited
from frontline.core.roles import can_reveal

from .selectors import household_residents, person_get_for, person_profile, person_search

# A birth date is revealed like an identifier: the hidden digits of an ID number are the birth date.
REVEALABLE = {"id_number", "phone", "doc_number", "birth_date"}


@policy.requires(policy.SEARCH_PEOPLE)
def search(request):
    query = request.GET.get("q", "").strip()
    results, refusal, status = [], "", 200
    try:
        results = list(person_search(actor=request.user, query=query)) if query else []
    except RateLimited as e:  # digits, too often
        refusal, status = str(e), 429
    except PermissionDenied as e:  # digits, by a role that may not reveal
        refusal, status = str(e), 403
    template = "people/partials/search_results.html" if request.htmx else "people/search.html"
    return render(request, template, {"query": query, "results": results, "refusal": refusal}, status=status)


@policy.requires(policy.VIEW_PEOPLE)
def person_detail(request, pk):
    person = person_get_for(request.user, pk)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=person)  # who viewed personal data
    return render(request, "people/person_detail.html", {
        "person": person, "can_reveal": can_reveal(request.user, person), **person_profile(actor=request.user, person=person)})


@policy.requires(policy.REVEAL)
@require_POST
def person_reveal(request, pk, field):
    """Show one identifier in full, once, and write who saw it into the audit log."""
    if field not in REVEALABLE:
        raise Http404
    person = person_get_for(request.user, pk)
    if not can_reveal(request.user, person):  # the policy's reveal where this person is
        raise PermissionDenied
    audit_record(actor=request.user, action=AuditAction.REVEAL, obj=person, note=field)
    value = getattr(person, field)
    return render(request, "people/partials/revealed.html", {"value": value.isoformat() if field == "birth_date" and value
                                                             else value})


@policy.requires(policy.VIEW_PEOPLE)
def household_detail(request, pk):
    household = household_get_for(request.user, pk)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=household)  # its residents are personal data
    return render(request, "people/household_detail.html", {
        "household": household, "residents": household_residents(actor=request.user, household=household),
        "breadcrumb": area_breadcrumb(actor=request.user, area=household.building.area),
    })
