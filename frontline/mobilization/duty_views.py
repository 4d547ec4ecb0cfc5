"""Pages for duty around the clock: 我的值守 on the phone of the person on duty (签到 / 签退), and an area's
24-hour rosters with their holes and the shifts nobody attends, the scheduling form, and attendance for a
month. The rules are the services' (`duty_services.py`)."""

import datetime

from django import forms
from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from frontline.areas.models import Area, AreaLevel, Site
from frontline.areas.selectors import area_breadcrumb, area_get_for
from frontline.core import policy
from frontline.core.scoping import get_for

from .duty import DutyShift
from .duty_services import (
    CHECK_IN,
    MANAGE_DUTY,
    duty_attendance,
    duty_candidate_choices,
    duty_candidates,
    duty_check_in,
    duty_check_out,
    duty_roster,
    duty_shift_cancel,
    duty_shift_create,
    my_shifts,
)

FLAGGED_ROWS = 300  # above a community, the flagged places shown (the count is always whole)


def _places(area: Area, actor) -> list[tuple[str, str]]:
    """The sites and grids of a community (or a grid) for the scheduling form: "g<pk>" / "s<pk>"."""
    grids = Area.objects.restrict(actor, MANAGE_DUTY).filter(level=AreaLevel.GRID, path__startswith=area.path)
    sites = Site.objects.restrict(actor, MANAGE_DUTY).filter(area__path__startswith=area.path, closed_on__isnull=True)
    return ([(f"g{g.pk}", g.name) for g in grids.order_by("path")]
            + [(f"s{s.pk}", f"{s.get_kind_display()} · {s.name}") for s in sites.order_by("name", "pk")])


class ShiftForm(forms.Form):
    place = forms.ChoiceField(label=gettext_lazy("Site or grid"), error_messages={
        "invalid_choice": gettext_lazy("Choose a site or grid of this area where you schedule duty.")})
    # Offered: people behind accounts, cadres sent down, party members here; taken: anyone the service accepts.
    person = forms.IntegerField(label=gettext_lazy("Person on duty"), required=False, widget=forms.Select)
    id_number = forms.CharField(label=gettext_lazy("or their ID number"), max_length=18, required=False)
    starts_at = forms.DateTimeField(label=gettext_lazy("starts at"),
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    ends_at = forms.DateTimeField(label=gettext_lazy("ends at"),
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))

    def __init__(self, *args, actor, area, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = _places(area, actor)
        self.fields["person"].widget.choices = [("", "—")] + [(p.pk, p.name)
                                                               for p in duty_candidate_choices(actor=actor, area=area)]
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-select" if isinstance(f.widget, forms.Select) else "form-control"


def _day(request) -> datetime.date:
    """The day asked for (?day=YYYY-MM-DD), or today for anything else (also a year no roster can have)."""
    try:
        day = datetime.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return timezone.localdate()
    return day if 2000 <= day.year <= 2100 else timezone.localdate()


def _month(request) -> datetime.date:
    try:
        month = datetime.date.fromisoformat(request.GET.get("month", "") + "-01")
    except ValueError:
        return timezone.localdate().replace(day=1)
    return month if 2000 <= month.year <= 2100 else timezone.localdate().replace(day=1)


@policy.requires(CHECK_IN)
def my_duty(request):
    """我的值守: the account's own shifts from today, each with one large 签到 / 签退 button."""
    return render(request, "mobilization/my_duty.html", {"rows": my_shifts(actor=request.user),
                                                         "has_person": bool(request.user.person_id)})


@policy.requires(CHECK_IN)
@require_POST
def check_in_view(request, pk, action):
    """签到 (`action` "in") or 签退 ("out") of one's own shift: another's shift is not found (404)."""
    if action not in ("in", "out"):
        raise Http404
    try:
        shift = DutyShift.objects.restrict(request.user, CHECK_IN).get(pk=pk)
    except (DutyShift.DoesNotExist, ValueError):
        raise Http404 from None
    try:
        if action == "in":
            duty_check_in(actor=request.user, shift=shift, note=request.POST.get("note", ""))
            flash.success(request, _("Checked in at %(time)s.") % {"time": timezone.localtime().strftime("%H:%M")})
        else:
            duty_check_out(actor=request.user, shift=shift, note=request.POST.get("note", ""))
            flash.success(request, _("Checked out at %(time)s.") % {"time": timezone.localtime().strftime("%H:%M")})
    except ValidationError as e:
        flash.error(request, " ".join(e.messages))
    return redirect("my_duty")


def _duty_area(request, pk) -> Area:
    area = area_get_for(request.user, pk)
    policy.require(request.user, MANAGE_DUTY, area)
    return area


@policy.requires(MANAGE_DUTY)
def area_duty(request, pk):
    """An area's 24-hour rosters for a day (today by default): every site and grid of a community with its
    shifts, holes and shifts under way that nobody attends; above a community, the places flagged."""
    area = _duty_area(request, pk)
    small = area.level in (AreaLevel.COMMUNITY, AreaLevel.GRID)
    roster = duty_roster(actor=request.user, area=area, day=_day(request), gaps_only=not small)
    form = ShiftForm(actor=request.user, area=area) if small else None
    return _render_duty(request, area, roster, form)


def _render_duty(request, area, roster, form, status=200):
    small = area.level in (AreaLevel.COMMUNITY, AreaLevel.GRID)
    places = roster.places if small else roster.flagged[:FLAGGED_ROWS]
    return render(request, "mobilization/area_duty.html", {
        "area": area, "roster": roster, "places": places, "small": small, "form": form,
        "more": 0 if small else max(0, len(roster.flagged) - FLAGGED_ROWS),
        "prev_day": roster.day - datetime.timedelta(days=1), "next_day": roster.day + datetime.timedelta(days=1),
        "breadcrumb": area_breadcrumb(actor=request.user, area=area)}, status=status)


@policy.requires(MANAGE_DUTY)
@require_POST
def duty_shift_new(request, pk):
    area = _duty_area(request, pk)
    form = ShiftForm(request.POST, actor=request.user, area=area)
    if form.is_valid():
        d = form.cleaned_data
        place_pk = d["place"][1:]
        site = Site.objects.filter(pk=place_pk).first() if d["place"].startswith("s") else None
        grid = Area.objects.filter(pk=place_pk).first() if d["place"].startswith("g") else None
        candidates = duty_candidates(actor=request.user, area=area)
        person = None
        if d["id_number"].strip():
            person = candidates.filter(id_number=d["id_number"].strip().upper()).first()
            if person is None:
                form.add_error("id_number", _("Nobody with this ID number may be put on duty here."))
        elif d["person"]:
            person = candidates.filter(pk=d["person"]).first()
        if not form.errors:
            try:
                shift = duty_shift_create(actor=request.user, person=person, starts_at=d["starts_at"],
                                          ends_at=d["ends_at"], site=site, grid=grid)
            except ValidationError as e:
                for key, errors in e.message_dict.items():
                    form.add_error(key if key in form.fields else None, errors)
            else:
                flash.success(request, _("%(name)s is on duty at %(place)s.") % {"name": person.name,
                                                                                 "place": shift.place.name})
                day = timezone.localtime(shift.starts_at).date()
                return redirect(f"{reverse('area_duty', args=[area.pk])}?day={day.isoformat()}")
    roster = duty_roster(actor=request.user, area=area, gaps_only=area.level not in (AreaLevel.COMMUNITY, AreaLevel.GRID))
    return _render_duty(request, area, roster, form, status=400)


@policy.requires(MANAGE_DUTY)
def area_duty_attendance(request, pk):
    """Attendance per person for a month: shifts scheduled, attended, missed, hours present."""
    area = _duty_area(request, pk)
    month = _month(request)
    previous = (month - datetime.timedelta(days=1)).replace(day=1)
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    return render(request, "mobilization/area_duty_attendance.html", {
        "area": area, "month": month, "rows": duty_attendance(actor=request.user, area=area, month=month),
        "previous": previous, "following": following,
        "breadcrumb": area_breadcrumb(actor=request.user, area=area)})


@policy.requires(MANAGE_DUTY)
@require_POST
def duty_shift_cancel_view(request, pk):
    shift = get_for(DutyShift.objects.select_related("person"), request.user, pk)
    day = timezone.localtime(shift.starts_at).date()
    try:
        duty_shift_cancel(actor=request.user, shift=shift)
    except ValidationError as e:
        flash.error(request, " ".join(e.messages))
    else:
        flash.success(request, _("The shift of %(name)s is cancelled.") % {"name": shift.person.name})
    community = next((a for a in Area.objects.get_ancestors(shift.area) if a.level == AreaLevel.COMMUNITY), shift.area)
    target = community if policy.allows(request.user, MANAGE_DUTY, community) else shift.area
    return redirect(f"{reverse('area_duty', args=[target.pk])}?day={day.isoformat()}")
