"""Roster import pages: upload, column mapping, the dry run's problems, then import, with progress."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontline.areas.selectors import area_breadcrumb, area_get_for
from frontline.core.roles import can_manage_grid
from frontline.core.scoping import get_for

from .models import RosterImport
from .roster import LABELS, SYNONYMS, roster_import_progress, roster_import_remap, roster_import_upload
from .tasks import roster_import_apply_task, roster_import_check_task


def _record_for(request, pk) -> RosterImport:
    if not can_manage_grid(request.user):
        raise PermissionDenied
    return get_for(RosterImport.objects.select_related("area", "uploaded_by"), request.user, pk)


@login_required
def import_new(request, pk):
    area = area_get_for(request.user, pk)
    if not can_manage_grid(request.user):
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        try:
            record, earlier = roster_import_upload(actor=request.user, area=area, upload=request.FILES.get("file"))
        except ValidationError as e:
            error = " ".join(e.messages)
        else:
            if earlier:
                messages.info(request, _("This file was imported before (%(at)s); importing it again changes nothing "
                                         "that has not changed since.") % {"at": earlier.created_at.strftime("%Y-%m-%d %H:%M")})
            roster_import_check_task.delay(record.pk)
            return redirect("roster_import", pk=record.pk)
    return render(request, "grid/import_new.html", {
        "area": area, "error": error, "breadcrumb": area_breadcrumb(actor=request.user, area=area),
        "columns": [LABELS[k] for k in SYNONYMS], "limit_mb": settings.FRONTLINE_IMPORT_MAX_BYTES // 2**20,
        "imports": RosterImport.objects.visible_to(request.user).filter(area=area).order_by("-created_at")[:20]},
        status=400 if error else 200)


@login_required
def import_detail(request, pk):
    record = _record_for(request, pk)
    template = "grid/partials/import_status.html" if request.htmx else "grid/import_detail.html"
    fields = [(key, LABELS[key], record.mapping.get(key)) for key in SYNONYMS]
    return render(request, template, {
        "record": record, "progress": roster_import_progress(record), "fields": fields,
        "running": record.status in (RosterImport.Status.CHECKING, RosterImport.Status.IMPORTING),
        "breadcrumb": area_breadcrumb(actor=request.user, area=record.area)})


@login_required
@require_POST
def import_remap(request, pk):
    """Check again with the columns as the secretary mapped them."""
    record = _record_for(request, pk)
    columns = {key: request.POST.get(f"map-{key}", "") for key in SYNONYMS}
    if roster_import_remap(actor=request.user, record=record, columns=columns):
        roster_import_check_task.delay(record.pk)
    return redirect("roster_import", pk=record.pk)


@login_required
@require_POST
def import_apply(request, pk):
    record = _record_for(request, pk)
    if not record.ready_to_import:
        messages.error(request, _("Only a checked file without problems can be imported."))
    else:
        roster_import_apply_task.delay(record.pk)
    return redirect("roster_import", pk=record.pk)
