"""Writes and reads for duty around the clock (全天候在岗): scheduling a shift at a site or a grid, checking in
and out of one's own shift, the 24-hour roster of every site and grid of an area with its holes and the
shifts under way that nobody attends, and attendance per person for a month.

Every write asks the policy first and is audited. Times are aware datetimes; days are local dates of the
project's zone (Asia/Shanghai), so a day runs from local midnight to local midnight."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, CharField, Exists, F, Max, OuterRef, Q, RowRange, Value, When, Window
from django.db.models.functions import Cast, Coalesce, Greatest, Least
from django.utils import timezone
from django.utils.translation import gettext as _

from frontline.areas.models import Area, AreaLevel, Site, SiteKind
from frontline.core import policy
from frontline.core.audit import audit_create, audit_record, audit_update, diff, snapshot
from frontline.core.models import Assignment, AuditAction
from frontline.people.models import PartyMember, Person

from .duty import CheckIn, DutyShift
from .models import Deployment

MANAGE_DUTY = "manage_duty"
CHECK_IN = "check_in"
OWN_DUTY = "own_duty"  # scope kind: the shifts of the account's own person
EARLY = datetime.timedelta(minutes=30)  # one may check in this long before the shift starts
MAX_SHIFT = datetime.timedelta(hours=24)
PLAUSIBLE_YEARS = (2000, 2100)  # as the roster pages' ?day= (a year 0001 shift would not even convert to UTC)
DAY = datetime.timedelta(days=1)


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%m-%d %H:%M")


def _aware(moment: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Local midnight to the next local midnight, as aware datetimes."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
    end = timezone.make_aware(datetime.datetime.combine(day + DAY, datetime.time()))
    return start, end


# --- who may be put on duty -------------------------------------------------------------------------------

def _ancestor_paths(area: Area, down_to: int = 16) -> list[str]:
    """The paths of the area and its ancestors from community level down (4 characters a level)."""
    return [area.path[:n] for n in range(down_to, len(area.path) + 1, 4)]


def duty_candidates(*, actor, area: Area):
    """The people the actor may put on duty at the area: people they see there (residents, party members,
    cadres of units there), cadres sent down to it in force today, and people behind accounts assigned there
    (grid workers, volunteers, cadres)."""
    today = timezone.localdate()
    here = Q(path__startswith=area.path) | Q(path__in=_ancestor_paths(area))
    seen = Person.objects.restrict(actor, policy.VIEW_PEOPLE).filter(Person.scope_for_area(area)).values("pk")
    deployed = (Deployment.objects.restrict(actor, policy.VIEW_PEOPLE)
                .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today), starts_on__lte=today)
                .filter(area__in=Area.objects.filter(here)).values("cadre__person_id"))
    accounts = (Assignment.objects.current(today).filter(area__in=Area.objects.filter(here),
                                                         user__is_active=True, user__person__isnull=False)
                .values("user__person_id"))
    return Person.objects.filter(Q(pk__in=seen) | Q(pk__in=deployed) | Q(pk__in=accounts))


def duty_candidate_choices(*, actor, area: Area, limit: int = 300) -> list[Person]:
    """For a select: those behind accounts, cadres sent down and party members there (not every resident)."""
    today = timezone.localdate()
    here = Q(path__startswith=area.path) | Q(path__in=_ancestor_paths(area))
    members = PartyMember.objects.filter(left_on__isnull=True, org__area__path__startswith=area.path).values("person_id")
    deployed = (Deployment.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today), starts_on__lte=today)
                .filter(area__in=Area.objects.filter(here)).values("cadre__person_id"))
    accounts = Assignment.objects.current(today).filter(area__in=Area.objects.filter(here)).values("user__person_id")
    return list(duty_candidates(actor=actor, area=area)
                .filter(Q(pk__in=members) | Q(pk__in=deployed) | Q(pk__in=accounts))
                .order_by("pinyin_full", "pk")[:limit])


# --- writes ------------------------------------------------------------------------------------------------

@transaction.atomic
def duty_shift_create(*, actor, person: Person, starts_at: datetime.datetime, ends_at: datetime.datetime,
                      site: Site | None = None, grid: Area | None = None) -> DutyShift:
    """Put `person` on duty at a site or a grid (in the actor's scope) from `starts_at` to `ends_at`. Refused:
    an end not after the start, a shift longer than a day, a place outside the actor's scope, a person they
    may not put on duty there, and a shift overlapping another of the same person."""
    policy.require(actor, MANAGE_DUTY)
    if (site is None) == (grid is None):
        raise ValidationError({"place": _("Choose one site or one grid for the shift.")})
    if grid is not None and grid.level != AreaLevel.GRID:
        raise ValidationError({"place": _("%(area)s is not a grid: shifts are at a site or a grid.") % {"area": grid.name}})
    area = site.area if site is not None else grid
    place = site or grid
    if actor is not None and not policy.allows(actor, MANAGE_DUTY, area):
        raise ValidationError({"place": _("%(place)s is not in your area: you can schedule duty only where you manage it.")
                               % {"place": place.name}})
    if starts_at is None or ends_at is None:
        raise ValidationError({"starts_at": _("Give the start and the end of the shift.")})
    starts_at, ends_at = _aware(starts_at), _aware(ends_at)
    for key, moment in (("starts_at", starts_at), ("ends_at", ends_at)):
        if not PLAUSIBLE_YEARS[0] <= moment.year <= PLAUSIBLE_YEARS[1]:  # a mistyped year (0022, 20222)
            raise ValidationError({key: _("%(date)s is not a plausible date: check the year.") % {
                "date": moment.date().isoformat()}}, code="implausible")
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The shift ends (%(end)s) before or when it starts (%(start)s).")
                               % {"end": _local(ends_at), "start": _local(starts_at)}})
    if ends_at - starts_at > MAX_SHIFT:
        raise ValidationError({"ends_at": _("A shift lasts at most 24 hours: split a longer duty into shifts.")})
    if site is not None and site.closed_on and timezone.localtime(starts_at).date() > site.closed_on:
        raise ValidationError({"place": _("%(place)s closed on %(day)s.") % {"place": site.name, "day": site.closed_on}})
    if person is None:
        raise ValidationError({"person": _("Choose the person on duty.")})
    if actor is not None and not duty_candidates(actor=actor, area=area).filter(pk=person.pk).exists():
        raise ValidationError({"person": _("%(name)s is not among the people you may put on duty at %(place)s.")
                               % {"name": person.name, "place": place.name}})
    Person.objects.select_for_update().filter(pk=person.pk).first()  # one scheduler at a time for this person
    clash = (DutyShift.objects.filter(person=person, starts_at__lt=ends_at, ends_at__gt=starts_at)
             .select_related("site", "grid").order_by("starts_at").first())
    if clash is not None:
        raise ValidationError({"starts_at": _("%(name)s is on duty at %(place)s from %(start)s to %(end)s already: "
                                              "one person's shifts cannot overlap.")
                               % {"name": person.name, "place": clash.place.name, "start": _local(clash.starts_at),
                                  "end": _local(clash.ends_at)}})
    shift = DutyShift(site=site, grid=grid, area=area, person=person, starts_at=starts_at, ends_at=ends_at,
                      created_by=actor if actor is not None and actor.pk else None)
    shift.full_clean()
    shift.save()
    audit_create(actor, shift, person=person, note="duty shift scheduled")
    return shift


@transaction.atomic
def duty_shift_cancel(*, actor, shift: DutyShift) -> None:
    """Take a shift off the roster (a mistake, a change of plan): only one nobody checked in to yet, so
    attendance never loses what happened. Audited with what the shift was."""
    shift = DutyShift.objects.select_for_update(of=("self",)).select_related("person", "site", "grid").get(pk=shift.pk)
    policy.require(actor, MANAGE_DUTY, shift)
    if shift.check_ins.exists():
        raise ValidationError(_("%(name)s checked in to this shift already: it stays on the roster.")
                              % {"name": shift.person.name}, code="attended")
    audit_record(actor=actor, action=AuditAction.DELETE, obj=shift, person=shift.person,
                 changes=diff(snapshot(shift), {}), note="duty shift cancelled")
    shift.delete()


def _own_shift(actor, shift: DutyShift) -> DutyShift:
    policy.require(actor, CHECK_IN)
    shift = DutyShift.objects.select_for_update(of=("self",)).select_related("person", "site", "grid").get(pk=shift.pk)
    if actor is not None and (not actor.person_id or actor.person_id != shift.person_id):
        raise ValidationError(_("This is %(name)s's shift: only the person on duty checks in and out of it.")
                              % {"name": shift.person.name}, code="not_own")
    policy.require(actor, CHECK_IN, shift)
    return shift


@transaction.atomic
def duty_check_in(*, actor, shift: DutyShift, note: str = "", now: datetime.datetime | None = None) -> CheckIn:
    """The person on duty checks in (server time): from half an hour before the shift until its end, and not
    while checked in already."""
    shift = _own_shift(actor, shift)
    now = now or timezone.now()
    if now < shift.starts_at - EARLY:
        raise ValidationError(_("The shift starts at %(start)s: you can check in from half an hour before.")
                              % {"start": _local(shift.starts_at)}, code="early")
    if now >= shift.ends_at:
        raise ValidationError(_("The shift ended at %(end)s: you can no longer check in to it.")
                              % {"end": _local(shift.ends_at)}, code="ended")
    open_one = shift.check_ins.filter(checked_out_at__isnull=True).first()
    if open_one is not None:
        raise ValidationError(_("You checked in to this shift at %(time)s already: check out first.")
                              % {"time": _local(open_one.checked_in_at)}, code="twice")
    check_in = CheckIn(shift=shift, checked_in_at=now, note=" ".join((note or "").split())[:200])
    check_in.full_clean()
    check_in.save()
    audit_create(actor, check_in, person=shift.person, note="checked in")
    return check_in


@transaction.atomic
def duty_check_out(*, actor, shift: DutyShift, note: str = "", now: datetime.datetime | None = None) -> CheckIn:
    """The person on duty checks out of the check-in that is open (server time, never before it)."""
    shift = _own_shift(actor, shift)
    now = now or timezone.now()
    open_one = shift.check_ins.select_for_update().filter(checked_out_at__isnull=True).first()
    if open_one is None:
        raise ValidationError(_("You have not checked in to this shift: there is nothing to check out of."),
                              code="not_in")
    if now < open_one.checked_in_at:
        raise ValidationError(_("A check-out (%(out)s) cannot come before its check-in (%(in)s).")
                              % {"out": _local(now), "in": _local(open_one.checked_in_at)}, code="before_in")
    before = snapshot(open_one)
    open_one.checked_out_at = now
    note = " ".join((note or "").split())
    if note:
        open_one.note = " ".join(filter(None, [open_one.note, note]))[:200]
    open_one.full_clean()
    open_one.save()
    audit_update(actor, open_one, before, person=shift.person, note="checked out")
    return open_one


# --- reads: my shifts --------------------------------------------------------------------------------------

@dataclass
class MyShift:
    shift: DutyShift
    open_check_in: CheckIn | None
    attended: bool
    can_check_in: bool
    under_way: bool
    ended: bool


def my_shifts(*, actor, now: datetime.datetime | None = None, limit: int = 20) -> list[MyShift]:
    """The actor's own shifts from today on (and one still under way from yesterday): two queries."""
    now = now or timezone.now()
    if not actor.person_id:
        return []
    start, _end = day_bounds(timezone.localtime(now).date())
    shifts = list(DutyShift.objects.restrict(actor, CHECK_IN).filter(person_id=actor.person_id, ends_at__gt=start)
                  .select_related("site", "grid", "area").order_by("starts_at")[:limit])
    check_ins = defaultdict(list)
    for c in CheckIn.objects.filter(shift__in=[s.pk for s in shifts]).order_by("checked_in_at"):
        check_ins[c.shift_id].append(c)
    rows = []
    for s in shifts:
        mine = check_ins[s.pk]
        open_one = next((c for c in mine if c.checked_out_at is None), None)
        rows.append(MyShift(s, open_one, bool(mine), open_one is None and s.starts_at - EARLY <= now < s.ends_at,
                            s.starts_at <= now < s.ends_at, now >= s.ends_at))
    return rows


def has_shifts(user) -> bool:
    """Whether the account's person has a shift not ended before yesterday (the navigation's 我的值守)."""
    if not getattr(user, "person_id", None) or not policy.allows(user, CHECK_IN):
        return False
    known = getattr(user, "_frontline_has_shifts", None)  # asked by more than one part of a page
    if known is None:
        known = user._frontline_has_shifts = DutyShift.objects.filter(person_id=user.person_id,
                                                                      ends_at__gt=timezone.now() - DAY).exists()
    return known


def duty_shift_rows(area: Area, starts_on: datetime.date, ends_on: datetime.date):
    """The shifts at the area's sites during the local days (a staff source: who works at a site)."""
    return DutyShift.objects.filter(site__isnull=False, area__path__startswith=area.path,
                                    starts_at__lt=day_bounds(ends_on)[1], ends_at__gt=day_bounds(starts_on)[0])


# --- reads: the 24-hour roster and its holes ---------------------------------------------------------------

@dataclass
class RosterShift:
    """A shift on a roster, as plain values (a city's list holds thousands)."""

    pk: int
    person_id: int
    person_name: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    under_way: bool
    present: bool  # checked in now (an open check-in)
    attended: bool  # any check-in

    @property
    def nobody_there(self) -> bool:
        """Under way and nobody checked in (无人到岗)."""
        return self.under_way and not self.present


@dataclass
class PlaceRoster:
    kind: str  # "site" or "grid"
    pk: int
    name: str
    label: str = ""  # a site's kind
    area_name: str = ""  # a site's area
    shifts: list[RosterShift] = field(default_factory=list)
    holes: list[tuple[datetime.datetime, datetime.datetime]] = field(default_factory=list)

    @property
    def nobody_there(self) -> list[RosterShift]:
        return [s for s in self.shifts if s.nobody_there]

    @property
    def flagged(self) -> bool:
        return bool(self.holes or self.nobody_there)


@dataclass
class DutyRoster:
    area: Area
    day: datetime.date
    places: list[PlaceRoster]  # every place, or only the flagged ones for a gap list
    place_count: int = 0  # the places looked at

    def __post_init__(self):
        self.place_count = self.place_count or len(self.places)

    @property
    def hole_count(self) -> int:
        return sum(len(p.holes) for p in self.places)

    @property
    def nobody_there_count(self) -> int:
        return sum(len(p.nobody_there) for p in self.places)

    @property
    def flagged(self) -> list[PlaceRoster]:
        return [p for p in self.places if p.flagged]


def holes_in(intervals, start: datetime.datetime, end: datetime.datetime) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """The stretches of [start, end) that no interval covers (intervals may overlap, cross the edges)."""
    holes, reached = [], start
    for s, e in sorted(intervals):
        if e <= start or s >= end:
            continue
        if s > reached:
            holes.append((reached, s))
        if e > reached:
            reached = e
            if reached >= end:
                return holes
    holes.append((reached, end))
    return holes


def duty_roster(*, actor, area: Area, day: datetime.date | None = None, now: datetime.datetime | None = None,
                gaps_only: bool = False) -> DutyRoster:
    """Every open site and every grid under `area` (as the actor may manage duty there) with its shifts on
    the local day, the holes no shift covers and the shifts under way that nobody attends. Three queries,
    whatever the number of places; rows are read as values (no model objects), as a city has thousands.

    `gaps_only` (the gap list of a street, a district or the city): only the flagged places, each with its
    holes and its shifts under way with nobody there; the holes are found by the database (a window over the
    day's shifts of each place), so only they, not every shift, come back (five lean queries)."""
    now = now or timezone.now()
    day = day or timezone.localtime(now).date()
    start, end = day_bounds(day)
    sites = list(Site.objects.restrict(actor, MANAGE_DUTY).filter(area__path__startswith=area.path)
                 .filter(Q(opened_on__isnull=True) | Q(opened_on__lte=day), Q(closed_on__isnull=True) | Q(closed_on__gte=day))
                 .order_by("area__path", "name", "pk").values_list("pk", "name", "kind", "area__name"))
    grids = list(Area.objects.restrict(actor, MANAGE_DUTY).filter(level=AreaLevel.GRID, path__startswith=area.path)
                 .order_by("path").values_list("pk", "name"))
    of_the_day = (DutyShift.objects.restrict(actor, MANAGE_DUTY)
                  .filter(area__path__startswith=area.path, starts_at__lt=end, ends_at__gt=start,
                          starts_at__gte=start - MAX_SHIFT))
    open_check_in = CheckIn.objects.filter(shift=OuterRef("pk"), checked_out_at__isnull=True)
    attended = Exists(CheckIn.objects.filter(shift=OuterRef("pk")))
    if gaps_only:
        holes = _holes_by_place(of_the_day, start, end)
        shown = (of_the_day.filter(starts_at__lte=now, ends_at__gt=now).filter(~Exists(open_check_in))
                 .annotate(present=Value(False), attended=attended))
    else:
        shown = of_the_day.annotate(present=Exists(open_check_in), attended=attended)
    columns = ("pk", "site_id", "grid_id", "person_id", "person__name", "starts_at", "ends_at", "present", "attended")
    by_place = defaultdict(list)
    for pk, site_id, grid_id, person_id, name, starts_at, ends_at, present, attended_ in (
            shown.order_by("starts_at", "pk").values_list(*columns)):
        by_place[_place_key(site_id, grid_id)].append(
            RosterShift(pk, person_id, name, starts_at, ends_at, starts_at <= now < ends_at, present, attended_))
    if not gaps_only:
        holes = {key: holes_in([(s.starts_at, s.ends_at) for s in shifts], start, end) for key, shifts in by_place.items()}
    whole_day = [(start, end)]
    kinds = {code: str(label) for code, label in SiteKind.choices}  # translated once, not once a site
    places = []
    for pk, name in grids:
        key = ("grid", pk)
        if not gaps_only or key in by_place or holes.get(key, whole_day):  # a gap list keeps the flagged only
            places.append(PlaceRoster("grid", pk, name, shifts=by_place.get(key, []), holes=holes.get(key, whole_day)))
    for pk, name, kind, area_name in sites:
        key = ("site", pk)
        if not gaps_only or key in by_place or holes.get(key, whole_day):
            places.append(PlaceRoster("site", pk, name, kinds.get(kind, kind), area_name, by_place.get(key, []),
                                      holes.get(key, whole_day)))
    return DutyRoster(area, day, places, len(grids) + len(sites))


def _place_key(site_id, grid_id) -> tuple[str, int]:
    return ("site", site_id) if site_id else ("grid", grid_id)


def _moment(text: str) -> datetime.datetime:
    """A timestamp the database gave as text (UTC; SQLite's have no offset): parsed far faster than the
    driver's own timestamps, which counts for a city's thousands of holes."""
    moment = datetime.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def _holes_by_place(shifts, start: datetime.datetime, end: datetime.datetime) -> dict:
    """(kind, pk) → the holes in that place's day, for each place with a shift that day (two queries): a hole
    opens where a shift starts after all earlier ones have ended, and after the last one ends."""
    bounded = shifts.annotate(st=Greatest("starts_at", Value(start)), en=Least("ends_at", Value(end)))
    reached = Coalesce(Window(Max("en"), partition_by=[F("site_id"), F("grid_id")], order_by=[F("st"), F("en")],
                              frame=RowRange(start=None, end=-1)), Value(start))
    holes = defaultdict(list)
    for site_id, grid_id, since, until in (bounded.annotate(reached=reached).filter(st__gt=F("reached")).order_by()
                                           .values_list("site_id", "grid_id", Cast("reached", CharField()),
                                                        Cast("st", CharField()))):
        holes[_place_key(site_id, grid_id)].append((_moment(since), _moment(until)))
    for site_id, grid_id, last in (bounded.order_by().values("site_id", "grid_id").annotate(last=Max("en"))
                                   .annotate(tail=Cast(Case(When(last__lt=end, then=F("last"))), CharField()))
                                   .values_list("site_id", "grid_id", "tail")):
        place = holes[_place_key(site_id, grid_id)]  # a place with shifts: no whole-day hole
        if last is not None:
            place.append((_moment(last), end))
    for place in holes.values():
        place.sort()
    return holes


def duty_gap_counts(*, actor, area: Area, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Today's holes in the rosters under the area and its shifts under way with nobody there, as the actor may
    manage duty there: two queries (the area page's panel)."""
    now = now or timezone.now()
    start, end = day_bounds(timezone.localtime(now).date())
    day = start.date()
    grids = (Area.objects.restrict(actor, MANAGE_DUTY).filter(level=AreaLevel.GRID, path__startswith=area.path)
             .annotate(kind=Value("grid")).order_by().values_list("pk", "kind"))
    sites = (Site.objects.restrict(actor, MANAGE_DUTY).filter(area__path__startswith=area.path)
             .filter(Q(opened_on__isnull=True) | Q(opened_on__lte=day), Q(closed_on__isnull=True) | Q(closed_on__gte=day))
             .annotate(place_kind=Value("site")).order_by().values_list("pk", "place_kind"))
    places = list(grids.union(sites, all=True))
    intervals, nobody = defaultdict(list), 0
    for site_id, grid_id, starts_at, ends_at, present in (
            DutyShift.objects.restrict(actor, MANAGE_DUTY)
            .filter(area__path__startswith=area.path, starts_at__lt=end, ends_at__gt=start, starts_at__gte=start - MAX_SHIFT)
            .annotate(present=Exists(CheckIn.objects.filter(shift=OuterRef("pk"), checked_out_at__isnull=True)))
            .values_list("site_id", "grid_id", "starts_at", "ends_at", "present")):
        key = ("site", site_id) if site_id else ("grid", grid_id)
        intervals[key].append((starts_at, ends_at))
        nobody += starts_at <= now < ends_at and not present
    holes = sum(len(holes_in(intervals.get((kind, pk), ()), start, end)) for pk, kind in places)
    return holes, nobody


# --- reads: attendance for a month -------------------------------------------------------------------------

@dataclass
class Attendance:
    person: Person
    scheduled: int = 0
    attended: int = 0
    missed: int = 0  # ended with no check-in
    seconds: float = 0.0  # present

    @property
    def hours(self) -> float:
        return round(self.seconds / 3600, 1)


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return day_bounds(first)[0], day_bounds(following)[0]


def duty_attendance(*, actor, area: Area, month: datetime.date,
                    now: datetime.datetime | None = None) -> list[Attendance]:
    """For each person with shifts starting in the local month under the area: shifts scheduled, attended
    (any check-in), missed (ended with none) and hours present (each check-in until its check-out, or, while
    still open, until now but not past the shift's end). Two queries."""
    now = now or timezone.now()
    start, end = month_bounds(month)
    shifts = list(DutyShift.objects.restrict(actor, MANAGE_DUTY)
                  .filter(area__path__startswith=area.path, starts_at__gte=start, starts_at__lt=end)
                  .select_related("person").order_by("starts_at"))
    check_ins = defaultdict(list)
    for c in CheckIn.objects.filter(shift__in=[s.pk for s in shifts]).only("shift_id", "checked_in_at", "checked_out_at"):
        check_ins[c.shift_id].append(c)
    rows: dict[int, Attendance] = {}
    for s in shifts:
        row = rows.setdefault(s.person_id, Attendance(s.person))
        row.scheduled += 1
        mine = check_ins[s.pk]
        if mine:
            row.attended += 1
        elif s.ends_at <= now:
            row.missed += 1
        for c in mine:
            until = c.checked_out_at or min(now, s.ends_at)
            row.seconds += max(0.0, (until - c.checked_in_at).total_seconds())
    return sorted(rows.values(), key=lambda r: (r.person.pinyin_full, r.person.pk))
