"""Control measures at work (集中隔离 / 居家隔离 / 居家健康监测): isolation sites' rooms and beds, assigning a bed
that is never overbooked (the room row is locked while its occupants are counted), transfers, the daily health
records, and the release after the configured negative tests on different days and not before the planned end.
Home measures are placed by `measures.py` (stronger replaces weaker, shared with cases and re-tests)."""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from celery import shared_task
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from frontline.areas.models import Area, Site, SiteKind
from frontline.core import policy
from frontline.core.audit import audit_record
from frontline.core.models import AuditAction, WorkOrder
from frontline.core.validators import age_on, mask_id_number
from frontline.people.models import Person, Resident

from . import measures
from .models import Case, Contact, ControlMeasure, HealthRecord, IsolationRoom, MeasureKind, Result, Sample
from .policy import MANAGE_MEASURES, RECORD_HEALTH, VIEW_CASES
from .registration import mask_name

MEASURE_RELEASE = "measure_release"  # work-order kind: a measure due for release, to be confirmed by a person
ROOMS_AT_ONCE = 500
HOME_KINDS = (MeasureKind.HOME_ISOLATION, MeasureKind.HOME_MONITORING)


# --- reading ----------------------------------------------------------------------------------------------

def in_force(at: datetime.datetime | None = None):
    """Measures in force now, or at a moment."""
    if at is None:
        return ControlMeasure.objects.filter(released_at__isnull=True)
    return ControlMeasure.objects.filter(starts_at__lte=at).filter(Q(released_at__isnull=True) | Q(released_at__gt=at))


def _occupied():
    """A room's people in force (a subquery: no GROUP BY, so it can stand beside FOR UPDATE)."""
    return Coalesce(Subquery(ControlMeasure.objects.filter(room=OuterRef("pk"), released_at__isnull=True)
                             .values("room").annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()),
                    Value(0))


def rooms_with_occupancy(site: Site):
    return IsolationRoom.objects.filter(site=site).annotate(occupied=_occupied()).order_by("number")


def isolation_sites(*, actor):
    """The isolation sites the actor may see measures at, with their beds in service and people in force."""
    sites = list(Site.objects.restrict(actor, VIEW_CASES).filter(kind=SiteKind.ISOLATION).select_related("area")
                 .order_by("area__path", "name"))
    capacity = site_capacity([s.pk for s in sites])
    for s in sites:
        s.beds, s.occupied = capacity.get(s.pk, (0, 0))
    return sites


def site_capacity(site_ids: list[int]) -> dict[int, tuple[int, int]]:
    """{site: (beds of rooms in service, people in force in its rooms)}: two queries."""
    from django.db.models import Sum

    beds = dict(IsolationRoom.objects.filter(site_id__in=site_ids, out_of_service=False).values("site")
                .annotate(n=Sum("beds")).values_list("site", "n"))
    used = dict(in_force().filter(room__site_id__in=site_ids).values("room__site").annotate(n=Count("pk"))
                .values_list("room__site", "n"))
    return {s: (beds.get(s) or 0, used.get(s, 0)) for s in site_ids}


@dataclass
class RoomRow:
    room: IsolationRoom
    occupants: list = field(default_factory=list)  # (measure, masked name, age)

    @property
    def free(self) -> int:
        return 0 if self.room.out_of_service else max(0, self.room.beds - len(self.occupants))


def site_rooms(*, actor, site: Site, today: datetime.date | None = None) -> list[RoomRow]:
    """The site's rooms and who is in each (masked names and ages), for those who see measures there."""
    today = today or timezone.localdate()
    rows = {r.pk: RoomRow(r) for r in IsolationRoom.objects.filter(site=site).order_by("number")}
    for m in (in_force().restrict(actor, VIEW_CASES).filter(room__site=site).select_related("person")
              .order_by("starts_at")):
        rows[m.room_id].occupants.append((m, mask_name(m.person.name), age_on(m.person.birth_date, today)))
    return list(rows.values())


def measure_counts(*, actor, area: Area) -> dict[str, int]:
    """Measures in force under the area by kind (counts only)."""
    counts = dict(in_force().restrict(actor, VIEW_CASES).filter(area__path__startswith=area.path)
                  .values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    return {k: counts.get(k, 0) for k in MeasureKind.values}


def measures_under(*, actor, area: Area, kind: str | None = None):
    rows = in_force().restrict(actor, VIEW_CASES).filter(area__path__startswith=area.path)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.select_related("person", "room__site", "grid").order_by("-starts_at", "pk")


def health_scope(actor):
    """The measures whose daily health the actor records: those placed in (or whose person lives in) the
    places where their assignments give record_health. A grid worker holds no view_cases: this is all they
    reach of measures (their grids' people), through this action alone."""
    areas = Area.objects.restrict(actor, RECORD_HEALTH)
    if actor is not None and getattr(actor, "is_superuser", False):
        return ControlMeasure.objects.all()
    return ControlMeasure.objects.filter(Q(area__in=areas) | Q(grid__in=areas))


def health_measure_get_for(actor, pk: int) -> ControlMeasure:
    from django.http import Http404

    measure = health_scope(actor).select_related("person", "room__site", "grid").filter(pk=pk).first()
    if measure is None:
        raise Http404
    return measure


@dataclass
class TodayRow:
    measure: ControlMeasure
    masked_name: str
    age: int | None
    record: HealthRecord | None


def health_today(*, actor, day: datetime.date | None = None) -> list[TodayRow]:
    """"My people under home measures today, recorded or not": masked names and ages, not yet recorded first.
    Two queries."""
    day = day or timezone.localdate()
    rows = list(health_scope(actor).filter(released_at__isnull=True, kind__in=HOME_KINDS)
                .select_related("person", "grid").order_by("grid__path", "person__name"))
    records = {r.measure_id: r for r in HealthRecord.objects.filter(measure__in=[m.pk for m in rows], day=day)}
    out = [TodayRow(m, mask_name(m.person.name), age_on(m.person.birth_date, day), records.get(m.pk)) for m in rows]
    return sorted(out, key=lambda r: r.record is not None)


def person_for(actor, *, pk=None, id_number: str = "") -> Person | None:
    """A person the actor may place under a measure: a resident they see, or the person of a case, contact or
    measure they see (an epidemiologist reaches people through cases, not rosters)."""
    scoped = (Q(pk__in=Person.objects.visible_to(actor).values("pk"))
              | Q(pk__in=Case.objects.restrict(actor, VIEW_CASES).values("person"))
              | Q(pk__in=Contact.objects.restrict(actor, VIEW_CASES).values("person"))
              | Q(pk__in=ControlMeasure.objects.restrict(actor, VIEW_CASES).values("person")))
    rows = Person.objects.filter(scoped)
    if pk:
        try:
            return rows.filter(pk=int(pk)).first()
        except (TypeError, ValueError):
            return None
    if id_number:
        return rows.filter(id_number=id_number.strip().upper()).first()
    return None


def home_grid(person: Person) -> Area | None:
    residence = (Resident.objects.filter(person=person, moved_out__isnull=True)
                 .select_related("household__building__area").order_by("-moved_in", "-pk").first())
    return residence.household.building.area if residence else None


# --- rooms ------------------------------------------------------------------------------------------------

def parse_room_numbers(spec: str) -> list[str]:
    """"101-130" / "101,103,201-205" / "A1-A5" → room numbers; a clear message names what is wrong."""
    numbers: list[str] = []
    for part in re.split(r"[,，、\s]+", spec.strip()):
        if not part:
            continue
        m = re.fullmatch(r"([A-Za-z]*)(\d+)\s*[-~～—]\s*\1?(\d+)", part)
        if m:
            prefix, a, b = m.group(1).upper(), int(m.group(2)), int(m.group(3))
            if b < a:
                raise ValidationError(_("Rooms %(part)s: the range ends before it starts.") % {"part": part})
            if b - a + 1 > ROOMS_AT_ONCE:
                raise ValidationError(_("Rooms %(part)s: at most %(n)d rooms at once.") % {"part": part, "n": ROOMS_AT_ONCE})
            width = len(m.group(2))
            numbers += [f"{prefix}{str(i).zfill(width)}" for i in range(a, b + 1)]
        elif re.fullmatch(r"[A-Za-z0-9-]{1,20}", part):
            numbers.append(part.upper())
        else:
            raise ValidationError(_("Rooms: %(part)s is not a room number or a range such as 101-130.") % {"part": part})
    if not numbers:
        raise ValidationError(_("Rooms: give room numbers, e.g. 101-130."))
    if len(numbers) > ROOMS_AT_ONCE:
        raise ValidationError(_("Rooms: at most %(n)d rooms at once.") % {"n": ROOMS_AT_ONCE})
    return list(dict.fromkeys(numbers))


def _require_site(actor, site: Site) -> None:
    if site.kind != SiteKind.ISOLATION:
        raise ValidationError(_("%(site)s is not an isolation site.") % {"site": site.name})
    policy.require(actor, MANAGE_MEASURES, site)


def _beds(value) -> int:
    """A room's beds as typed: 1 to 50, or a clear refusal."""
    try:
        beds = int(value)
    except (TypeError, ValueError):
        beds = 0
    if not 1 <= beds <= 50:
        raise ValidationError(_("Beds: a room has 1 to 50 beds."))
    return beds


@transaction.atomic
def rooms_add(*, actor, site: Site, spec: str, beds: int) -> list[IsolationRoom]:
    """Add rooms in bulk ("101-130", 2 beds each); numbers the site already has are refused, named."""
    _require_site(actor, site)
    numbers = parse_room_numbers(spec)
    beds = _beds(beds)
    taken = sorted(IsolationRoom.objects.filter(site=site, number__in=numbers).values_list("number", flat=True))
    if taken:
        raise ValidationError(_("%(site)s already has rooms %(rooms)s.") % {"site": site.name, "rooms": "、".join(taken[:10])})
    rooms = IsolationRoom.objects.bulk_create([IsolationRoom(site=site, number=n, beds=beds) for n in numbers])
    audit_record(actor=actor, action=AuditAction.CREATE, obj=site, changes={"rooms": [None, f"{numbers[0]}…{numbers[-1]}"],
                                                                             "beds": [None, beds]}, note="isolation rooms added")
    return rooms


@transaction.atomic
def room_update(*, actor, room: IsolationRoom, beds: int | None = None, out_of_service: bool | None = None) -> IsolationRoom:
    """Change a room's beds or take it out of service; never below the people in it."""
    room = IsolationRoom.objects.select_for_update().select_related("site").get(pk=room.pk)
    _require_site(actor, room.site)
    used = in_force().filter(room=room).count()
    changes = {}
    if beds is not None:
        beds = _beds(beds)
        if beds < used:
            raise ValidationError(_("%(site)s room %(room)s has %(n)d people in it: it cannot have fewer beds.")
                                  % {"site": room.site.name, "room": room.number, "n": used})
        changes["beds"], room.beds = [room.beds, beds], beds
    if out_of_service is not None and out_of_service != room.out_of_service:
        if out_of_service and used:
            raise ValidationError(_("%(site)s room %(room)s has %(n)d people in it: move them first.")
                                  % {"site": room.site.name, "room": room.number, "n": used})
        changes["out_of_service"], room.out_of_service = [room.out_of_service, out_of_service], out_of_service
    room.full_clean()
    room.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=room, changes=changes, note="isolation room changed")
    return room


# --- assigning a bed --------------------------------------------------------------------------------------

def _full(room: IsolationRoom) -> ValidationError:
    return ValidationError(_("%(site)s room %(room)s is full.") % {"site": room.site.name, "room": room.number})


def _lock_room(room: IsolationRoom) -> IsolationRoom:
    """Lock the room's row, then count its people: two staff giving the last bed at once queue here, and the
    second counts the first's measure."""
    room = IsolationRoom.objects.select_for_update(of=("self",)).select_related("site").get(pk=room.pk)
    if room.out_of_service:
        raise ValidationError(_("%(site)s room %(room)s is out of service.") % {"site": room.site.name,
                                                                                 "room": room.number})
    if in_force().filter(room=room).count() >= room.beds:
        raise _full(room)
    return room


def _lock_free_room(site: Site) -> IsolationRoom:
    """The first room of the site with a free bed, locked; rooms another assignment holds are skipped."""
    tried: list[int] = []
    while True:
        room = (IsolationRoom.objects.filter(site=site, out_of_service=False).exclude(pk__in=tried)
                .annotate(occupied=_occupied()).filter(occupied__lt=F("beds")).order_by("number")
                .select_for_update(skip_locked=True, of=("self",)).first())
        if room is None:
            raise ValidationError(_("%(site)s is full: no free bed in any room.") % {"site": site.name})
        room.site = site
        if in_force().filter(room=room).count() < room.beds:  # counted again, now that it is ours
            return room
        tried.append(room.pk)


@transaction.atomic
def measure_isolate(*, actor, person: Person, room: IsolationRoom | None = None, site: Site | None = None,
                    case: Case | None = None, contact: Contact | None = None, now=None) -> ControlMeasure:
    """Put a person in centralized isolation: a bed in the room (or the site's first room with one free),
    never more people in a room than beds. A home measure in force is released ("raised"); a person already
    in centralized isolation is moved with `measure_transfer`."""
    now = now or timezone.now()
    if room is None and site is None:
        raise ValidationError(_("Choose an isolation site or a room."))
    site = room.site if room is not None else site
    _require_site(actor, site)
    room = _lock_room(room) if room is not None else _lock_free_room(site)
    current = ControlMeasure.objects.select_for_update(of=("self",)).filter(person=person, released_at__isnull=True).first()
    if current is not None and current.kind == MeasureKind.CENTRALIZED:
        raise ValidationError(_("%(name)s is already in centralized isolation (%(where)s): transfer instead.")
                              % {"name": mask_name(person.name), "where": str(current.room)})
    if current is not None:  # measures.py's rule: the stronger measure replaces the weaker
        measures.measure_release(actor=actor, measure=current, now=now,
                                 note=f"raised to {MeasureKind.CENTRALIZED}")
        case, contact = case or current.case, contact or current.contact
    grid = (contact.grid if contact and contact.grid_id else None) or (case.grid if case and case.grid_id else None) \
        or home_grid(person)
    measure = ControlMeasure(person=person, kind=MeasureKind.CENTRALIZED, room=room, area=site.area, grid=grid,
                             case=case, contact=contact, retest=current.retest if current else None, starts_at=now,
                             planned_until=measures.planned_until(MeasureKind.CENTRALIZED, now),
                             negatives_required=settings.FRONTLINE_RELEASE_NEGATIVES,
                             created_by=actor if actor and actor.is_authenticated else None)
    measure.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            measure.save()
    except IntegrityError:  # the same person placed by someone else this instant
        raise ValidationError(_("%(name)s was placed under a measure just now by someone else.")
                              % {"name": mask_name(person.name)}) from None
    audit_record(actor=actor, action=AuditAction.CREATE, obj=measure, person=person,
                 changes={"kind": [None, measure.kind], "room": [None, str(room)]}, note="isolated in a room")
    return measure


@transaction.atomic
def measure_transfer(*, actor, measure: ControlMeasure, room: IsolationRoom, now=None) -> ControlMeasure:
    """Move a person in centralized isolation to another room (of this site or another)."""
    measure = ControlMeasure.objects.select_for_update(of=("self",)).select_related("room__site").get(pk=measure.pk)
    policy.require(actor, MANAGE_MEASURES, measure)
    if measure.released_at is not None or measure.kind != MeasureKind.CENTRALIZED:
        raise ValidationError(_("Only a person in centralized isolation can be moved to another room."))
    if measure.room_id == room.pk:
        raise ValidationError(_("%(name)s is already in room %(room)s.") % {"name": mask_name(measure.person.name),
                                                                           "room": room.number})
    _require_site(actor, room.site)
    room = _lock_room(room)
    before = str(measure.room)
    measure.room, measure.area = room, room.site.area
    measure.save(update_fields=["room", "area"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=measure, person=measure.person,
                 changes={"room": [before, str(room)]}, note="isolation room changed")
    return measure


# --- daily health -----------------------------------------------------------------------------------------

def parse_temperature(value) -> Decimal | None:
    """°C with one decimal, within the entrance checks' plausibility bounds (FRONTLINE_TEMPERATURE_MIN/MAX,
    tenths of a degree); empty means not taken."""
    if value in (None, ""):
        return None
    try:
        t = Decimal(str(value).strip().replace("℃", "").replace("°C", "")).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Temperature %(value)s is not a number of degrees.") % {"value": value}) from None
    low, high = Decimal(settings.FRONTLINE_TEMPERATURE_MIN) / 10, Decimal(settings.FRONTLINE_TEMPERATURE_MAX) / 10
    if not low <= t <= high:
        raise ValidationError(_("Temperature %(value)s °C is impossible (between %(low)s and %(high)s): measure again.")
                              % {"value": t, "low": low, "high": high})
    return t


@transaction.atomic
def health_record(*, actor, measure: ControlMeasure, temperature=None, symptoms: str = "", test_result: str = "",
                  day: datetime.date | None = None, now=None) -> HealthRecord:
    """A day's health record of a person under a measure, once a day: a second one that day corrects the first
    (a fever taken again in the evening), the change audited."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    day = day or today
    if actor is not None and not health_scope(actor).filter(pk=measure.pk).exists():
        raise PermissionDenied  # actor None: the system itself (a task, the demo)
    measure = ControlMeasure.objects.select_for_update(of=("self",)).select_related("person").get(pk=measure.pk)
    name = mask_name(measure.person.name)
    if measure.released_at is not None:
        raise ValidationError(_("%(name)s was released on %(day)s: no more health records.")
                              % {"name": name, "day": timezone.localdate(measure.released_at)})
    if day > today or day < timezone.localdate(measure.starts_at):
        raise ValidationError(_("Day %(day)s: a record is for a day of the measure, not in the future.") % {"day": day})
    t = parse_temperature(temperature)
    if test_result and test_result not in Result.values:
        raise ValidationError(_("Test result %(value)s is not negative, positive or invalid.") % {"value": test_result})
    symptoms = (symptoms or "").strip()[:200]
    if t is None and not symptoms and not test_result:
        raise ValidationError(_("%(name)s: record a temperature, symptoms or a test result.") % {"name": name})
    record = HealthRecord.objects.select_for_update().filter(measure=measure, day=day).first()
    old = None if record is None else {"temperature": str(record.temperature), "symptoms": record.symptoms,
                                       "test_result": record.test_result}
    record = record or HealthRecord(measure=measure, day=day)
    record.temperature, record.symptoms, record.test_result = t, symptoms, test_result
    record.recorded_by = actor if actor and actor.is_authenticated else None
    record.save()
    new = {"temperature": str(t), "symptoms": symptoms, "test_result": test_result}
    audit_record(actor=actor, action=AuditAction.CREATE if old is None else AuditAction.UPDATE, obj=record,
                 person=measure.person, changes={k: [None if old is None else old[k], v] for k, v in new.items()},
                 note="health recorded")
    return record


# --- release ----------------------------------------------------------------------------------------------

def negative_days(measure: ControlMeasure) -> list[datetime.date]:
    """The different days with a negative test since the measure began: from its health records, and from the
    testing rounds' tubes (single or pooled) the person was sampled into after its start."""
    start_day = timezone.localdate(measure.starts_at)
    days = set(HealthRecord.objects.filter(measure=measure, test_result=Result.NEGATIVE, day__gte=start_day)
               .values_list("day", flat=True))
    for at in Sample.objects.filter(person_id=measure.person_id, collected_at__gte=measure.starts_at,
                                    tube__result=Result.NEGATIVE).values_list("collected_at", flat=True):
        days.add(timezone.localdate(at))
    return sorted(days)


def positive_since(measure: ControlMeasure) -> bool:
    start_day = timezone.localdate(measure.starts_at)
    return (HealthRecord.objects.filter(measure=measure, test_result=Result.POSITIVE, day__gte=start_day).exists()
            or Sample.objects.filter(person_id=measure.person_id, collected_at__gte=measure.starts_at,
                                     tube__result=Result.POSITIVE).exists())


def release_missing(measure: ControlMeasure, now=None) -> list[str]:
    """What still stands between the measure and its release (empty: it may be released)."""
    now = now or timezone.now()
    missing = []
    days = negative_days(measure)
    if len(days) < measure.negatives_required:
        missing.append(_("%(need)d negative tests on different days since %(start)s (%(have)d so far)")
                       % {"need": measure.negatives_required, "start": timezone.localdate(measure.starts_at),
                          "have": len(days)})
    if measure.planned_until and now < measure.planned_until:
        missing.append(_("the planned end, %(until)s") % {"until": timezone.localtime(measure.planned_until)
                                                           .strftime("%Y-%m-%d %H:%M")})
    if positive_since(measure):
        missing.append(_("no positive test since the start (there is one: the case team decides)"))
    return missing


@transaction.atomic
def measure_release_confirm(*, actor, measure: ControlMeasure, now=None) -> ControlMeasure:
    """Release a person whose measure is due (negatives and planned end): the bed is free again; the release's
    work order, if any, is done."""
    now = now or timezone.now()
    policy.require(actor, MANAGE_MEASURES, measure)
    measure = ControlMeasure.objects.select_for_update(of=("self",)).select_related("person").get(pk=measure.pk)
    if measure.released_at is not None:
        raise ValidationError(_("%(name)s was already released.") % {"name": mask_name(measure.person.name)})
    missing = release_missing(measure, now)
    if missing:
        raise ValidationError(_("%(name)s cannot be released yet: missing %(what)s.")
                              % {"name": mask_name(measure.person.name), "what": "; ".join(missing)})
    measure = measures.measure_release(actor=actor, measure=measure, now=now, note="released after negative tests")
    _release_orders_close(actor, measure, now)
    return measure


def _release_orders_close(actor, measure: ControlMeasure, now) -> None:
    """The release's work orders are done by the release itself, whoever confirmed it (an epidemiologist holds
    no work orders: the policy was asked for the release, which is the work)."""
    from frontline.core.audit import audit_update, snapshot
    from frontline.core.models import ACTIVE_STATUSES, WorkOrderEvent, WorkOrderStatus

    for order in WorkOrder.objects.select_for_update().filter(kind=MEASURE_RELEASE, subject_id=measure.pk,
                                                              status__in=ACTIVE_STATUSES):
        before = snapshot(order)
        order.status, order.closed_at = WorkOrderStatus.DONE, now
        order.save(update_fields=["status", "closed_at"])
        WorkOrderEvent.objects.create(work_order=order, actor=actor if actor and actor.is_authenticated else None,
                                      action=WorkOrderEvent.Action.DONE, note="released")
        audit_update(actor, order, before)


def releases_due(now=None):
    """Measures in force past their planned end with their negatives (the few past the end are checked)."""
    now = now or timezone.now()
    return [m for m in in_force().filter(planned_until__lte=now).select_related("person", "grid", "area")
            .order_by("planned_until") if not release_missing(m, now)]


DESK_AT = {"city": "commander", "district": "commander", "street": "street_officer",
           "community": "community_secretary"}


def _release_place(measure: ControlMeasure) -> tuple[Area, str]:
    """Who confirms a release: the desk of the isolation site's area (its street officer, or community
    secretary), or of the community of a home measure's grid."""
    area = measure.area if measure.kind == MeasureKind.CENTRALIZED or measure.grid_id is None else measure.grid
    if area.level == "grid":
        area = Area.objects.get_parent(area)
    return area, DESK_AT[area.level]


def releases_propose(*, now=None) -> int:
    """The daily task: one `measure_release` work order for each measure due, in the inbox of who confirms it
    (never twice for the same measure while one is open)."""
    from frontline.core.services import work_order_create

    now = now or timezone.now()
    made = 0
    for m in releases_due(now):
        area, role = _release_place(m)
        try:
            with transaction.atomic():
                work_order_create(actor=None, kind=MEASURE_RELEASE, area=area, subject=m, assignee_role=role,
                                  title=_("Release %(name)s from %(kind)s") % {"name": mask_name(m.person.name),
                                                                               "kind": m.get_kind_display()})
            made += 1
        except ValidationError:
            continue  # already proposed, still open
    return made


@shared_task
def propose_measure_releases() -> int:
    return releases_propose()


def masked_id(person: Person) -> str:
    return mask_id_number(person.id_number) if person.id_number else ""
