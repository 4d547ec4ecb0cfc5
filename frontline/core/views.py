"""Home page by role, the audit log browser, language switch."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date

from frontline.areas.selectors import area_counts

from .models import AuditLog
from .roles import can_read_audit
from .selectors import inbox


@login_required
def home(request):
    user = request.user
    context = {"area": user.area}
    if user.area_id:
        context["counts"] = area_counts(actor=user, area=user.area).total
    now = timezone.now()
    waiting = inbox(actor=user, now=now)
    context["inbox_count"] = waiting.count()
    context["overdue_count"] = waiting.filter(due_at__lt=now).count()
    return render(request, "core/home.html", context)


@login_required
def audit_list(request):
    """Commanders browse the audit log by actor, object, person and date (within their scope)."""
    if not can_read_audit(request.user):
        raise PermissionDenied
    entries = AuditLog.objects.visible_to(request.user).select_related("content_type")
    f = request.GET
    if f.get("actor"):
        entries = entries.filter(actor_name=f["actor"].strip())
    if f.get("action"):
        entries = entries.filter(action=f["action"])
    if f.get("object_type"):
        entries = entries.filter(content_type__model=f["object_type"].strip().lower())
    if f.get("object_id"):
        entries = entries.filter(object_id=f["object_id"].strip())
    if f.get("person"):
        entries = entries.filter(person_id=f["person"]) if f["person"].isdigit() else entries.none()
    if (start := parse_date(f.get("date_from") or "")):
        entries = entries.filter(at__date__gte=start)
    if (end := parse_date(f.get("date_to") or "")):
        entries = entries.filter(at__date__lte=end)
    page = Paginator(entries, 50).get_page(f.get("page"))
    return render(request, "core/audit_list.html", {"page": page, "filters": f,
                                                    "actions": AuditLog._meta.get_field("action").choices})
