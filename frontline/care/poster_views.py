"""Desk pages of the resident pages: the grids of an area with their page and today's submissions, a grid's
page (publish with a hotline, a new code, close, reopen) and its printable poster (PNG, PDF; audited)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontline.areas.models import Area, AreaLevel
from frontline.areas.selectors import area_breadcrumb
from frontline.core import policy
from frontline.core.audit import audit_record
from frontline.core.models import AuditAction
from frontline.core.scoping import get_for

from . import poster, resident_pages
from .policy import MANAGE_RESIDENT_PAGES
from .view_helpers import area_asked


class PublishForm(forms.Form):
    hotline = forms.CharField(label=gettext_lazy("Hotline printed on the poster"), max_length=20,
                              widget=forms.TextInput(attrs={"inputmode": "tel", "class": "form-control",
                                                            "autocomplete": "off"}))


def _area(request) -> Area:
    return area_asked(request, MANAGE_RESIDENT_PAGES)


def _grid(request, area_pk) -> Area:
    """The grid, 404 alike for missing and not yours; 403 where the actor sees it but may not manage its page."""
    grid = get_for(Area, request.user, area_pk)
    if not policy.allows(request.user, MANAGE_RESIDENT_PAGES, grid):
        raise PermissionDenied
    if grid.level != AreaLevel.GRID:
        raise Http404
    return grid


def _page(request, grid):
    page = resident_pages.resident_page_of(request.user, grid)
    if page is None:
        raise Http404
    return page


@policy.requires(MANAGE_RESIDENT_PAGES)
def resident_page_list(request):
    """The grids at or under an area: published or not, the hotline, today's orders and requests from the page."""
    area = _area(request)
    grids = Paginator(resident_pages.grids_under(actor=request.user, area=area), 50).get_page(request.GET.get("page"))
    rows = resident_pages.grid_page_rows(actor=request.user, grids=list(grids.object_list))
    return render(request, "care/poster/page_list.html", {
        "area": area, "rows": rows, "grids": grids, "breadcrumb": area_breadcrumb(actor=request.user, area=area),
        "children": Area.objects.get_children(area).restrict(request.user, MANAGE_RESIDENT_PAGES).order_by("path")
        if area.level not in (AreaLevel.GRID, AreaLevel.COMMUNITY) else []})


@policy.requires(MANAGE_RESIDENT_PAGES)
def resident_page_manage(request, area_pk):
    """A grid's page: its address and QR code, and publishing it (or changing its hotline)."""
    grid = _grid(request, area_pk)
    page = resident_pages.resident_page_of(request.user, grid)
    form = PublishForm(request.POST or None, initial={"hotline": page.hotline if page else ""})
    if request.method == "POST" and form.is_valid():
        try:
            page = resident_pages.resident_page_publish(actor=request.user, grid=grid,
                                                        hotline=form.cleaned_data["hotline"])
        except ValidationError as e:
            for message in e.messages:
                form.add_error("hotline", message)
        else:
            messages.success(request, _("The resident page of %(grid)s is published.") % {"grid": grid.name})
            return redirect("resident_page_manage", area_pk=grid.pk)
    url = resident_pages.public_url(request, page.code) if page else ""
    (row,) = resident_pages.grid_page_rows(actor=request.user, grids=[grid])
    return render(request, "care/poster/page_manage.html", {
        "grid": grid, "page": page, "form": form, "url": url, "row": row,
        "qr_svg": poster.qr_for(url).svg_inline(scale=4, omitsize=True) if page else "",
        "full_name": resident_pages.grid_full_name(grid),
        "breadcrumb": area_breadcrumb(actor=request.user, area=grid)})


def _act(request, area_pk, service, done: str):
    grid = _grid(request, area_pk)
    page = _page(request, grid)
    if request.method != "POST":
        return redirect("resident_page_manage", area_pk=grid.pk)
    try:
        service(actor=request.user, page=page)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, done % {"grid": grid.name})
    return redirect("resident_page_manage", area_pk=grid.pk)


@policy.requires(MANAGE_RESIDENT_PAGES)
def resident_page_renew(request, area_pk):
    return _act(request, area_pk, resident_pages.resident_page_renew_code,
                _("%(grid)s: the resident page has a new address; print the new poster, old ones lead nowhere."))


@policy.requires(MANAGE_RESIDENT_PAGES)
def resident_page_close(request, area_pk):
    return _act(request, area_pk, resident_pages.resident_page_close,
                _("%(grid)s: the resident page is closed and takes no submission."))


@policy.requires(MANAGE_RESIDENT_PAGES)
def resident_page_reopen(request, area_pk):
    return _act(request, area_pk, resident_pages.resident_page_reopen, _("%(grid)s: the resident page is open again."))


def _poster(request, area_pk, kind: str):
    grid = _grid(request, area_pk)
    page = _page(request, grid)
    text = poster.PosterText(grid_name=resident_pages.grid_full_name(grid), hotline=page.hotline,
                             url=resident_pages.public_url(request, page.code))
    try:
        body = poster.poster_pdf(text) if kind == "pdf" else poster.poster_png(text)
    except poster.CJKFontMissing as missing:
        return render(request, "care/poster/font_missing.html", {"grid": grid, "detail": str(missing)}, status=503)
    audit_record(actor=request.user, action=AuditAction.EXPORT, obj=page, note="resident page poster printed")
    response = HttpResponse(body, content_type="application/pdf" if kind == "pdf" else "image/png")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"居民页面海报-{grid.name}.{kind}")
    return response


@policy.requires(MANAGE_RESIDENT_PAGES)
def resident_page_poster_png(request, area_pk):
    return _poster(request, area_pk, "png")


@policy.requires(MANAGE_RESIDENT_PAGES)
def resident_page_poster_pdf(request, area_pk):
    return _poster(request, area_pk, "pdf")
