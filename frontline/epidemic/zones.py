"""Control zones (封控区/管控区/防范区): declaring one over an area or a building, raising and lifting it, the
step-down rule (DESIGN.md, "Rules from practice") that proposes a lower level for a commander to confirm, the
daily proposals in commanders' inboxes, and a zone's households for door-to-door service.

The rule: a sealed zone with FRONTLINE_ZONE_SEALED_DAYS full days (7 × 24 h) without a new case steps down to
controlled; a controlled zone with FRONTLINE_ZONE_CONTROLLED_DAYS more (3 × 24 h) to precaution. The days count
from the later of the moment the zone reached its level (`level_since`) and its last case. A case is in a zone
when its person lives there now (a current `Resident` row in the zone's building, or under its area), or, for a
zone over an area, when the case's grid or area lies under it.

One open zone over a place (an area, or one building) at a time, held by the database
(`zone_one_open_per_area`, `zone_one_open_per_building`): declaring a stricter level over a place that has an
open zone raises that zone; the same or a weaker level is refused (a step-down goes by the rule, an end by
lifting).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from frontline.areas.models import Area, Building, Household
from frontline.core import policy
from frontline.core.audit import audit_bulk, audit_create, audit_update, snapshot
from frontline.core.models import ACTIVE_STATUSES, Assignment, AuditAction, WorkOrder, WorkOrderEvent, WorkOrderStatus
from frontline.core.roles import Role
from frontline.core.scoping import get_for
from frontline.core.services import work_orders_create_bulk
from frontline.people.models import Resident

from .models import ZONE_ORDER, Case, ControlZone, ZoneChange, ZoneChangeKind, ZoneLevel
from .policy import CONFIRM_STEP_DOWN, MANAGE_ZONES, VIEW_ZONES
from .registration import mask_name

STEP_DOWN = "zone_step_down"  # the work-order kind: a step-down due, for a commander to confirm
NEXT_LEVEL = {ZoneLevel.SEALED: ZoneLevel.CONTROLLED, ZoneLevel.CONTROLLED: ZoneLevel.PRECAUTION}


def rank(level: str) -> int:
    """0 for sealed (the strictest), 2 for precaution."""
    return ZONE_ORDER.index(level)


def rule_days(level: str) -> int | None:
    return {ZoneLevel.SEALED: settings.FRONTLINE_ZONE_SEALED_DAYS,
            ZoneLevel.CONTROLLED: settings.FRONTLINE_ZONE_CONTROLLED_DAYS}.get(level)


def _when(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")


# --- reading -------------------------------------------------------------------------------------------------

def zones_in_force(now: datetime.datetime | None = None):
    """Zones in force at `now`: started, not lifted."""
    now = now or timezone.now()
    return ControlZone.objects.filter(starts_at__lte=now).filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))


def zone_get_for(actor, pk) -> ControlZone:
    """A zone the actor may see (404 alike for missing and not theirs)."""
    return get_for(ControlZone.objects.select_related("area", "building"), actor, pk)


def zone_last_cases(zones: list[ControlZone], now: datetime.datetime) -> dict[int, datetime.datetime]:
    """Each zone's last case opened after it reached its level (and by `now`): zone id → opened_at. Two queries
    whatever the number of zones (the cases since the earliest level, and where their people live now); the
    cases are indexed by building and by every prefix of their places' paths, so matching is one look-up a
    zone."""
    if not zones:
        return {}
    since = min(z.level_since for z in zones)
    cases = list(Case.objects.filter(opened_at__gt=since, opened_at__lte=now)
                 .values_list("person_id", "opened_at", "grid__path", "area__path"))
    if not cases:
        return {}
    homes: dict[int, list[tuple[int, str]]] = {}
    for person_id, building_id, path in Resident.objects.filter(
            person_id__in={c[0] for c in cases}, moved_out__isnull=True).values_list(
            "person_id", "household__building_id", "household__building__area__path"):
        homes.setdefault(person_id, []).append((building_id, path))
    by_building: dict[int, datetime.datetime] = {}
    by_path: dict[str, datetime.datetime] = {}
    for person_id, opened_at, grid_path, area_path in cases:
        paths = {grid_path, area_path}
        for building_id, path in homes.get(person_id, ()):
            paths.add(path)
            if by_building.get(building_id, opened_at) <= opened_at:
                by_building[building_id] = opened_at
        for path in filter(None, paths):
            for end in range(Area.steplen, len(path) + 1, Area.steplen):
                if by_path.get(path[:end], opened_at) <= opened_at:
                    by_path[path[:end]] = opened_at
    last = {}
    for zone in zones:
        at = by_building.get(zone.building_id) if zone.building_id else by_path.get(zone.area.path)
        if at is not None and at > zone.level_since:
            last[zone.pk] = at
    return last


@dataclass(frozen=True)
class StepDown:
    """A step-down the rule proposes for a zone: to which level, counted from when, due when."""

    zone: ControlZone
    to_level: str
    days: int
    counted_from: datetime.datetime  # the later of level_since and the zone's last case
    last_case_at: datetime.datetime | None
    due_at: datetime.datetime

    @property
    def due_on(self) -> datetime.date:
        return timezone.localdate(self.due_at)

    def holds(self, now: datetime.datetime) -> bool:
        return now >= self.due_at

    @property
    def rule(self) -> str:
        return _("%(days)d full days without a new case: %(from)s → %(to)s") % {
            "days": self.days, "from": ZoneLevel(self.zone.level).label, "to": ZoneLevel(self.to_level).label}

    @property
    def to_label(self) -> str:
        return ZoneLevel(self.to_level).label


def step_down_of(zone: ControlZone, last_case_at: datetime.datetime | None) -> StepDown | None:
    """The step-down the rule proposes for an open zone (None for a precaution zone or a lifted one)."""
    days = rule_days(zone.level)
    if days is None or zone.ends_at is not None:
        return None
    counted_from = max(zone.level_since, last_case_at) if last_case_at else zone.level_since
    return StepDown(zone, NEXT_LEVEL[zone.level], days, counted_from, last_case_at,
                    counted_from + datetime.timedelta(days=days))


def zone_step_downs(zones: list[ControlZone], now: datetime.datetime) -> dict[int, StepDown]:
    last = zone_last_cases([z for z in zones if z.level in NEXT_LEVEL], now)
    return {z.pk: s for z in zones if (s := step_down_of(z, last.get(z.pk))) is not None}


def zones_due(actor, day: datetime.date | None = None, now: datetime.datetime | None = None,
              area: Area | None = None) -> list[StepDown]:
    """The zones the actor may see (under `area`, when given) whose step-down falls due on `day` (today) or fell
    due before, the most overdue first. A constant number of queries."""
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    rows = zones_in_force(now).filter(level__in=list(NEXT_LEVEL)).select_related("area", "building")
    if area is not None:
        rows = rows.filter(area__path__startswith=area.path)
    if actor is not None:
        rows = rows.restrict(actor, VIEW_ZONES)
    proposals = zone_step_downs(list(rows), now)
    return sorted((s for s in proposals.values() if s.due_on <= day), key=lambda s: (s.due_at, s.zone.pk))


@dataclass
class ZoneRow:
    zone: ControlZone
    step_down: StepDown | None
    due_today: bool


def zone_list(*, actor, area: Area, now: datetime.datetime | None = None, include_lifted: bool = False) -> list[ZoneRow]:
    """The zones under (or over) an area the actor may see, not lifted (or all of them): due today first, then by
    level. A constant number of queries."""
    now = now or timezone.now()
    under = Q(area__path__startswith=area.path) | Q(area__path__in=[area.path[:i] for i in
                                                                     range(Area.steplen, len(area.path), Area.steplen)])
    rows = ControlZone.objects.all()
    if not include_lifted:  # in force, or declared to start later
        rows = rows.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
    zones = list(rows.restrict(actor, VIEW_ZONES).filter(under).select_related("area", "building")
                 .order_by("area__path", "building__name", "pk"))
    proposals = zone_step_downs(zones, now)
    today = timezone.localdate(now)
    result = [ZoneRow(z, proposals.get(z.pk), z.pk in proposals and proposals[z.pk].due_on <= today) for z in zones]
    result.sort(key=lambda r: (not r.due_today, r.zone.ends_at is not None, rank(r.zone.level)))
    return result


def zone_households(zone: ControlZone):
    """The households the zone covers (its building's, or those under its area)."""
    if zone.building_id:
        return Household.objects.filter(building_id=zone.building_id)
    return Household.objects.filter(building__area__path__startswith=zone.area.path)


@dataclass(frozen=True)
class HouseholdRow:
    household_id: int
    grid: str
    building: str
    unit: str
    room: str
    people: list[str]  # masked names of those living there now

    @property
    def home(self) -> str:
        unit = _("unit %(unit)s") % {"unit": self.unit} if self.unit else ""
        return " ".join(p for p in (self.building, unit, self.room) if p)


def zone_household_rows(*, actor, zone: ControlZone, households) -> list[HouseholdRow]:
    """A page of a zone's households as the door-to-door list shows them: the home and masked names."""
    if not policy.allows(actor, policy.VIEW_PEOPLE, zone):
        raise PermissionDenied
    ids = [h.pk for h in households]
    people: dict[int, list[str]] = {}
    for household_id, name in (Resident.objects.filter(household_id__in=ids, moved_out__isnull=True)
                               .order_by("household_id", "pk").values_list("household_id", "person__name")):
        people.setdefault(household_id, []).append(mask_name(name))
    return [HouseholdRow(h.pk, h.building.area.name, h.building.name, h.unit, h.room, people.get(h.pk, []))
            for h in households]


# --- writing -------------------------------------------------------------------------------------------------

def _place_name(area: Area, building: Building | None) -> str:
    return f"{building.area.name}{building.name}" if building else area.name


def _check_place(actor, area: Area, building: Building | None) -> None:
    """The place must be under the actor's: a clear answer naming it otherwise (the pages 404 before this)."""
    if actor is not None and not policy.allows(actor, MANAGE_ZONES):
        raise PermissionDenied
    if building is not None and not building.area.path.startswith(area.path):
        raise ValidationError({"building": _("%(building)s is not in %(area)s.") % {
            "building": _place_name(building.area, building), "area": area.name}})
    where = building.area if building is not None else area
    if actor is not None and not policy.allows_in(actor, MANAGE_ZONES, where):
        raise ValidationError(_("%(place)s is not under your place: a zone there is declared by those who run it.")
                              % {"place": _place_name(area, building)})


def _change(zone, kind, from_level, to_level, at, actor, note) -> ZoneChange:
    change = ZoneChange(zone=zone, kind=kind, from_level=from_level or "", to_level=to_level or "", at=at,
                        by=actor if actor is not None and actor.is_authenticated else None, note=note)
    change.full_clean()
    change.save()
    return change


def _open_zone(area: Area, building: Building | None, lock: bool = True) -> ControlZone | None:
    rows = ControlZone.objects.filter(ends_at__isnull=True)
    rows = rows.filter(building=building) if building is not None else rows.filter(area=area, building__isnull=True)
    if lock:
        rows = rows.select_for_update()
    return rows.first()


def _level(level: str) -> str:
    if level not in ZoneLevel.values:
        raise ValidationError({"level": _("Choose sealed, controlled or precaution.")})
    return level


@transaction.atomic
def zone_declare(*, actor, area: Area, building: Building | None = None, level: str, reason: str,
                 starts_at: datetime.datetime | None = None, name: str = "",
                 now: datetime.datetime | None = None) -> ControlZone:
    """Declare a zone over an area, or one of its buildings. Over a place with an open zone, a stricter level
    raises that zone (the same zone, its history grows); the same or a weaker level is refused."""
    now = now or timezone.now()
    if building is not None:
        area = area or building.area
    _check_place(actor, area, building)
    level = _level(level)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the zone is declared.")})
    starts_at = starts_at or now
    existing = _open_zone(area if building is None else building.area, building)
    if existing is not None:
        if rank(level) < rank(existing.level):
            return zone_raise(actor=actor, zone=existing, level=level, note=reason, now=now)
        raise ValidationError(_("%(zone)s is already a %(level)s since %(since)s: raise it to a stricter level or "
                                "lift it; it steps down by the rule.") % {
            "zone": existing.name, "level": existing.get_level_display(), "since": _when(existing.starts_at)})
    zone = ControlZone(area=building.area if building is not None else area, building=building,
                       name=(name or "").strip()[:100] or _place_name(area, building), level=level, reason=reason,
                       starts_at=starts_at, level_since=starts_at,
                       created_by=actor if actor is not None and actor.is_authenticated else None)
    zone.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            zone.save()
    except IntegrityError:  # another declaration over the same place just landed
        raise ValidationError(_("%(place)s has just been declared a zone by someone else: open it and change it "
                                "there.") % {"place": zone.name}) from None
    _change(zone, ZoneChangeKind.DECLARED, "", level, starts_at, actor, reason)
    audit_create(actor, zone)
    return zone


def _locked(zone: ControlZone) -> ControlZone:
    return ControlZone.objects.select_for_update(of=("self",)).select_related("area", "building").get(pk=zone.pk)


def _close_orders(actor, zone: ControlZone, now, note: str) -> int:
    """Close the zone's open step-down work orders (confirmed, or no longer applicable)."""
    rows = list(WorkOrder.objects.filter(kind=STEP_DOWN, subject_type=ContentType.objects.get_for_model(ControlZone),
                                         subject_id=zone.pk, status__in=ACTIVE_STATUSES).values_list("pk", "title", "status"))
    if not rows:
        return 0
    ids = [pk for pk, _t, _s in rows]
    WorkOrder.objects.filter(pk__in=ids).update(status=WorkOrderStatus.DONE, closed_at=now)
    by = actor if actor is not None and actor.is_authenticated else None
    WorkOrderEvent.objects.bulk_create([WorkOrderEvent(work_order_id=pk, actor=by, at=now,
                                                       action=WorkOrderEvent.Action.DONE, note=note) for pk in ids])
    audit_bulk(actor, AuditAction.UPDATE, [(WorkOrder(pk=pk, title=t), {"status": [s, WorkOrderStatus.DONE]}, None)
                                           for pk, t, s in rows], note="zone changed")
    return len(ids)


@transaction.atomic
def zone_raise(*, actor, zone: ControlZone, level: str, note: str, now: datetime.datetime | None = None) -> ControlZone:
    """Raise a zone to a stricter level (the step-down count starts again)."""
    now = now or timezone.now()
    policy.require(actor, MANAGE_ZONES, zone)
    zone = _locked(zone)
    level = _level(level)
    note = (note or "").strip()
    if zone.ends_at is not None:
        raise ValidationError(_("%(zone)s was lifted on %(at)s.") % {"zone": zone.name, "at": _when(zone.ends_at)})
    if rank(level) >= rank(zone.level):
        raise ValidationError({"level": _("%(zone)s is a %(level)s: raising means a stricter level.") % {
            "zone": zone.name, "level": zone.get_level_display()}})
    if not note:
        raise ValidationError({"note": _("Say why the zone is raised.")})
    before, from_level = snapshot(zone), zone.level
    zone.level, zone.level_since = level, max(now, zone.starts_at)
    zone.save(update_fields=["level", "level_since"])
    _change(zone, ZoneChangeKind.RAISED, from_level, level, now, actor, note)
    _close_orders(actor, zone, now, _("The zone was raised: no step-down now."))
    audit_update(actor, zone, before, note="zone raised")
    return zone


@transaction.atomic
def zone_lift(*, actor, zone: ControlZone, note: str, now: datetime.datetime | None = None) -> ControlZone:
    """Lift a zone (解除): it ends now, with a note."""
    now = now or timezone.now()
    policy.require(actor, MANAGE_ZONES, zone)
    zone = _locked(zone)
    note = (note or "").strip()
    if zone.ends_at is not None:
        raise ValidationError(_("%(zone)s was lifted on %(at)s.") % {"zone": zone.name, "at": _when(zone.ends_at)})
    if not note:
        raise ValidationError({"note": _("Say why the zone is lifted.")})
    if now < zone.starts_at:
        raise ValidationError(_("%(zone)s starts on %(at)s: it cannot be lifted before it starts.") % {
            "zone": zone.name, "at": _when(zone.starts_at)})
    before = snapshot(zone)
    zone.ends_at = now
    zone.save(update_fields=["ends_at"])
    _change(zone, ZoneChangeKind.LIFTED, zone.level, "", now, actor, note)
    _close_orders(actor, zone, now, _("The zone was lifted."))
    audit_update(actor, zone, before, note="zone lifted")
    return zone


def zone_step_down_now(zone: ControlZone, now: datetime.datetime) -> StepDown | None:
    return step_down_of(zone, zone_last_cases([zone], now).get(zone.pk))


@transaction.atomic
def zone_step_down(*, actor, zone: ControlZone, now: datetime.datetime | None = None, note: str = "") -> ControlZone:
    """A commander confirms the step-down the rule proposes: only once it holds at `now` (a step-down before its
    time is refused with the moment it becomes due). Closes the zone's step-down work order."""
    now = now or timezone.now()
    policy.require(actor, CONFIRM_STEP_DOWN, zone)
    zone = _locked(zone)
    if zone.ends_at is not None:
        raise ValidationError(_("%(zone)s was lifted on %(at)s.") % {"zone": zone.name, "at": _when(zone.ends_at)})
    proposal = zone_step_down_now(zone, now)
    if proposal is None:
        raise ValidationError(_("%(zone)s is a precaution zone: it does not step down further; lift it when it "
                                "is over.") % {"zone": zone.name})
    if not proposal.holds(now):
        raise ValidationError(_("%(zone)s cannot step down yet: %(days)d full days without a new case are counted "
                                "from %(from)s, so it becomes due on %(due)s.") % {
            "zone": zone.name, "days": proposal.days, "from": _when(proposal.counted_from),
            "due": _when(proposal.due_at)})
    before, from_level = snapshot(zone), zone.level
    zone.level, zone.level_since = proposal.to_level, now
    zone.save(update_fields=["level", "level_since"])
    text = proposal.rule + (f"; {note.strip()}" if (note or "").strip() else "")
    _change(zone, ZoneChangeKind.STEPPED_DOWN, from_level, proposal.to_level, now, actor, text)
    _close_orders(actor, zone, now, _("Step-down confirmed."))
    audit_update(actor, zone, before, note="zone stepped down")
    return zone


# --- the daily proposals ---------------------------------------------------------------------------------------

def _commander_areas(zones: list[ControlZone], day: datetime.date) -> dict[int, Area]:
    """For each zone, the nearest area above it (or itself) where a commander holds an assignment today."""
    areas = {a.path: a for a in Area.objects.filter(
        pk__in=Assignment.objects.current(day).filter(role=Role.COMMANDER, area__isnull=False).values("area_id"))}
    result = {}
    for zone in zones:
        above = [p for p in areas if zone.area.path.startswith(p)]
        if above:
            result[zone.pk] = areas[max(above, key=len)]
    return result


@transaction.atomic
def zone_step_down_orders_create(*, day: datetime.date | None = None, now: datetime.datetime | None = None) -> list[WorkOrder]:
    """The step-downs due today (and overdue) as work orders in the inbox of the commanders over each zone: one
    per zone while it is open (running this twice creates nothing the second time). An open proposal no longer
    due (a new case came since) is closed."""
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    due = zones_due(None, day, now)
    stale = (WorkOrder.objects.filter(kind=STEP_DOWN, status__in=ACTIVE_STATUSES,
                                      subject_type=ContentType.objects.get_for_model(ControlZone))
             .exclude(subject_id__in=[s.zone.pk for s in due]).values_list("subject_id", flat=True))
    for zone in ControlZone.objects.filter(pk__in=list(stale)):  # a new case since: no longer due
        _close_orders(None, zone, now, _("No longer due (a new case, or the zone changed): closed by itself."))
    where = _commander_areas([s.zone for s in due], day)
    items = [(s.zone, where[s.zone.pk], (_("Confirm the step-down of %(zone)s to %(level)s (due %(due)s)") % {
        "zone": s.zone.name, "level": s.to_label, "due": _when(s.due_at)})[:200]) for s in due if s.zone.pk in where]
    return work_orders_create_bulk(actor=None, kind=STEP_DOWN, items=items, assignee_role=Role.COMMANDER)


def zone_for_order(actor, order: WorkOrder) -> ControlZone:
    if order.kind != STEP_DOWN or order.subject_type_id != ContentType.objects.get_for_model(ControlZone).pk:
        raise PermissionDenied
    return zone_get_for(actor, order.subject_id)


def may_manage(actor, zone_or_area) -> bool:
    area = zone_or_area.area if isinstance(zone_or_area, ControlZone) else zone_or_area
    return policy.allows_in(actor, MANAGE_ZONES, area)


def may_confirm(actor, zone: ControlZone) -> bool:
    return policy.allows_in(actor, CONFIRM_STEP_DOWN, zone.area)


# --- figures ---------------------------------------------------------------------------------------------------

def zones_at_rows(level: str):
    """The rows of the figure `zones_<level>`: zones in force at the end of day `at` (now when None) at that
    level then (the level of a past day read from the zone's history)."""
    from django.db.models import OuterRef, Subquery

    def rows(at: datetime.date | None):
        if at is None:
            return zones_in_force().filter(level=level)
        tz = timezone.get_current_timezone()
        end = datetime.datetime.combine(at + datetime.timedelta(days=1), datetime.time(), tz)
        then = (ZoneChange.objects.filter(zone=OuterRef("pk"), at__lt=end).exclude(kind=ZoneChangeKind.LIFTED)
                .order_by("-at", "-pk").values("to_level")[:1])
        return (ControlZone.objects.filter(starts_at__lt=end).filter(Q(ends_at__isnull=True) | Q(ends_at__gte=end))
                .annotate(level_then=Subquery(then)).filter(level_then=level))
    return rows


def _overlapping(start, end) -> Q:
    q = Q()
    if end is not None:
        q &= Q(starts_at__lt=end)
    if start is not None:
        q &= Q(ends_at__isnull=True) | Q(ends_at__gt=start)
    return q


def places_controlled_rows(start: datetime.datetime | None = None, end: datetime.datetime | None = None):
    """The rows of `compounds_assisted`: one zone for each distinct place (an area, or a building) that was under
    a zone at some moment of [start, end) (ever, without bounds): the first such zone of the place, so a place
    sealed, lifted and sealed again counts once."""
    from django.db.models import Exists, OuterRef

    during = _overlapping(start, end)
    earlier = ControlZone.objects.filter(during).filter(
        Q(starts_at__lt=OuterRef("starts_at")) | Q(starts_at=OuterRef("starts_at"), pk__lt=OuterRef("pk")))
    same_building = earlier.filter(building=OuterRef("building"))
    same_area = earlier.filter(building__isnull=True, area=OuterRef("area"))
    return ControlZone.objects.filter(during).annotate(
        _same_building=Exists(same_building), _same_area=Exists(same_area)).exclude(
        Q(building__isnull=False, _same_building=True) | Q(building__isnull=True, _same_area=True))


def zones_covering(building: Building, *, level: str | None = None, now: datetime.datetime | None = None) -> list:
    """The zones in force over a building (its own, or its grid's or any area's above): one query."""
    path = building.area.path
    paths = [path[:i] for i in range(Area.steplen, len(path) + 1, Area.steplen)]
    rows = zones_in_force(now).filter(Q(building=building) | Q(building__isnull=True, area__path__in=paths))
    if level:
        rows = rows.filter(level=level)
    return list(rows.select_related("area", "building").order_by("pk"))
