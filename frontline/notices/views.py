"""Notice pages: the list, issuing, a notice with its big acknowledge button, receipt rates by unit with one
reminder for the laggards, an open letter's public page."""

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontline.areas.selectors import area_get_for
from frontline.core import policy

from .forms import NoticeForm
from .models import Notice, NoticeReceipt
from .selectors import laggards, notice_get_for, notices_for, receipt_rates, receipts_waiting
from .services import (
    ISSUE_NOTICES,
    READ_NOTICES,
    may_manage,
    notice_acknowledge,
    notice_issue,
    notice_publish,
    notice_remind,
)


@policy.requires(READ_NOTICES)
def notice_list(request):
    items = notices_for(request.user).select_related("issued_by").order_by("-issued_at", "-id")[:100]
    return render(request, "notices/notice_list.html", {
        "items": items, "waiting": list(receipts_waiting(actor=request.user)[:50]),
        "can_issue": policy.allows(request.user, ISSUE_NOTICES)})


@policy.requires(ISSUE_NOTICES)
def notice_new(request):
    form = NoticeForm(request.POST or None, request.FILES or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            notice = notice_issue(actor=request.user, kind=form.cleaned_data["kind"], title=form.cleaned_data["title"],
                                  body=form.cleaned_data["body"], targets=list(form.cleaned_data["targets"]),
                                  roles=form.cleaned_data["roles"], to_grids=form.cleaned_data["to_grids"],
                                  files=request.FILES.getlist("files"))
        except ValidationError as e:
            form.add_error(None, e.messages)
        else:
            flash.success(request, _("Issued to %(n)d recipients.") % {"n": notice.receipts.count()})
            return redirect("notice", pk=notice.pk)
    return render(request, "notices/notice_form.html", {"form": form}, status=400 if form.errors else 200)


@policy.requires(READ_NOTICES)
def notice_detail(request, pk):
    notice = notice_get_for(request.user, pk)
    return render(request, "notices/notice_detail.html", {
        "notice": notice, "attachments": notice.attachments.all(),
        "receipt": NoticeReceipt.objects.filter(notice=notice, user=request.user).first(),
        "can_manage": may_manage(request.user, notice), "to_grids": notice.grids.exists()})


@policy.requires(READ_NOTICES)
@require_POST
def notice_acknowledge_view(request, pk):
    notice = notice_get_for(request.user, pk)
    notice_acknowledge(actor=request.user, notice=notice)
    flash.success(request, _("Acknowledged: %(title)s") % {"title": notice.title})
    if request.POST.get("next") == "home":  # opened from the home page: back to what is still waiting
        return redirect("home")
    return redirect("notice", pk=notice.pk)


def _managed(request, pk) -> Notice:
    notice = notice_get_for(request.user, pk)
    if not may_manage(request.user, notice):
        raise PermissionDenied
    return notice


@policy.requires(ISSUE_NOTICES)
def notice_receipts(request, pk):
    notice = _managed(request, pk)
    start = notice.area or policy.home_area(request.user)
    area = area_get_for(request.user, request.GET["area"]) if request.GET.get("area") else start
    if area is None:
        raise Http404
    total, here, children = receipt_rates(actor=request.user, notice=notice, area=area)
    return render(request, "notices/notice_receipts.html", {
        "notice": notice, "area": area, "total": total, "here": here, "children": children,
        "laggards": laggards(notice=notice, area=area)})


@policy.requires(ISSUE_NOTICES)
@require_POST
def notice_remind_view(request, pk):
    notice = _managed(request, pk)
    n = notice_remind(actor=request.user, notice=notice)
    flash.success(request, _("Reminded %(n)d who have not acknowledged.") % {"n": n})
    return redirect("notice_receipts", pk=notice.pk)


@policy.requires(ISSUE_NOTICES)
@require_POST
def notice_publish_view(request, pk):
    notice = _managed(request, pk)
    try:
        notice_publish(actor=request.user, notice=notice)
    except ValidationError as e:
        flash.error(request, " ".join(e.messages))
    return redirect("notice", pk=notice.pk)


@policy.requires(READ_NOTICES)
def notice_attachment(request, pk, attachment_pk):
    """Attachments are served only to those who may open the notice (never from a public media URL)."""
    notice = notice_get_for(request.user, pk)
    attachment = notice.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


def notice_public(request, slug):
    """An open letter published for everyone: no login, no recipients, no attachments."""
    notice = get_object_or_404(Notice.objects.select_related("area"), public_slug=slug, kind="letter")
    return render(request, "notices/notice_public.html", {"notice": notice})
