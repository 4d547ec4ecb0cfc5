"""Pages of exports with full identifiers: ask for one (with a reason), the requests waiting for the viewer's
decision, approve or refuse, and the requester's one download within a day."""

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import plugins, policy
from .export_requests import (
    EXPORT_VALID_FOR,
    export_request_approve,
    export_request_create,
    export_request_download,
    export_request_get_for,
    export_request_refuse,
    export_requests_expire,
    export_requests_of,
    export_requests_to_decide,
)
from .models import ExportRequest
from .roles import can_approve_export
from .scoping import get_for

FORMATS = ("xlsx", "csv")


# The pages of those who may ask for full exports or approve them; 403 for an account with neither.
_asks_or_approves = policy.requires(policy.EXPORT_FULL, policy.APPROVE_EXPORT)


@policy.requires(policy.EXPORT_FULL)
def export_request_new(request, pk, kind):
    """Ask for an export of `kind` with full identifiers for an area: it waits for another user's approval."""
    area = get_for(apps.get_model("areas", "Area"), request.user, pk)
    spec = plugins.export_kinds.get(kind)
    if spec is None:
        raise Http404
    if not policy.allows(request.user, policy.EXPORT_FULL, area):
        raise PermissionDenied
    chosen = request.POST.get("format") or request.GET.get("format")
    chosen = chosen if chosen in FORMATS else FORMATS[0]
    error, reason = "", request.POST.get("reason", "")
    if request.method == "POST":
        try:
            asked = export_request_create(actor=request.user, kind=kind, area=area, reason=reason, params={"format": chosen})
        except ValidationError as e:
            error = " ".join(e.messages)
        else:
            messages.success(request, _("Your request is waiting for approval by someone who may approve exports "
                                        "for %(area)s.") % {"area": area.name})
            return redirect("export_request_detail", pk=asked.pk)
    return render(request, "core/export_request_new.html", {
        "area": area, "spec": spec, "format": chosen, "formats": FORMATS, "reason": reason, "error": error,
        "hours": int(EXPORT_VALID_FOR.total_seconds() // 3600)})


@_asks_or_approves
def export_request_list(request):
    """The requests waiting for the viewer's decision (within their scope), and their own requests."""
    return render(request, "core/export_request_list.html", {
        "to_decide": export_requests_to_decide(actor=request.user), "mine": export_requests_of(actor=request.user),
        "now": timezone.now(), "active": "exports"})


@_asks_or_approves
def export_request_detail(request, pk):
    asked = export_request_get_for(request.user, pk)
    now = timezone.now()
    mine = asked.requester_id == request.user.pk
    return render(request, "core/export_request_detail.html", {
        "asked": asked, "mine": mine, "expired": asked.expired_at(now),
        "can_decide": (not mine and asked.status == ExportRequest.Status.REQUESTED
                       and can_approve_export(request.user, asked.area)),
        "can_download": mine and asked.status == ExportRequest.Status.APPROVED and not asked.expired_at(now)})


@policy.requires(policy.APPROVE_EXPORT)
@require_POST
def export_request_decide(request, pk, decision):
    asked = export_request_get_for(request.user, pk)
    decide = {"approve": export_request_approve, "refuse": export_request_refuse}.get(decision)
    if decide is None:
        raise Http404
    try:
        decide(actor=request.user, export_request=asked, note=request.POST.get("note", ""))
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("Approved: %(user)s may download it once within a day.") % {
            "user": asked.requester.username} if decision == "approve" else _("Refused."))
    return redirect("export_request_detail", pk=asked.pk)


@_asks_or_approves
@require_POST
def export_request_download_view(request, pk):
    """The one download of an approved request, by its requester: marked and written in one transaction."""
    asked = export_request_get_for(request.user, pk)
    spec = plugins.export_kinds[asked.kind]
    try:
        with transaction.atomic():
            return spec.download(request, export_request_download(actor=request.user, export_request=asked))
    except ValidationError as e:
        if e.code == "expired":
            export_requests_expire()
        messages.error(request, " ".join(e.messages))
        return redirect("export_request_detail", pk=asked.pk)
