"""Pages of cases and contacts (流调排摸): the cases in the reader's area, opening one by hand (a person found by
ID number), a case's page with its contacts by kind (masked; revealed one field at a time, audited), adding
an interview contact, running the investigation again, closing; a contact's page. The rules are `cases.py`'s."""

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontline.core import policy
from frontline.core.audit import audit_record
from frontline.core.models import AuditAction
from frontline.core.scoping import get_for
from frontline.core.validators import mask_id_number, mask_phone

from .cases import (
    case_close,
    case_contacts,
    case_investigate,
    case_open,
    cases_for,
    contact_add,
    contact_reveal,
    may_reveal_contact,
    person_find_for_case,
)
from .models import Case, CaseStatus, Contact, ContactKind, ControlMeasure
from .policy import MANAGE_CASES, VIEW_CASES
from .registration import mask_name

CASES_SHOWN = 200


def _errors(e: ValidationError) -> str:
    return " ".join(e.messages)


@policy.requires(VIEW_CASES)
def case_list(request):
    status = request.GET.get("status", CaseStatus.OPEN)
    if status not in CaseStatus.values:
        status = ""
    cases = list(cases_for(request.user, status=status)[:CASES_SHOWN])
    for c in cases:
        c.masked = mask_name(c.person.name)
    return render(request, "epidemic/cases/case_list.html", {
        "cases": cases, "status": status, "may_open": policy.allows(request.user, MANAGE_CASES)})


@policy.requires(MANAGE_CASES)
def case_new(request):
    """Find a resident within the reader's area by full ID number (audited), then open the case with a note."""
    id_number = (request.POST.get("id_number") or request.GET.get("id_number") or "").strip()
    found = person_find_for_case(actor=request.user, id_number=id_number) if id_number else None
    context = {"id_number": id_number, "found": found, "searched": bool(id_number)}
    if found is not None:
        context["masked"] = mask_name(found.person.name)
        context["masked_id"] = mask_id_number(found.person.id_number)
    status = 200
    if request.method == "POST" and found is not None:
        try:
            case = case_open(actor=request.user, resident=found, note=request.POST.get("note", ""))
        except ValidationError as e:
            context["error"], status = _errors(e), 400
        else:
            flash.success(request, _("Case #%(case)d opened; its contacts are being traced.") % {"case": case.pk})
            return redirect("case_detail", pk=case.pk)
    elif request.method == "POST":
        context["error"], status = _("No resident of your area has this ID number."), 400
    return render(request, "epidemic/cases/case_new.html", context, status=status)


def _case(request, pk) -> Case:
    return get_for(Case.objects.select_related("person", "area", "grid", "tube"), request.user, pk)


@policy.requires(VIEW_CASES)
def case_detail(request, pk):
    case = _case(request, pk)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=case, person=case.person)
    grouped = case_contacts(request.user, case)
    for rows in grouped.values():
        for c in rows:
            c.masked = mask_name(c.person.name)
    kinds = [(kind, label, grouped[kind]) for kind, label in ContactKind.choices]
    measure = ControlMeasure.objects.filter(person_id=case.person_id, released_at__isnull=True).first()
    return render(request, "epidemic/cases/case_detail.html", {
        "case": case, "masked": mask_name(case.person.name), "kinds": kinds, "measure": measure,
        "may_manage": policy.allows(request.user, MANAGE_CASES, case),
        "may_reveal": may_reveal_contact(request.user, case)})


@policy.requires(MANAGE_CASES)
@require_POST
def case_investigate_view(request, pk):
    case = _case(request, pk)
    try:
        counts = case_investigate(actor=request.user, case=case)
    except ValidationError as e:
        flash.error(request, _errors(e))
    else:
        flash.success(request, _("Investigation run: %(close)d close, %(secondary)d secondary, %(companion)d "
                                 "companions added.") % counts)
    return redirect("case_detail", pk=case.pk)


@policy.requires(MANAGE_CASES)
@require_POST
def case_close_view(request, pk):
    case = _case(request, pk)
    try:
        case_close(actor=request.user, case=case, note=request.POST.get("note", ""))
    except ValidationError as e:
        flash.error(request, _errors(e))
    else:
        flash.success(request, _("Case #%(case)d closed.") % {"case": case.pk})
    return redirect("case_detail", pk=case.pk)


@policy.requires(MANAGE_CASES)
def case_contact_add(request, pk):
    """A close contact from the interview: by ID number; a person no one knows yet with name and phone."""
    case = _case(request, pk)
    policy.require(request.user, MANAGE_CASES, case)
    context, status = {"case": case, "masked": mask_name(case.person.name), "values": request.POST}, 200
    if request.method == "POST":
        try:
            contact = contact_add(actor=request.user, case=case, id_number=request.POST.get("id_number", ""),
                                  name=request.POST.get("name", ""), phone=request.POST.get("phone", ""),
                                  note=request.POST.get("note", ""))
        except ValidationError as e:
            context["errors"] = e.message_dict if hasattr(e, "error_dict") else {"": e.messages}
            status = 400
        else:
            flash.success(request, _("%(name)s added as a close contact; the order is in their grid's inbox.")
                          % {"name": mask_name(contact.person.name)})
            return redirect("case_detail", pk=case.pk)
    return render(request, "epidemic/cases/contact_add.html", context, status=status)


def _contact(request, pk) -> Contact:
    return get_for(Contact.objects.select_related("person", "case__person", "grid", "area", "site", "via__person",
                                                  "work_order"), request.user, pk)


@policy.requires(VIEW_CASES)
def contact_detail(request, pk):
    contact = _contact(request, pk)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=contact, person=contact.person)
    return render(request, "epidemic/cases/contact_detail.html", {
        "contact": contact, "masked": mask_name(contact.person.name),
        "masked_id": mask_id_number(contact.person.id_number), "masked_phone": mask_phone(contact.person.phone),
        "case_masked": mask_name(contact.case.person.name),
        "via_masked": mask_name(contact.via.person.name) if contact.via_id else "",
        "measures": ControlMeasure.objects.filter(contact=contact).order_by("-starts_at"),
        "may_reveal": may_reveal_contact(request.user, contact)})


@policy.requires(VIEW_CASES)
@require_POST
def contact_reveal_view(request, pk, field):
    """One identifier of a contact in full, for the interview; audited (the core reveal flow's log entry)."""
    if field not in ("id_number", "phone", "name"):
        raise Http404
    contact = _contact(request, pk)
    if field == "name":
        if not may_reveal_contact(request.user, contact):
            raise policy.PermissionDenied
        audit_record(actor=request.user, action=AuditAction.REVEAL, obj=contact, person=contact.person, note="name")
        value = contact.person.name
    else:
        value = contact_reveal(actor=request.user, obj=contact, field=field)
    return render(request, "people/partials/revealed.html", {"value": value})
