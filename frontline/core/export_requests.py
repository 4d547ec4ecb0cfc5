"""Exports with full identifiers: asked for, approved by another user who may approve for the area, and
downloaded once by the one who asked, within a day. The services write (each step audited) and the
selectors read; like the import framework (`imports.py`), one module for one flow of the core.

Who may approve is one rule (`roles.can_approve_export`, on the policy's `approve_export`); who may ask, the
policy's `export_full` at the area.
A masked export needs none of this: it stays direct, watermarked and audited (`export.py`)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from . import plugins, policy
from .audit import audit_create, audit_update, snapshot
from .models import ExportRequest
from .roles import can_approve_export

EXPORT_VALID_FOR = datetime.timedelta(hours=24)  # an approved export may be downloaded for a day

Status = ExportRequest.Status


@transaction.atomic
def export_request_create(*, actor, kind: str, area, reason: str, params: dict | None = None,
                          now: datetime.datetime | None = None) -> ExportRequest:
    """Ask for an export with full identifiers of `area` (in the actor's scope), saying why."""
    if actor is None or not policy.allows(actor, policy.EXPORT_FULL, area):
        raise PermissionDenied
    if kind not in plugins.export_kinds:
        raise ValidationError({"kind": _("%(kind)s is not a kind of export.") % {"kind": kind}})
    request = ExportRequest(kind=kind, area=area, params=params or {}, reason=" ".join((reason or "").split()),
                            requester=actor, requested_at=now or timezone.now())
    if not request.reason:
        raise ValidationError({"reason": _("Say what the full identifiers are needed for.")})
    request.full_clean()
    request.save()
    audit_create(actor, request, note="export requested")
    return request


def _decide(*, actor, export_request: ExportRequest, status: str, note: str, now) -> ExportRequest:
    request = ExportRequest.objects.select_for_update(of=("self",)).select_related("area").get(pk=export_request.pk)
    if actor is None or actor.pk == request.requester_id:
        raise PermissionDenied(_("An export cannot be approved by the one who asked for it."))
    if not can_approve_export(actor, request.area):
        raise PermissionDenied
    if request.status != Status.REQUESTED:
        raise ValidationError(_("This request was decided already (%(status)s).") % {"status": request.get_status_display()})
    before = snapshot(request)
    request.status, request.approver, request.decided_at = status, actor, now or timezone.now()
    request.decision_note = " ".join((note or "").split())[:255]
    if status == Status.APPROVED:
        request.expires_at = request.decided_at + EXPORT_VALID_FOR
    request.full_clean()
    request.save()
    audit_update(actor, request, before, note=f"export {status}")
    return request


@transaction.atomic
def export_request_approve(*, actor, export_request: ExportRequest, note: str = "",
                           now: datetime.datetime | None = None) -> ExportRequest:
    """Approve: the requester may download it once within `EXPORT_VALID_FOR`."""
    return _decide(actor=actor, export_request=export_request, status=Status.APPROVED, note=note, now=now)


@transaction.atomic
def export_request_refuse(*, actor, export_request: ExportRequest, note: str = "",
                          now: datetime.datetime | None = None) -> ExportRequest:
    return _decide(actor=actor, export_request=export_request, status=Status.REFUSED, note=note, now=now)


@transaction.atomic
def export_request_download(*, actor, export_request: ExportRequest,
                            now: datetime.datetime | None = None) -> ExportRequest:
    """Mark the one download of an approved request: only its requester, only before it expires. The caller
    writes the file in the same transaction (`plugins.ExportKind.download`), which audits the export."""
    now = now or timezone.now()
    request = ExportRequest.objects.select_for_update(of=("self",)).select_related("area", "requester", "approver").get(
        pk=export_request.pk)
    if actor is None or actor.pk != request.requester_id:
        raise PermissionDenied(_("Only the one who asked for an export may download it."))
    policy.require(actor, policy.EXPORT_FULL, request.area)  # still: an assignment may have ended since
    if request.expired_at(now):
        raise ValidationError(_("This export expired: its day to download it is over. Ask again if it is still needed."),
                              code="expired")
    if request.status != Status.APPROVED:
        raise ValidationError(_("This export cannot be downloaded (%(status)s).") % {"status": request.get_status_display()},
                              code=request.status)
    before = snapshot(request)
    request.status, request.downloaded_at = Status.DOWNLOADED, now
    request.save(update_fields=["status", "downloaded_at"])
    audit_update(actor, request, before, note="export downloaded")
    return request


@transaction.atomic
def export_requests_expire(*, now: datetime.datetime | None = None) -> int:
    """Approved requests whose day is over become expired (by the system, audited). Idempotent."""
    due = list(ExportRequest.objects.select_for_update().filter(status=Status.APPROVED,
                                                                expires_at__lte=now or timezone.now()))
    for request in due:
        before = snapshot(request)
        request.status = Status.EXPIRED
        request.save(update_fields=["status"])
        audit_update(None, request, before, note="export expired")
    return len(due)


def export_request_get_for(actor, pk) -> ExportRequest:
    """A request its requester or someone who may decide it may open; 404 alike for everyone else."""
    try:
        request = ExportRequest.objects.select_related("area", "requester", "approver").get(pk=pk)
    except (ExportRequest.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if actor.pk in (request.requester_id, request.approver_id) or can_approve_export(actor, request.area):
        return request
    raise Http404


def export_requests_to_decide(*, actor) -> list[ExportRequest]:
    """Requests waiting for a decision this actor may make (never their own), oldest first."""
    waiting = (ExportRequest.objects.visible_to(actor).filter(status=Status.REQUESTED).exclude(requester=actor)
               .select_related("area", "requester").order_by("requested_at", "id"))
    return [r for r in waiting if can_approve_export(actor, r.area)]


def export_requests_of(*, actor, limit: int = 50):
    """The actor's own requests, newest first."""
    return (ExportRequest.objects.filter(requester=actor).select_related("area", "approver")
            .order_by("-requested_at", "-id")[:limit])
