"""Import pages for every kind of file: upload, column mapping, the dry run's problems and plan, then
import, with progress polled while a task runs and a way to start a stale one again. No request
parses a file: the check and the import are tasks (`tasks.py`), run by Celery or the embedded runner."""

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import imports, plugins, policy
from .models import ImportRecord
from .scoping import get_for
from .tasks import import_apply_task, import_check_task


def _record_for(request, pk) -> ImportRecord:
    return get_for(ImportRecord.objects.select_related("area", "uploaded_by"), request.user, pk)


def _breadcrumb(user, area) -> list:
    """Ancestors down to the area, each flagged with whether the user may open it (as the area pages do)."""
    Area = apps.get_model("areas", "Area")
    chain = [*Area.objects.get_ancestors(area), area]
    visible = set(Area.objects.visible_to(user).filter(pk__in=[a.pk for a in chain]).values_list("pk", flat=True))
    return [(a, a.pk in visible) for a in chain]


@policy.requires(policy.IMPORT)
def import_new(request, pk):
    area = get_for(apps.get_model("areas", "Area"), request.user, pk)
    importers = list(plugins.importers)
    chosen = request.POST.get("kind") or request.GET.get("kind") or (importers[0].code if importers else "")
    importer = plugins.importers.get(chosen)
    error = ""
    if request.method == "POST":
        try:
            record, earlier = imports.import_upload(actor=request.user, kind=chosen, area=area, upload=request.FILES.get("file"))
        except ValidationError as e:
            error = " ".join(e.messages)
        else:
            if earlier:
                messages.info(request, _("This file was imported before (%(at)s); importing it again changes nothing "
                                         "that has not changed since.") % {"at": earlier.created_at.strftime("%Y-%m-%d %H:%M")})
            import_check_task.delay(record.pk)
            return redirect("import_detail", pk=record.pk)
    return render(request, "core/import_new.html", {
        "area": area, "error": error, "breadcrumb": _breadcrumb(request.user, area), "importers": importers,
        "importer": importer, "columns": [c.label for c in importer.columns.values()] if importer else [],
        "limit_mb": settings.FRONTLINE_IMPORT_MAX_BYTES // 2**20,
        "imports": ImportRecord.objects.visible_to(request.user).filter(area=area).order_by("-created_at")[:20]},
        status=400 if error else 200)


@policy.requires(policy.IMPORT)
def import_detail(request, pk):
    record = _record_for(request, pk)
    importer = plugins.importers.get(record.kind)
    columns = importer.columns if importer else {}
    stale = imports.import_is_stale(record)
    template = "core/partials/import_status.html" if request.htmx else "core/import_detail.html"
    return render(request, template, {
        "record": record, "importer": importer, "progress": imports.import_progress(record),
        "fields": [(key, column.label, record.mapping.get(key)) for key, column in columns.items()],
        "result": importer.describe(record.result) if importer and record.result else "",
        "running": (record.running or record.status == ImportRecord.Status.UPLOADED) and not stale, "stale": stale,
        "heartbeat": imports.import_heartbeat(record), "breadcrumb": _breadcrumb(request.user, record.area)})


@policy.requires(policy.IMPORT)
@require_POST
def import_remap(request, pk):
    """Check again with the columns as mapped on the page."""
    record = _record_for(request, pk)
    fields = plugins.importers[record.kind].columns
    columns = {key: request.POST.get(f"map-{key}", "") for key in fields}
    if imports.import_remap(actor=request.user, record=record, columns=columns):
        import_check_task.delay(record.pk)
    return redirect("import_detail", pk=record.pk)


@policy.requires(policy.IMPORT)
@require_POST
def import_apply(request, pk):
    record = _record_for(request, pk)
    if not record.ready_to_import:
        messages.error(request, _("Only a checked file without problems can be imported."))
    else:
        import_apply_task.delay(record.pk)
    return redirect("import_detail", pk=record.pk)


@policy.requires(policy.IMPORT)
@require_POST
def import_restart_view(request, pk):
    """Start a stale check or import again (its process was killed; an import left nothing written)."""
    record = _record_for(request, pk)
    step = imports.import_restart(actor=request.user, record=record)
    if step is None:
        messages.error(request, _("This import is not stuck: it is still running or has finished."))
    else:
        (import_apply_task if step == "apply" else import_check_task).delay(record.pk)
    return redirect("import_detail", pk=record.pk)
