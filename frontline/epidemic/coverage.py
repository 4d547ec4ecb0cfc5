"""Coverage of mass testing (检测覆盖): a round's target population computed from the rows, who of it was
sampled, by grid and rolled up by area path; a grid's untested residents; door-knocking them through work
orders that close themselves when the resident is sampled; and the rows of the figures the area pages, the
API and the dashboard read.

The target of a round is the residents present (a `Resident` not moved out) living in the round's areas,
less those exempted out of it (`EXCLUDED_KINDS`: away, other; a door-to-door exemption stays in the target,
sampled at home). Tested: people of the target with a sample in the round, of any kind. Counts are grouped
by grid in the database (one query for the target, one for the untested, whatever the number of grids) and
rolled up by path prefix here.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from frontline.areas import figures
from frontline.areas.models import Area, AreaLevel, Building
from frontline.core import policy
from frontline.core.audit import audit_bulk
from frontline.core.models import ACTIVE_STATUSES, AuditAction, WorkOrder, WorkOrderEvent, WorkOrderStatus
from frontline.core.roles import Role
from frontline.core.scoping import get_for
from frontline.core.services import work_orders_create_bulk
from frontline.people.models import Person, Resident

from .models import EXCLUDED_KINDS, DoorKnock, ExemptionKind, RoundArea, RoundExemption, Sample, TestingRound
from .policy import MANAGE_TESTING, REGISTER_SAMPLES, VIEW_TESTING
from .registration import mask_name

UNTESTED = "untested"  # the work-order kind: door-knock a resident untested in a round
GRID_PATH = "household__building__area__path"
CHUNK = 500


@dataclass
class Coverage:
    """Tested of target somewhere."""

    target: int = 0
    tested: int = 0

    @property
    def untested(self) -> int:
        return self.target - self.tested

    @property
    def percent(self) -> float | None:
        return round(100 * self.tested / self.target, 1) if self.target else None

    def add(self, other: "Coverage") -> None:
        self.target += other.target
        self.tested += other.tested


# --- the rows ------------------------------------------------------------------------------------------------

def round_get_for(actor, pk) -> TestingRound:
    """A round the actor may see coverage of (404 alike for missing and not theirs)."""
    return get_for(TestingRound.objects.select_related("area").distinct(), actor, pk)


def round_paths(testing_round: TestingRound) -> list[str]:
    return list(RoundArea.objects.filter(round=testing_round).values_list("area__path", flat=True))


def _under(paths, field: str = GRID_PATH) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__prefix": path})
    return q


def _excluded(round_ref) -> Exists:
    return Exists(RoundExemption.objects.filter(round=round_ref, person=OuterRef("person"), kind__in=EXCLUDED_KINDS))


def _sampled(round_ref, before: datetime.datetime | None = None) -> Exists:
    samples = Sample.objects.filter(round=round_ref, person=OuterRef("person"))
    return Exists(samples.filter(collected_at__lt=before) if before is not None else samples)


def round_target(testing_round: TestingRound, *, paths: list[str] | None = None):
    """The round's target population now: residents present in its areas, less those exempted out of it."""
    paths = round_paths(testing_round) if paths is None else paths
    return (Resident.objects.filter(moved_out__isnull=True).filter(_under(paths))
            .exclude(_excluded(testing_round.pk)))


def round_untested(testing_round: TestingRound, *, paths: list[str] | None = None):
    """The target's residents with no sample in the round (an anti-join: NOT EXISTS)."""
    return round_target(testing_round, paths=paths).exclude(_sampled(testing_round.pk))


def _covers(paths: list[str], area: Area) -> bool:
    """Does the round reach the area (the area is under one of its areas, or holds one)?"""
    return any(area.path.startswith(p) or p.startswith(area.path) for p in paths)


# --- counting ------------------------------------------------------------------------------------------------

def _count(rows, key: str) -> dict:
    return dict(rows.values_list(key).annotate(n=Count("pk")).order_by())


GRID = "household__building__area"


def _grid_paths(area: Area | None) -> dict[int, str]:
    """Paths of the grids under `area` (everywhere when None): one query on the small area table."""
    grids = Area.objects.filter(level=AreaLevel.GRID)
    return dict((grids.filter(path__prefix=area.path) if area is not None else grids).values_list("pk", "path"))


def untested_by_grid(testing_round: TestingRound, *, area: Area | None = None) -> dict[int, int]:
    """Untested residents of the round by grid id (under `area`, or everywhere): one query, grouped by the
    building's grid id (on SQLite, grouping by the grid's path instead took nearly twice as long)."""
    rows = round_untested(testing_round)
    if area is not None:
        rows = rows.filter(**{f"{GRID_PATH}__prefix": area.path})
    return _count(rows, GRID)


def coverage_by_grid(testing_round: TestingRound, *, area: Area | None = None) -> dict[str, Coverage]:
    """Tested of target by grid path: three queries (the target and the untested grouped by grid, the grids'
    paths) whatever the number of grids."""
    paths = round_paths(testing_round)
    target, untested = round_target(testing_round, paths=paths), round_untested(testing_round, paths=paths)
    if area is not None:
        target = target.filter(**{f"{GRID_PATH}__prefix": area.path})
        untested = untested.filter(**{f"{GRID_PATH}__prefix": area.path})
    missing = _count(untested, GRID)
    grid_paths = _grid_paths(area)
    return {grid_paths[grid]: Coverage(n, n - missing.get(grid, 0)) for grid, n in _count(target, GRID).items()}


def rollup(by_grid: dict[str, Coverage], length: int) -> dict[str, Coverage]:
    """Grid values summed by the first `length` characters of their paths (a level of the area tree)."""
    rolled: dict[str, Coverage] = {}
    for path, value in by_grid.items():
        rolled.setdefault(path[:length], Coverage()).add(value)
    return rolled


@dataclass
class CoverageTable:
    area: Area
    total: Coverage
    children: list[tuple[object, Coverage]]  # child areas (or a grid's buildings), lowest coverage first


def round_coverage(*, actor, testing_round: TestingRound, area: Area) -> CoverageTable:
    """The round's coverage under an area the actor may see, and each visible child's (a grid's buildings),
    ranked from the lowest percentage: counts only, no names. A constant number of queries."""
    if area.level == AreaLevel.GRID:
        paths = round_paths(testing_round)
        key = "household__building"
        target = round_target(testing_round, paths=paths).filter(household__building__area=area)
        missing = _count(target.exclude(_sampled(testing_round.pk)), key)
        by_child = {b: Coverage(n, n - missing.get(b, 0)) for b, n in _count(target, key).items()}
        children = list(Building.objects.restrict(actor, VIEW_TESTING).filter(pk__in=list(by_child)))
        pairs = [(b, by_child[b.pk]) for b in children]
        total = Coverage()
        for value in by_child.values():
            total.add(value)
    else:
        by_grid = coverage_by_grid(testing_round, area=area)
        by_child = rollup(by_grid, (area.depth + 1) * Area.steplen)
        children = Area.objects.get_children(area).restrict(actor, VIEW_TESTING).filter(path__in=list(by_child))
        pairs = [(c, by_child[c.path]) for c in children]
        total = Coverage()
        for value in by_grid.values():
            total.add(value)
    pairs.sort(key=lambda p: (p[1].percent if p[1].percent is not None else 101, p[0].name))
    return CoverageTable(area=area, total=total, children=pairs)


def coverage_area(*, actor, testing_round: TestingRound, area_id=None) -> Area:
    """The area a coverage page shows: the one asked for (within the actor's scope and reached by the round),
    else where the round was organised, else the actor's own place. 404 otherwise."""
    paths = round_paths(testing_round)
    if area_id not in (None, ""):
        try:
            area = Area.objects.restrict(actor, VIEW_TESTING).get(pk=area_id)
        except (Area.DoesNotExist, ValueError, TypeError):
            raise Http404 from None
    elif policy.allows_in(actor, VIEW_TESTING, testing_round.area):
        area = testing_round.area
    else:
        area = policy.home_area(actor)
        if area is None or not policy.allows_in(actor, VIEW_TESTING, area):
            raise Http404
    if not _covers(paths, area):
        raise Http404
    return area


@dataclass(frozen=True)
class UntestedRow:
    """One untested resident as the list shows them: a masked name, the home, two flags."""

    resident_id: int
    masked_name: str
    building: str
    unit: str
    room: str
    door_to_door: bool  # exempted to be sampled at home (上门采样)
    knocking: bool  # a door-knocking order is open for them in this round

    @property
    def home(self) -> str:
        unit = _("unit %(unit)s") % {"unit": self.unit} if self.unit else ""
        return " ".join(p for p in (self.building, unit, self.room) if p)


# Stand-ins for the round and the grid while the ORM writes the list's SQL, once a process (see `grid_untested`).
_ROUND, _GRID = -710001, -710002
_list_sql: dict[str, tuple[str, tuple]] = {}


def _untested_list_sql() -> tuple[str, tuple]:
    """The list's SQL as the ORM writes it from the same definitions as the counts (target, exemptions,
    samples), with stand-ins for the round and the grid: building and compiling this query took some 10 ms
    of Python a read, forty times the query itself on a grid, so it is done once and then run with values."""
    vendor = connection.vendor
    if vendor not in _list_sql:
        door_to_door = RoundExemption.objects.filter(round=_ROUND, person=OuterRef("person"),
                                                     kind=ExemptionKind.DOOR_TO_DOOR)
        knocking = DoorKnock.objects.filter(round=_ROUND, person=OuterRef("person"),
                                            work_order__status__in=ACTIVE_STATUSES)
        rows = (Resident.objects.filter(moved_out__isnull=True, household__building__area=_GRID)
                .exclude(_excluded(_ROUND)).exclude(_sampled(_ROUND))
                .annotate(door_to_door=Exists(door_to_door), knocking=Exists(knocking))
                .order_by("household__building__name", "household__unit", "household__room", "person__pinyin_full", "pk")
                .values_list("pk", "person__name", "household__building__name", "household__unit", "household__room",
                             "door_to_door", "knocking"))
        sql, params = rows.query.sql_with_params()
        if params.count(_GRID) != 1:
            raise RuntimeError("the untested list's SQL does not take its grid once")
        _list_sql[vendor] = (sql, tuple(params))
    return _list_sql[vendor]


def grid_untested(*, actor, testing_round: TestingRound, grid: Area) -> list[UntestedRow]:
    """A grid's untested residents (the round covers it: the caller checked), for those who may see its people:
    masked names, homes, whether they are sampled at home (a door-to-door exemption) and whether a
    door-knocking order is open for them. One query, a few hundred rows at most."""
    if not policy.allows_in(actor, policy.VIEW_PEOPLE, grid):
        raise PermissionDenied
    sql, template = _untested_list_sql()
    values = {_ROUND: testing_round.pk, _GRID: grid.pk}
    with connection.cursor() as cursor:
        cursor.execute(sql, [values.get(p, p) if isinstance(p, int) else p for p in template])
        rows = cursor.fetchall()
    return [UntestedRow(pk, mask_name(name), building, unit, room, bool(home), bool(knock))
            for pk, name, building, unit, room, home, knock in rows]


# --- door-knocking ------------------------------------------------------------------------------------------

def may_door_knock(actor, area: Area) -> bool:
    """Those who run testing at the area, and grid workers in their grids: register_samples is the action
    that lets a grid worker sample at home in their grid (the grid app's record_visit is not the epidemic
    app's to ask), and the desk holds both. No query (the actor's assignments)."""
    return policy.allows_in(actor, MANAGE_TESTING, area) or policy.allows_in(actor, REGISTER_SAMPLES, area)


@transaction.atomic
def untested_orders_create(*, actor, testing_round: TestingRound, area: Area,
                           now: datetime.datetime | None = None) -> list[WorkOrder]:
    """Each untested resident of the round under a grid or a community becomes a door-knocking work order
    for the grid workers of their grid (one per person; a person with an open one is skipped, so running
    this twice creates nothing the second time)."""
    if actor is not None and not may_door_knock(actor, area):
        raise PermissionDenied
    now = now or timezone.now()
    if area.level not in (AreaLevel.GRID, AreaLevel.COMMUNITY):
        raise ValidationError(_("Door-knocking is sent for a grid or a community, not for %(area)s.")
                              % {"area": area.name})
    if not testing_round.starts_at <= now < testing_round.ends_at:
        raise ValidationError(_("%(round)s is not under way: door-knocking is sent during the round.")
                              % {"round": testing_round.name})
    paths = round_paths(testing_round)
    if not _covers(paths, area):
        raise ValidationError(_("%(round)s does not cover %(area)s.") % {"round": testing_round.name, "area": area.name})
    rows = list(round_untested(testing_round, paths=paths).filter(**{f"{GRID_PATH}__prefix": area.path})
                .order_by("household__building__area_id", "pk")
                .values_list("person_id", "person__name", "household__building__area_id", "household__building__name",
                             "household__unit", "household__room"))
    grids = {a.pk: a for a in Area.objects.filter(pk__in={r[2] for r in rows})}
    items = []
    for person_id, name, grid_id, building, unit, room in rows:
        home = " ".join(p for p in (building, unit and _("unit %(unit)s") % {"unit": unit}, room) if p)
        title = _("Door-knock %(name)s (%(home)s): not tested in %(round)s") % {
            "name": mask_name(name), "home": home, "round": testing_round.name}
        items.append((Person(pk=person_id, name=mask_name(name)), grids[grid_id], title[:200]))
    orders = work_orders_create_bulk(actor=actor, kind=UNTESTED, items=items, assignee_role=Role.GRID_WORKER)
    DoorKnock.objects.bulk_create([DoorKnock(round=testing_round, person_id=o.subject_id, grid=o.area, work_order=o)
                                   for o in orders], batch_size=CHUNK)
    return orders


@transaction.atomic
def untested_orders_close_for(round_id: int, person_ids, now: datetime.datetime) -> int:
    """Close the open door-knocking orders of the round for these people, now sampled in it: one UPDATE, their
    events and audit entries in bulk. Called by the registration of samples (with the people it just sampled);
    returns how many orders closed."""
    person_ids = sorted(set(person_ids))
    closed = []
    for start in range(0, len(person_ids), CHUNK):
        closed += DoorKnock.objects.filter(round_id=round_id, person_id__in=person_ids[start:start + CHUNK],
                                           work_order__status__in=ACTIVE_STATUSES).values_list(
            "work_order_id", "work_order__title", "work_order__status")
    if not closed:
        return 0
    ids = [pk for pk, _title, _status in closed]
    for start in range(0, len(ids), CHUNK):
        WorkOrder.objects.filter(pk__in=ids[start:start + CHUNK], status__in=ACTIVE_STATUSES).update(
            status=WorkOrderStatus.DONE, closed_at=now)
    note = _("Sampled in the round: closed by itself.")
    WorkOrderEvent.objects.bulk_create([WorkOrderEvent(work_order_id=pk, at=now, action=WorkOrderEvent.Action.DONE,
                                                       note=note) for pk in ids], batch_size=CHUNK)
    audit_bulk(None, AuditAction.UPDATE, [(WorkOrder(pk=pk, title=title), {"status": [status, WorkOrderStatus.DONE]}, None)
                                          for pk, title, status in closed], note="closed by sampling")
    return len(ids)


def samples_registered(actor, testing_round, rows, now) -> None:
    """For the registration's `after_register` hooks: rows are (sample id, person id, kind, grid id)."""
    untested_orders_close_for(testing_round.pk, [person_id for _s, person_id, _k, _g in rows], now)


# --- figures ---------------------------------------------------------------------------------------------------

def _day_bounds(at: datetime.date | None) -> tuple[datetime.datetime, datetime.datetime]:
    """The moment a round must have started by, and the moment it must not have ended before: now and the
    start of today; or, for a past date, the end and the start of that day (local time)."""
    tz = timezone.get_current_timezone()
    day = at or timezone.localdate()
    start = datetime.datetime.combine(day, datetime.time(), tz)
    return (timezone.now() if at is None else start + datetime.timedelta(days=1)), start


def rounds_in_force(at: datetime.date | None = None) -> list[tuple[int, str, str]]:
    """(round id, area path, round name) for each area of the rounds in force at `at` (a local date; None:
    now): started by then and not ended before that day began. The latest started first: a grid in several
    such rounds counts in the latest."""
    started_by, day_start = _day_bounds(at)
    return list(RoundArea.objects.filter(round__starts_at__lte=started_by, round__ends_at__gt=day_start)
                .order_by("-round__starts_at", "-round_id", "area__path")
                .values_list("round_id", "area__path", "round__name"))


def _in_force(at: datetime.date | None, in_force: list | None = None):
    """Residents of the target of the round in force over their grid at `at`, annotated with that round."""
    residents = figures.stock_rows_at(Resident.objects.all(), at, "moved_in", "moved_out")
    pairs = [(r, p) for r, p, _name in (rounds_in_force(at) if in_force is None else in_force)]
    if not pairs:  # no round in force: nothing to count (annotated all the same, for the tested's filter)
        return residents.none().annotate(in_force_round=Value(0, output_field=IntegerField()))
    if len({r for r, _p in pairs}) == 1:
        which = Value(pairs[0][0])
    else:
        which = Case(*[When(**{f"{GRID_PATH}__prefix": p}, then=Value(r)) for r, p in pairs],
                     output_field=IntegerField())
    return (residents.filter(_under([p for _r, p in pairs])).annotate(in_force_round=which)
            .exclude(_excluded(OuterRef("in_force_round"))))


def target_rows(at: datetime.date | None, in_force: list | None = None):
    """The `testing_target` figure's rows (`in_force`: `rounds_in_force(at)` if the caller has it)."""
    return _in_force(at, in_force)


def tested_rows(at: datetime.date | None, in_force: list | None = None):
    """The `testing_tested` figure's rows: of the target, those sampled in that round (by the end of `at`)."""
    rows = _in_force(at, in_force)
    before = None if at is None else _day_bounds(at)[0]
    return rows.filter(_sampled(OuterRef("in_force_round"), before))


def coverage_in_force(area: Area) -> tuple[tuple[int, str] | None, Coverage]:
    """The latest round in force now that reaches the area (id, name), and the figures' tested of target
    under the area (the same rows as `testing_target` and `testing_tested`): three queries."""
    in_force = rounds_in_force(None)
    current = next(((r, name) for r, path, name in in_force
                    if area.path.startswith(path) or path.startswith(area.path)), None)
    if current is None:
        return None, Coverage()
    under = {f"{GRID_PATH}__prefix": area.path}
    return current, Coverage(target_rows(None, in_force).filter(**under).count(),
                             tested_rows(None, in_force).filter(**under).count())
