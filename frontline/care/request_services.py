"""Handling residents' requests to resolution: confirming a resident-page request with the household (then it goes
to its unit), resolving with a note, the satisfaction call-back (a rating 1–5; unsatisfied reopens it with a fresh
deadline), reopening, and merging a duplicate into the first request of the same grid. Each closes or opens the
request's `resident_request` work order through the core engine (so escalation stops or starts with it)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontline.core import policy
from frontline.core.audit import audit_update, snapshot
from frontline.core.models import ACTIVE_STATUSES, WorkOrder
from frontline.core.services import can_act, work_order_complete

from .models import RequestStatus, ResidentRequest
from .policy import CALL_BACK, HANDLE_REQUESTS
from .requests import RESIDENT_REQUEST, request_due, route
from .text import clean_text

SATISFIED_FROM = 3  # a rating of 3 or more closes the request; below, it is reopened


def request_order(request: ResidentRequest) -> WorkOrder | None:
    """The request's work order in progress (at most one: the engine refuses a second)."""
    return (WorkOrder.objects.filter(kind=RESIDENT_REQUEST, subject_type__model="residentrequest",
                                     subject_type__app_label="care", subject_id=request.pk,
                                     status__in=ACTIVE_STATUSES).select_related("area", "escalated_to").first())


def request_orders(request: ResidentRequest):
    """Every work order the request has had, oldest first (its timeline)."""
    return (WorkOrder.objects.filter(kind=RESIDENT_REQUEST, subject_type__model="residentrequest",
                                     subject_type__app_label="care", subject_id=request.pk)
            .select_related("area", "escalated_to").prefetch_related("events__actor").order_by("created_at", "id"))


def may_handle(actor, request: ResidentRequest) -> bool:
    """May handle it (resolve, confirm, merge): the policy's action on the request, and, while it has a work
    order in progress, acting on that order (the unit it was routed to, or above it)."""
    if not policy.allows(actor, HANDLE_REQUESTS, request):
        return False
    order = request_order(request)
    return order is None or can_act(actor, order)


def may_call_back(actor, request: ResidentRequest) -> bool:
    return policy.allows(actor, CALL_BACK, request)


def may_reveal(actor, request: ResidentRequest) -> bool:
    """The contact phone in full: who may reveal identifiers there, and hotline staff calling the resident back
    on a resolved request (the call is their work)."""
    if not request.contact_phone:
        return False
    if policy.allows(actor, policy.REVEAL, request):
        return True
    return request.status == RequestStatus.RESOLVED and may_call_back(actor, request)


def _locked(request: ResidentRequest) -> ResidentRequest:
    return ResidentRequest.objects.select_for_update().get(pk=request.pk)


def _handle(actor, request: ResidentRequest) -> ResidentRequest:
    policy.require(actor, HANDLE_REQUESTS, request)
    request = _locked(request)
    if actor is not None and not may_handle(actor, request):
        raise PermissionDenied
    return request


def _close_order(actor, request: ResidentRequest, note: str) -> None:
    order = request_order(request)
    if order is not None:
        work_order_complete(actor=actor, order=order, note=note[:2000], by_kind=True)


def _must_be_open(request: ResidentRequest) -> None:
    if request.status != RequestStatus.OPEN:
        raise ValidationError(_("Request %(receipt)s is %(status)s, not being handled.")
                              % {"receipt": request.receipt_display, "status": request.get_status_display()})


@transaction.atomic
def request_confirm(*, actor, request: ResidentRequest, note: str = "") -> ResidentRequest:
    """The grid worker confirmed a resident-page request with the household: its grid work order closes and
    the request goes to its unit, due as it was."""
    request = _handle(actor, request)
    _must_be_open(request)
    if request.verified:
        raise ValidationError(_("Request %(receipt)s was confirmed already.") % {"receipt": request.receipt_display})
    note = clean_text(note, max_length=500, field=_("Note"))
    before = snapshot(request)
    _close_order(actor, request, note or _("Confirmed with the household."))
    request.verified = True
    request.full_clean()
    request.save(update_fields=["verified"])
    audit_update(actor, request, before, note="request confirmed")
    route(request, actor=actor)
    return request


@transaction.atomic
def request_resolve(*, actor, request: ResidentRequest, resolution: str,
                    now: datetime.datetime | None = None) -> ResidentRequest:
    request = _handle(actor, request)
    _must_be_open(request)
    if not request.verified:
        raise ValidationError(_("Confirm request %(receipt)s with the household first.")
                              % {"receipt": request.receipt_display})
    resolution = clean_text(resolution, max_length=2000, field=_("Resolution"), required=True)
    before = snapshot(request)
    _close_order(actor, request, resolution)
    request.status, request.resolution, request.resolved_at = RequestStatus.RESOLVED, resolution, now or timezone.now()
    request.full_clean()
    request.save(update_fields=["status", "resolution", "resolved_at"])
    audit_update(actor, request, before, note="request resolved")
    return request


def _reopen(actor, request: ResidentRequest, now: datetime.datetime) -> None:
    """Open again, with a fresh deadline and a new work order at its unit."""
    request.status, request.resolved_at, request.resolution = RequestStatus.OPEN, None, ""
    request.reopened += 1
    request.due_at = request_due(request.category, request.urgency, now)
    request.full_clean()
    request.save()
    route(request, actor=actor)


def parse_rating(value) -> int:
    """A rating on the 1–5 scale, or a refusal naming what was given."""
    try:
        rating = int(str(value).strip())
    except (TypeError, ValueError):
        rating = None
    if rating is None or not 1 <= rating <= 5:
        raise ValidationError({"rating": _("The satisfaction rating must be a whole number from 1 to 5, not "
                                           "“%(value)s”.") % {"value": value}})
    return rating


@transaction.atomic
def request_call_back(*, actor, request: ResidentRequest, rating, resolved: bool = True, note: str = "",
                      now: datetime.datetime | None = None) -> ResidentRequest:
    """The satisfaction call-back on a resolved request: satisfied (3 or more, and the matter resolved) closes
    it; otherwise it is reopened with a fresh deadline."""
    policy.require(actor, CALL_BACK, request)
    request = _locked(request)
    rating = parse_rating(rating)
    if request.status != RequestStatus.RESOLVED:
        raise ValidationError(_("Only a resolved request is called back; %(receipt)s is %(status)s.")
                              % {"receipt": request.receipt_display, "status": request.get_status_display()})
    note = clean_text(note, max_length=500, field=_("Note"))
    now = now or timezone.now()
    before = snapshot(request)
    request.rating, request.called_back_at = rating, now
    if rating >= SATISFIED_FROM and resolved:
        request.status = RequestStatus.CLOSED
        request.full_clean()
        request.save(update_fields=["rating", "called_back_at", "status"])
        audit_update(actor, request, before, note="request called back")
    else:
        _reopen(actor, request, now)
        audit_update(actor, request, before, note="request reopened")
    return request


@transaction.atomic
def request_reopen(*, actor, request: ResidentRequest, reason: str,
                   now: datetime.datetime | None = None) -> ResidentRequest:
    """Reopen a resolved or closed request (the resident called again: it was not solved)."""
    policy.require(actor, CALL_BACK, request)
    request = _locked(request)
    if request.status not in (RequestStatus.RESOLVED, RequestStatus.CLOSED):
        raise ValidationError(_("Only a resolved or closed request can be reopened; %(receipt)s is %(status)s.")
                              % {"receipt": request.receipt_display, "status": request.get_status_display()})
    reason = clean_text(reason, max_length=500, field=_("Why it is reopened"), required=True)
    before = snapshot(request)
    _reopen(actor, request, now or timezone.now())
    audit_update(actor, request, before, note="request reopened")
    return request


@transaction.atomic
def request_merge(*, actor, duplicate: ResidentRequest, original: ResidentRequest) -> ResidentRequest:
    """A duplicate merged into the original of the same grid: it stops being handled on its own (its work order
    closes with a note naming the original); its own duplicates follow it."""
    duplicate = _handle(actor, duplicate)
    policy.require(actor, HANDLE_REQUESTS, original)
    original = ResidentRequest.objects.select_for_update().select_related("area").get(pk=original.pk)
    if duplicate.pk == original.pk:
        raise ValidationError(_("A request cannot be merged into itself."))
    if duplicate.area_id != original.area_id:
        raise ValidationError(_("Request %(dup)s is of %(here)s and %(orig)s of %(there)s: only requests of the same "
                                "grid are merged.") % {"dup": duplicate.receipt_display, "here": duplicate.area.name,
                                                       "orig": original.receipt_display, "there": original.area.name})
    _must_be_open(duplicate)
    if original.status == RequestStatus.MERGED:
        raise ValidationError(_("Request %(orig)s is itself merged into another: merge into that one.")
                              % {"orig": original.receipt_display})
    before = snapshot(duplicate)
    _close_order(actor, duplicate, _("Merged into request %(orig)s.") % {"orig": original.receipt_display})
    ResidentRequest.objects.filter(duplicate_of=duplicate).update(duplicate_of=original)
    duplicate.status, duplicate.duplicate_of = RequestStatus.MERGED, original
    duplicate.full_clean()
    duplicate.save(update_fields=["status", "duplicate_of"])
    audit_update(actor, duplicate, before, note="request merged")
    return duplicate
