"""Control-zone pages: the zones in an area (due to step down first), a zone with its history, declaring,
raising and lifting one, a commander's step-down confirmation, and a zone's households for door-to-door
service (masked, audited)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontline.areas.models import Area, AreaLevel, Building
from frontline.areas.selectors import area_breadcrumb
from frontline.core import policy
from frontline.core.audit import audit_record
from frontline.core.models import AuditAction
from frontline.core.scoping import get_for
from frontline.core.selectors import work_order_get_for

from . import zones
from .models import ZoneLevel
from .policy import CONFIRM_STEP_DOWN, MANAGE_ZONES, VIEW_ZONES


class ZoneDeclareForm(forms.Form):
    level = forms.ChoiceField(label=gettext_lazy("Level"), choices=ZoneLevel.choices)
    building = forms.TypedChoiceField(label=gettext_lazy("Building (empty: the whole area)"), required=False,
                                      coerce=int, empty_value=None)
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    starts_at = forms.DateTimeField(label=gettext_lazy("From (empty: now)"), required=False,
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    name = forms.CharField(label=gettext_lazy("Name (empty: the place's)"), required=False, max_length=100)

    def clean_starts_at(self):
        """A start a calendar can hold in any time zone (year 1 in Shanghai is year 0 in UTC: no date)."""
        starts_at = self.cleaned_data.get("starts_at")
        if starts_at is not None and not 2000 <= starts_at.year <= 2099:
            raise ValidationError(_("The start must be between the years 2000 and 2099, not %(when)s.")
                                  % {"when": starts_at.strftime("%Y-%m-%d %H:%M")})
        return starts_at

    def __init__(self, *args, buildings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].choices = [("", "—")] + [(b.pk, b.name) for b in buildings]
        if not buildings:
            del self.fields["building"]


class ZoneRaiseForm(forms.Form):
    level = forms.ChoiceField(label=gettext_lazy("Raise to"), choices=ZoneLevel.choices)
    note = forms.CharField(label=gettext_lazy("Why"), widget=forms.Textarea(attrs={"rows": 3}))


class ZoneNoteForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), widget=forms.Textarea(attrs={"rows": 3}))


def _styled(form):
    for field in form.fields.values():
        field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select) else "form-control")
    return form


def _errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errs in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error.messages)


def _area(request, action: str = VIEW_ZONES) -> Area:
    area_id = request.GET.get("area")
    if area_id not in (None, ""):
        try:
            return Area.objects.restrict(request.user, action).get(pk=area_id)
        except (Area.DoesNotExist, ValueError, TypeError):
            raise Http404 from None
    area = policy.home_area(request.user)
    if area is None or not policy.allows_in(request.user, action, area):
        raise Http404
    return area


@policy.requires(VIEW_ZONES)
def zone_list(request):
    """The zones in force in an area (and over it), those due to step down today first."""
    area = _area(request)
    now = timezone.now()
    lifted = request.GET.get("lifted") == "1"
    rows = zones.zone_list(actor=request.user, area=area, now=now, include_lifted=lifted)
    return render(request, "epidemic/zones/zone_list.html", {
        "area": area, "rows": rows, "lifted": lifted, "due": [r for r in rows if r.due_today],
        "breadcrumb": area_breadcrumb(actor=request.user, area=area),
        "may_declare": zones.may_manage(request.user, area),
        "children": Area.objects.get_children(area).restrict(request.user, VIEW_ZONES).order_by("code")
        if area.level != AreaLevel.GRID else []})


@policy.requires(VIEW_ZONES)
def zone_detail(request, pk):
    zone = zones.zone_get_for(request.user, pk)
    now = timezone.now()
    proposal = zones.zone_step_down_now(zone, now) if zone.ends_at is None else None
    return render(request, "epidemic/zones/zone_detail.html", {
        "zone": zone, "changes": zone.changes.select_related("by"), "proposal": proposal,
        "due_now": proposal is not None and proposal.holds(now),
        "households": zones.zone_households(zone).count(),
        "breadcrumb": area_breadcrumb(actor=request.user, area=zone.area),
        "may_manage": zones.may_manage(request.user, zone), "may_confirm": zones.may_confirm(request.user, zone),
        "may_view_people": policy.allows_in(request.user, policy.VIEW_PEOPLE, zone.area)})


@policy.requires(MANAGE_ZONES)
def zone_declare(request, area_pk):
    """Declare a zone over this area or one of its buildings (a grid's)."""
    area = get_for(Area, request.user, area_pk)
    if not policy.allows(request.user, MANAGE_ZONES, area):
        raise PermissionDenied
    buildings = list(Building.objects.filter(area=area).order_by("name")) if area.level == AreaLevel.GRID else []
    form = _styled(ZoneDeclareForm(request.POST or None, buildings=buildings, initial={"level": ZoneLevel.SEALED}))
    if request.method == "POST" and form.is_valid():
        building = None
        if form.cleaned_data.get("building"):
            building = Building.objects.select_related("area").filter(pk=form.cleaned_data["building"]).first()
        try:
            zone = zones.zone_declare(actor=request.user, area=area, building=building,
                                      level=form.cleaned_data["level"], reason=form.cleaned_data["reason"],
                                      starts_at=form.cleaned_data.get("starts_at"), name=form.cleaned_data.get("name", ""))
        except ValidationError as e:
            _errors(form, e)
        else:
            messages.success(request, _("%(zone)s: %(level)s.") % {"zone": zone.name, "level": zone.get_level_display()})
            return redirect("zone_detail", pk=zone.pk)
    return render(request, "epidemic/zones/zone_form.html", {
        "form": form, "area": area, "title": _("Declare a control zone"),
        "breadcrumb": area_breadcrumb(actor=request.user, area=area)})


def _zone_for(request, pk, action: str):
    zone = zones.zone_get_for(request.user, pk)
    if not policy.allows(request.user, action, zone):
        raise PermissionDenied
    return zone


@policy.requires(MANAGE_ZONES)
def zone_raise(request, pk):
    zone = _zone_for(request, pk, MANAGE_ZONES)
    form = _styled(ZoneRaiseForm(request.POST or None, initial={"level": ZoneLevel.SEALED}))
    if request.method == "POST" and form.is_valid():
        try:
            zones.zone_raise(actor=request.user, zone=zone, level=form.cleaned_data["level"], note=form.cleaned_data["note"])
        except ValidationError as e:
            _errors(form, e)
        else:
            messages.success(request, _("The zone was raised."))
            return redirect("zone_detail", pk=zone.pk)
    return render(request, "epidemic/zones/zone_form.html", {
        "form": form, "zone": zone, "area": zone.area, "title": _("Raise the zone's level"),
        "breadcrumb": area_breadcrumb(actor=request.user, area=zone.area)})


@policy.requires(MANAGE_ZONES)
def zone_lift(request, pk):
    zone = _zone_for(request, pk, MANAGE_ZONES)
    form = _styled(ZoneNoteForm(request.POST or None))
    if request.method == "POST" and form.is_valid():
        try:
            zones.zone_lift(actor=request.user, zone=zone, note=form.cleaned_data["note"])
        except ValidationError as e:
            _errors(form, e)
        else:
            messages.success(request, _("The zone was lifted."))
            return redirect("zone_detail", pk=zone.pk)
    return render(request, "epidemic/zones/zone_form.html", {
        "form": form, "zone": zone, "area": zone.area, "title": _("Lift the zone"), "danger": True,
        "breadcrumb": area_breadcrumb(actor=request.user, area=zone.area)})


@policy.requires(CONFIRM_STEP_DOWN)
def zone_step_down(request, pk):
    """The commander's confirmation: the rule, when it holds, and the button (refused before its time)."""
    zone = _zone_for(request, pk, CONFIRM_STEP_DOWN)
    now = timezone.now()
    form = _styled(ZoneNoteForm(request.POST or None))
    form.fields["note"].required = False
    if request.method == "POST" and form.is_valid():
        try:
            zones.zone_step_down(actor=request.user, zone=zone, now=now, note=form.cleaned_data["note"])
        except ValidationError as e:
            _errors(form, e)
        else:
            messages.success(request, _("Step-down confirmed."))
            return redirect("zone_detail", pk=zone.pk)
    proposal = zones.zone_step_down_now(zone, now) if zone.ends_at is None else None
    return render(request, "epidemic/zones/zone_step_down.html", {
        "zone": zone, "proposal": proposal, "form": form, "due_now": proposal is not None and proposal.holds(now),
        "breadcrumb": area_breadcrumb(actor=request.user, area=zone.area)})


@policy.requires(policy.VIEW_WORK)
def zone_step_down_order(request, pk):
    """A step-down work order's own page: the zone's confirmation."""
    order = work_order_get_for(request.user, pk)
    zone = zones.zone_for_order(request.user, order)
    return redirect("zone_step_down", pk=zone.pk)


@policy.requires(policy.VIEW_PEOPLE)
def zone_households(request, pk):
    """A zone's households for door-to-door service, a page at a time: homes and masked names; each page viewed
    is written into the audit log (a list of personal data)."""
    zone = _zone_for(request, pk, policy.VIEW_PEOPLE)
    rows = zones.zone_households(zone).select_related("building__area").order_by(
        "building__area__path", "building__name", "unit", "room", "pk")
    page = Paginator(rows, settings.FRONTLINE_PAGE_SIZE).get_page(request.GET.get("page"))
    items = zones.zone_household_rows(actor=request.user, zone=zone, households=list(page.object_list))
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=zone, note="zone households listed")
    return render(request, "epidemic/zones/zone_households.html", {
        "zone": zone, "page": page, "items": items, "sealed": zone.level == ZoneLevel.SEALED and zone.ends_at is None,
        "breadcrumb": area_breadcrumb(actor=request.user, area=zone.area)})
