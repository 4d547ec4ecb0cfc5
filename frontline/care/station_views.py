"""Pages of service stations and centres (desk pages that hold at 375 px): the stations and centres of an area, a
station's page (its services, its counseling sessions, recording one), the counseling sessions of an area with
filters and totals, and the secretary-hotline call log (masked phones, reveals audited) with a desk's record form."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from frontline.areas import figures
from frontline.areas.models import Area, AreaLevel
from frontline.areas.selectors import area_breadcrumb
from frontline.core import policy
from frontline.core.scoping import get_for
from frontline.core.validators import mask_phone

from . import stations
from .models import CounselingMode, CounselingSession, HotlineCall, RequestCategory, RequestKind, StationService, Urgency
from .policy import RECORD_SERVICE, VIEW_STATIONS
from .stations import MANAGE_STATIONS
from .view_helpers import area_asked, form_errors

PAGE_SIZE = 50
KITS_FIGURE = "kits_issued"  # the protective-supplies part's figure, read through the registry when it is there


class CounselingForm(forms.Form):
    held_on = forms.DateField(label=pgettext_lazy("station", "Held on"),
                              widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    counsellor = forms.CharField(label=pgettext_lazy("station", "Counsellor"))
    attendees = forms.IntegerField(label=pgettext_lazy("station", "Attendees"),
                                   widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    topic = forms.CharField(label=pgettext_lazy("station", "Topic"))
    mode = forms.ChoiceField(label=pgettext_lazy("station", "How"), choices=CounselingMode.choices, widget=forms.RadioSelect)


class HotlineCallForm(forms.Form):
    at = forms.DateTimeField(label=gettext_lazy("Time (empty: now)"), required=False,
                             widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                             input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    caller_phone = forms.CharField(label=gettext_lazy("Caller's phone (optional)"), required=False,
                                   widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    topic = forms.CharField(label=pgettext_lazy("station", "Topic"))
    is_request = forms.BooleanField(label=gettext_lazy("It is a request to handle"), required=False)
    grid = forms.TypedChoiceField(label=gettext_lazy("Grid it concerns"), required=False, coerce=int,
                                  empty_value=None)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=RequestKind.choices, initial=RequestKind.APPEAL)
    category = forms.ChoiceField(label=pgettext_lazy("station", "Category"), choices=RequestCategory.choices,
                                 initial=RequestCategory.OTHER)
    urgency = forms.ChoiceField(label=pgettext_lazy("station", "Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    text = forms.CharField(label=gettext_lazy("What they ask (empty: the topic)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, grids=(), **kwargs):
        super().__init__(*args, **kwargs)
        if grids:
            self.fields["grid"].choices = [("", "—")] + [(g.pk, g.name) for g in grids]
        else:
            del self.fields["grid"]

    def clean_at(self):
        at = self.cleaned_data.get("at")
        if at is not None and not 2000 <= at.year <= 2099:
            raise ValidationError(_("The time must be between the years 2000 and 2099."))
        return at


def _styled(form):
    for field in form.fields.values():
        if isinstance(field.widget, (forms.RadioSelect, forms.CheckboxInput)):
            field.widget.attrs.setdefault("class", "form-check-input")
            continue
        field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select)
                                      else "form-control")
    return form


_errors = form_errors


def _area(request, action: str = VIEW_STATIONS) -> Area:
    return area_asked(request, action, from_post=True)


def _month(request) -> datetime.date:
    raw = request.GET.get("month") or ""
    try:
        month = datetime.datetime.strptime(raw, "%Y-%m").date()
    except ValueError:
        return timezone.localdate().replace(day=1)
    return month if 2000 <= month.year <= 2099 else timezone.localdate().replace(day=1)


def _shift(month: datetime.date, by: int) -> str:
    n = month.year * 12 + month.month - 1 + by
    return f"{n // 12:04d}-{n % 12 + 1:02d}"


def _kits(request, sites, month) -> bool:
    """Kits issued at each site this month, where the registry has such a figure counted at sites."""
    figure = next((f for f in figures.figure_list() if f.code == KITS_FIGURE), None)
    if figure is None or figure.site is None:
        return False
    period = figures.Period(*stations.month_period(month))
    kits = figures.sites_figure(code=KITS_FIGURE, site_ids=[site.pk for site in sites], period=period)
    for site in sites:
        site.kits = kits.get(site.pk) or 0
    return True


@policy.requires(VIEW_STATIONS)
def station_list(request):
    """The service stations and centres of an area: services and hours, this month's sessions and attendees."""
    area = _area(request)
    month = _month(request)
    page = Paginator(stations.station_sites(actor=request.user, area=area), PAGE_SIZE).get_page(request.GET.get("page"))
    sites = stations.station_rows(actor=request.user, area=area, month=month, sites=list(page.object_list))
    return render(request, "care/stations/station_list.html", {
        "area": area, "sites": sites, "page": page, "month": month, "kits": _kits(request, sites, month),
        "previous": _shift(month, -1), "next": _shift(month, 1),
        "breadcrumb": area_breadcrumb(actor=request.user, area=area),
        "children": Area.objects.get_children(area).restrict(request.user, VIEW_STATIONS).order_by("code")
        if area.level not in (AreaLevel.COMMUNITY, AreaLevel.GRID) else []})


def _station(request, pk, action: str = VIEW_STATIONS):
    site = stations.station_get_for(request.user, pk)
    if not policy.allows(request.user, action, site):
        raise PermissionDenied
    return site


def _station_page(request, site, *, form=None, services_errors=None, status=200):
    today = timezone.localdate()
    month = today.replace(day=1)
    rows = stations.counseling_list(actor=request.user, area=site.area, start=datetime.date(2000, 1, 1), end=today,
                                    site=site)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    offered = {s.service: s for s in stations.SiteService.objects.filter(site=site)}
    may_record = policy.allows(request.user, RECORD_SERVICE, site)
    now = timezone.now()
    for session in page.object_list:
        session.may_delete = may_record and stations.counseling_may_delete(request.user, session, now)
    totals = stations.counseling_totals(rows.filter(held_on__gte=month))
    return render(request, "care/stations/station_detail.html", {
        "site": site, "page": page, "totals": totals, "month": month,
        "services": [(code, label, offered.get(code)) for code, label in StationService.choices],
        "may_manage": policy.allows(request.user, MANAGE_STATIONS, site), "may_record": may_record,
        "services_errors": services_errors or [],
        "form": form or _styled(CounselingForm(initial={"held_on": today, "mode": CounselingMode.IN_PERSON})),
        "breadcrumb": area_breadcrumb(actor=request.user, area=site.area)}, status=status)


@policy.requires(VIEW_STATIONS)
def station_detail(request, pk):
    return _station_page(request, _station(request, pk))


@policy.requires(MANAGE_STATIONS)
@require_POST
def station_services(request, pk):
    """Save the services a station offers: a box and the hours for each."""
    site = _station(request, pk, MANAGE_STATIONS)
    wanted = {code: request.POST.get(f"hours_{code}", "") for code in StationService.values
              if request.POST.get(f"offer_{code}")}
    try:
        stations.site_services_set(actor=request.user, site=site, services=wanted)
    except ValidationError as e:
        return _station_page(request, site, services_errors=e.messages, status=200)
    messages.success(request, _("The services of %(site)s are saved.") % {"site": site.name})
    return redirect("station_detail", pk=site.pk)


@policy.requires(RECORD_SERVICE)
@require_POST
def counseling_new(request, pk):
    site = _station(request, pk, RECORD_SERVICE)
    form = _styled(CounselingForm(request.POST))
    if form.is_valid():
        data = form.cleaned_data
        try:
            stations.counseling_record(actor=request.user, site=site, held_on=data["held_on"],
                                       counsellor=data["counsellor"], attendees=data["attendees"],
                                       topic=data["topic"], mode=data["mode"])
        except ValidationError as e:
            _errors(form, e)
        else:
            messages.success(request, _("The counseling session is recorded."))
            return redirect("station_detail", pk=site.pk)
    return _station_page(request, site, form=form)


@policy.requires(RECORD_SERVICE)
@require_POST
def counseling_delete(request, pk):
    session = get_for(CounselingSession.objects.select_related("site"), request.user, pk)
    stations.counseling_delete(actor=request.user, session=session)
    messages.success(request, _("The counseling session is deleted."))
    return redirect("station_detail", pk=session.site_id)


@policy.requires(VIEW_STATIONS)
def counseling_list(request):
    """The counseling sessions of an area in a month, by site and mode, with their totals."""
    area = _area(request)
    month = _month(request)
    start, end = stations.month_period(month)
    sites = list(stations.station_sites(actor=request.user, area=area)[:500])  # the filter's choices
    site = None
    if request.GET.get("site"):
        site = stations.station_sites(actor=request.user, area=area).filter(pk=request.GET["site"]).first() \
            if request.GET["site"].isdigit() else None
        if site is None:
            raise Http404
    mode = request.GET.get("mode") if request.GET.get("mode") in CounselingMode.values else ""
    rows = stations.counseling_list(actor=request.user, area=area, start=start, end=end, site=site, mode=mode)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "care/stations/counseling_list.html", {
        "area": area, "month": month, "sites": sites, "site": site, "mode": mode, "modes": CounselingMode.choices,
        "page": page, "totals": stations.counseling_totals(rows), "previous": _shift(month, -1),
        "next": _shift(month, 1), "breadcrumb": area_breadcrumb(actor=request.user, area=area)})


def _grids(request, area):
    if area.level == AreaLevel.GRID:
        return []
    return list(Area.objects.filter(level=AreaLevel.GRID, path__startswith=area.path)
                .restrict(request.user, "take_requests").order_by("path")[:500])


def _call_log(request, area, form, status=200):
    rows = stations.hotline_calls(actor=request.user, area=area)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for call in page.object_list:
        call.phone_masked = mask_phone(call.caller_phone)
        call.may_reveal = stations.hotline_may_reveal(request.user, call)
    return render(request, "care/stations/hotline_calls.html", {
        "area": area, "page": page, "form": form, "may_record": policy.allows(request.user, RECORD_SERVICE, area),
        "breadcrumb": area_breadcrumb(actor=request.user, area=area)}, status=status)


@policy.requires(VIEW_STATIONS)
def hotline_call_list(request):
    """The secretary-hotline calls of an area, newest first, phones masked; the record form for a desk."""
    area = _area(request)
    form = _styled(HotlineCallForm(grids=_grids(request, area))) if policy.allows(
        request.user, RECORD_SERVICE, area) else None
    return _call_log(request, area, form)


@policy.requires(RECORD_SERVICE)
@require_POST
def hotline_call_new(request):
    area = _area(request, RECORD_SERVICE)
    grids = _grids(request, area)
    form = _styled(HotlineCallForm(request.POST, grids=grids))
    if form.is_valid():
        data = form.cleaned_data
        as_request = None
        if data["is_request"]:
            grid = next((g for g in grids if g.pk == data.get("grid")), None)
            as_request = stations.AsRequest(category=data["category"], kind=data["kind"], urgency=data["urgency"],
                                            grid=grid, text=data["text"])
        try:
            call = stations.hotline_call_record(actor=request.user, area=area, topic=data["topic"], at=data["at"],
                                                caller_phone=data["caller_phone"], as_request=as_request)
        except ValidationError as e:
            _errors(form, e)
        else:
            if call.request_id:
                messages.success(request, _("The call is recorded, and its request %(receipt)s is taken in.")
                                 % {"receipt": call.request.receipt_display})
            else:
                messages.success(request, _("The call is recorded."))
            return redirect(f"{_url('hotline_call_list')}?area={area.pk}")
    return _call_log(request, area, form)


def _url(name):
    from django.urls import reverse

    return reverse(name)


@policy.requires(VIEW_STATIONS)
@require_POST
def hotline_call_reveal(request, pk):
    """The caller's phone in full, once; the reveal is written into the audit log."""
    call = get_for(HotlineCall, request.user, pk)
    phone = stations.hotline_call_reveal(actor=request.user, call=call)
    return render(request, "care/stations/partials/revealed.html", {"value": phone})
