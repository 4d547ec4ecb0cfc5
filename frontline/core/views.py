"""The audit log browser, one's own API tokens, and the access policy as a page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import policy
from .models import ApiToken, AuditLog
from .services import api_token_issue, api_token_revoke


@policy.requires(policy.READ_AUDIT)
def audit_list(request):
    """Commanders browse the audit log by actor, object, person and date (within their scope)."""
    entries = AuditLog.objects.visible_to(request.user).select_related("content_type")
    f = request.GET
    if f.get("actor"):
        entries = entries.filter(actor_name=f["actor"].strip())
    if f.get("action"):
        entries = entries.filter(action=f["action"])
    if f.get("object_type"):  # "areas.household", as the API names subjects, or just "household"
        app_label, _dot, model = f["object_type"].strip().lower().rpartition(".")
        entries = entries.filter(content_type__model=model)
        if app_label:
            entries = entries.filter(content_type__app_label=app_label)
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


@login_required
def token_list(request):
    """One's own API tokens: issue one for a phone app or a machine (shown once), see when each was last
    used, revoke."""
    issued, errors = None, []
    if request.method == "POST":
        try:
            _row, issued = api_token_issue(actor=request.user, name=request.POST.get("name", ""),
                                           purpose=request.POST.get("purpose", ""))
        except ValidationError as e:
            errors = e.messages
    tokens = ApiToken.objects.filter(user=request.user).order_by("revoked", "-created_at")
    purposes = [(code, policy.PURPOSES[code][0]) for code in policy.purposes_for(request.user)]
    return render(request, "core/tokens.html", {"purposes": purposes,
                                                "tokens": tokens, "issued": issued, "errors": errors},
                  status=400 if errors else 200)


@login_required
@require_POST
def token_revoke(request, pk):
    token_row = get_object_or_404(ApiToken, pk=pk, user=request.user)  # someone else's: 404, like a missing one
    api_token_revoke(actor=request.user, token_row=token_row)
    messages.success(request, _("Token %(prefix)s… revoked: it no longer works.") % {"prefix": token_row.prefix})
    return redirect("token_list")


@login_required
def access_policy(request):
    """The access policy as a city administrator or an auditor reads it, generated from the policy itself."""
    return render(request, "core/access.html", {"rows": policy.table(), "active": "access",
                                                "reveal_roles": settings.FRONTLINE_REVEAL_ROLES})
