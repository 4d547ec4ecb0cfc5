"""Roster import pages: upload, column mapping, the dry run's problems, then import, with progress."""

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontline.areas.selectors import area_breadcrumb, area_get_for
from frontline.core.roles import can_manage_grid
from frontline.core.scoping import get_for

from .models import RosterImport
from .roster import LABELS, SYNONYMS, roster_import_progress
from .tasks import roster_import_apply_task, roster_import_check_task

ALLOWED_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".txt")


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
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Choose a file.")
        elif upload.size > settings.FRONTLINE_IMPORT_MAX_BYTES:
            error = _("%(name)s is %(size)d MB; the limit is %(limit)d MB. Split it by community.") % {
                "name": upload.name, "size": upload.size // 2**20, "limit": settings.FRONTLINE_IMPORT_MAX_BYTES // 2**20}
        elif not upload.name.lower().endswith(ALLOWED_SUFFIXES):
            error = _("%(name)s is not an .xlsx or .csv file.") % {"name": upload.name}
        else:
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
            earlier = RosterImport.objects.filter(area=area, sha256=digest.hexdigest(), status=RosterImport.Status.DONE).first()
            record = RosterImport.objects.create(area=area, uploaded_by=request.user, file=upload, filename=upload.name,
                                                 sha256=digest.hexdigest())
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
    if record.status not in (RosterImport.Status.CHECKED, RosterImport.Status.FAILED):
        return redirect("roster_import", pk=record.pk)
    mapping = {}
    for key in SYNONYMS:
        value = request.POST.get(f"map-{key}", "")
        if value.isdigit() and int(value) < len(record.headers):
            mapping[key] = int(value)
    record.mapping, record.status, record.failure = mapping, RosterImport.Status.UPLOADED, ""
    record.save(update_fields=["mapping", "status", "failure"])
    roster_import_check_task.delay(record.pk)
    return redirect("roster_import", pk=record.pk)


@login_required
@require_POST
def import_apply(request, pk):
    record = _record_for(request, pk)
    if record.status != RosterImport.Status.CHECKED or record.error_count:
        messages.error(request, _("Only a checked file without problems can be imported."))
    else:
        roster_import_apply_task.delay(record.pk)
    return redirect("roster_import", pk=record.pk)
