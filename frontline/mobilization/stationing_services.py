"""Writes and reads of monthly stationing (家园驻守): a cadre logs their own days, the community confirms or
refuses them (never the cadre themself), the organization department reads the monthly compliance by home
unit, exports it (masked, watermarked, audited) and sends each unit with a shortfall one work order a month.

Months are calendar months of local dates (the city's time zone, Asia/Shanghai): a day is the local date on
which it was spent, so 23:30 on the last day of a month counts for that month."""

import calendar
import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, FilteredRelation, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from frontline.areas.models import Area, AreaLevel
from frontline.core import policy
from frontline.core.audit import audit_bulk, audit_create, audit_record, diff, snapshot
from frontline.core.models import AuditAction, WorkOrderEvent
from frontline.core.roles import Role
from frontline.core.services import work_order_create
from frontline.people.models import Cadre, CadreRank, Resident

from .models import Deployment
from .stationing import StationingDay, StationingShortfall, StationingStatus

LOG_STATIONING = "log_stationing"
CONFIRM_STATIONING = "confirm_stationing"
VIEW_STATIONING = "view_stationing"
SHORTFALL_KIND = "stationing_shortfall"


def min_days() -> int:
    return settings.FRONTLINE_STATIONING_MIN_DAYS


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def previous_month(month: datetime.date) -> datetime.date:
    return month_start(month_start(month) - datetime.timedelta(days=1))


def parse_month(text: str | None, default: datetime.date) -> datetime.date:
    """"2022-04" → the first of that month; anything else → the default month."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return datetime.date(year, month, 1)
    except (TypeError, ValueError):
        return month_start(default)


def local_today(now: datetime.datetime | None = None) -> datetime.date:
    return timezone.localdate(now or timezone.now())


def earliest_loggable(today: datetime.date) -> datetime.date:
    """The oldest day that may still be logged today: the first of this month, or of the previous month during
    the first FRONTLINE_STATIONING_GRACE_DAYS days of a month."""
    if today.day <= settings.FRONTLINE_STATIONING_GRACE_DAYS:
        return previous_month(today)
    return month_start(today)


def cadre_of(actor) -> Cadre | None:
    """The cadre record behind an account (its person's), or None."""
    if actor is None or not getattr(actor, "person_id", None):
        return None
    return Cadre.objects.filter(person_id=actor.person_id).select_related("person").first()


def home_community(cadre: Cadre, day: datetime.date | None = None) -> Area | None:
    """Where a cadre stations by default: the community they live in (their current home), else the community
    of their deployment in force (a street deployment has none)."""
    home = (Resident.objects.filter(person_id=cadre.person_id, moved_out__isnull=True)
            .values_list("household__building__area__path", flat=True).first())
    if home:
        community = Area.objects.filter(level=AreaLevel.COMMUNITY, path__in=[home[:n] for n in range(4, len(home) + 1, 4)]
                                        ).first()
        if community is not None:
            return community
    day = day or timezone.localdate()
    deployment = (Deployment.objects.filter(cadre=cadre, starts_on__lte=day, area__level=AreaLevel.COMMUNITY)
                  .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day)).select_related("area").first())
    return deployment.area if deployment else None


@transaction.atomic
def stationing_day_log(*, actor, day: datetime.date | None = None, note: str = "", community: Area | None = None,
                       now: datetime.datetime | None = None) -> StationingDay:
    """The actor (a cadre) logs a day they spent stationed: today by default, never a future day, never one
    before `earliest_loggable`; one per cadre and day. The community defaults to `home_community`."""
    policy.require(actor, LOG_STATIONING)
    cadre = cadre_of(actor)
    if cadre is None:
        raise ValidationError(_("This account is not linked to a cadre's record: ask the organization department."),
                              code="no_cadre")
    today = local_today(now)
    day = day or today
    if day > today:
        raise ValidationError({"day": _("%(day)s is in the future: log a day once it is spent.") % {"day": day}},
                              code="future")
    earliest = earliest_loggable(today)
    if day < earliest:
        raise ValidationError({"day": _("%(day)s is too long ago: days from %(earliest)s on may be logged.") % {
            "day": day, "earliest": earliest}}, code="too_old")
    community = community or home_community(cadre, today)
    if community is None or community.level != AreaLevel.COMMUNITY:
        raise ValidationError({"community": _("No community to station in: your home address or deployment is not "
                                              "registered. Ask your community secretary.")}, code="no_community")
    if StationingDay.objects.filter(cadre=cadre, day=day).exists():
        raise ValidationError({"day": _("%(day)s is logged already: one entry per day.") % {"day": day}},
                              code="twice")
    entry = StationingDay(cadre=cadre, community=community, day=day, note=" ".join((note or "").split())[:200],
                          logged_by=actor)
    try:
        with transaction.atomic():  # a double tap racing the check above meets the constraint
            entry.save()
    except IntegrityError:
        raise ValidationError({"day": _("%(day)s is logged already: one entry per day.") % {"day": day}},
                              code="twice") from None
    audit_create(actor, entry, person=cadre.person)
    return entry


@transaction.atomic
def stationing_days_decide(*, actor, days: list[int], confirm: bool, reason: str = "",
                           now: datetime.datetime | None = None) -> int:
    """Confirm (or refuse, with a reason) waiting days of communities in the actor's scope, many at once; all
    or nothing. Nobody confirms their own days. Returns how many were decided."""
    policy.require(actor, CONFIRM_STATIONING)
    reason = " ".join((reason or "").split())[:200]
    if not confirm and not reason:
        raise ValidationError({"reason": _("Say why the days are not confirmed.")})
    if not days:
        raise ValidationError(_("Choose the days to confirm or refuse."), code="none")
    rows = list(StationingDay.objects.restrict(actor, CONFIRM_STATIONING).select_for_update(of=("self",))
                .filter(pk__in=days).select_related("cadre__person").order_by("day", "id"))
    if len(rows) != len(set(days)):
        raise ValidationError(_("Some of the chosen days are not in your area."), code="scope")
    own = [r for r in rows if actor is not None and (r.logged_by_id == actor.pk
                                                     or (actor.person_id and r.cadre.person_id == actor.person_id))]
    if own:
        raise ValidationError(_("Nobody confirms their own stationing days (%(day)s): the community does.") % {
            "day": own[0].day}, code="own")
    decided = [r for r in rows if r.status != StationingStatus.WAITING]
    if decided:
        raise ValidationError(_("%(name)s's day %(day)s was decided already.") % {
            "name": decided[0].cadre.person.name, "day": decided[0].day}, code="decided")
    now = now or timezone.now()
    entries = []
    for row in rows:
        before = snapshot(row)
        row.status = StationingStatus.CONFIRMED if confirm else StationingStatus.REFUSED
        row.decided_by, row.decided_at, row.refusal_reason = actor, now, "" if confirm else reason
        entries.append((row, diff(before, snapshot(row)), row.cadre.person))
    StationingDay.objects.bulk_update(rows, ["status", "decided_by", "decided_at", "refusal_reason"])
    audit_bulk(actor, AuditAction.UPDATE, entries, note="stationing confirmed" if confirm else "stationing refused")
    return len(rows)


# --- reads -----------------------------------------------------------------------------------------------

@dataclass
class MyMonth:
    cadre: Cadre | None
    month: datetime.date
    days: list[StationingDay]
    confirmed: int
    waiting: int
    minimum: int
    community: Area | None
    earliest: datetime.date
    today: datetime.date

    @property
    def missing(self) -> int:
        return max(0, self.minimum - self.confirmed)

    @property
    def logged_today(self) -> StationingDay | None:
        """Today's entry, if the cadre already logged it (one a day: the big button would only be refused)."""
        return next((d for d in self.days if d.day == self.today), None)


def my_stationing(*, actor, now: datetime.datetime | None = None) -> MyMonth:
    """The actor's own days this month (their own record: no scope involved) and their count."""
    today = local_today(now)
    month = month_start(today)
    cadre = cadre_of(actor)
    days = []
    if cadre is not None:
        days = list(StationingDay.objects.filter(cadre=cadre, day__gte=earliest_loggable(today), day__lte=today)
                    .select_related("community").order_by("-day"))
    this_month = [d for d in days if d.day >= month]
    return MyMonth(cadre, month, days, sum(d.status == StationingStatus.CONFIRMED for d in this_month),
                   sum(d.status == StationingStatus.WAITING for d in this_month), min_days(),
                   home_community(cadre, today) if cadre else None, earliest_loggable(today), today)


def stationing_waiting(*, actor, area: Area, limit: int = 500):
    """Days waiting for confirmation in communities under `area` that the actor may confirm, oldest first."""
    return (StationingDay.objects.restrict(actor, CONFIRM_STATIONING)
            .filter(community__path__startswith=area.path, status=StationingStatus.WAITING)
            .select_related("cadre__person", "community").order_by("day", "community__path", "id")[:limit])


def stationing_decided(*, actor, area: Area, since: datetime.date, limit: int = 200):
    return (StationingDay.objects.restrict(actor, CONFIRM_STATIONING)
            .filter(community__path__startswith=area.path, day__gte=since).exclude(status=StationingStatus.WAITING)
            .select_related("cadre__person", "community", "decided_by").order_by("-day", "id")[:limit])


@dataclass
class UnitCompliance:
    home_unit: str
    unit_area_id: int
    cadres: int = 0
    short: list[tuple] = field(default_factory=list)  # (cadre id, name, rank's label, phone (to mask), confirmed days)

    @property
    def met(self) -> int:
        return self.cadres - len(self.short)


@dataclass
class Compliance:
    month: datetime.date
    minimum: int
    units: list[UnitCompliance]

    @property
    def cadres(self) -> int:
        return sum(u.cadres for u in self.units)

    @property
    def short(self) -> int:
        return sum(len(u.short) for u in self.units)

    @property
    def met(self) -> int:
        return self.cadres - self.short


def compliance_rows(*, actor, month: datetime.date):
    """One row per cadre of county level and below in the actor's scope (their unit's area) with their confirmed
    days in the month: one aggregate query (a LEFT JOIN to the month's confirmed days, grouped by cadre)."""
    cadres = Cadre.objects.all() if actor is None else Cadre.objects.restrict(actor, VIEW_STATIONING)
    start, end = month_start(month), month_end(month)
    # The month's condition sits in the join (FilteredRelation), so other months' days are never read.
    month_days = FilteredRelation("stationing_days", condition=Q(
        stationing_days__day__gte=start, stationing_days__day__lte=end, stationing_days__status=StationingStatus.CONFIRMED))
    return (cadres.exclude(rank=CadreRank.BUREAU).annotate(month_days=month_days).annotate(n=Count("month_days"))
            .values_list("pk", "home_unit", "unit_area_id", "person__name", "rank", "person__phone", "n")
            .order_by("home_unit", "unit_area_id", "person__pinyin_full", "pk"))


def stationing_compliance(*, actor, month: datetime.date) -> Compliance:
    """Monthly compliance by home unit: each unit's cadres of county level and below, and those with fewer
    confirmed days than the minimum with their count. `actor` None: the whole city (the system)."""
    if actor is not None:
        policy.require(actor, VIEW_STATIONING)
    minimum, units, ranks = min_days(), {}, dict(CadreRank.choices)
    for pk, unit, unit_area_id, name, rank, phone, n in compliance_rows(actor=actor, month=month):
        entry = units.get((unit, unit_area_id))
        if entry is None:
            entry = units[(unit, unit_area_id)] = UnitCompliance(unit, unit_area_id)
        entry.cadres += 1
        if n < minimum:
            entry.short.append((pk, name, ranks.get(rank, rank), phone, n))
    return Compliance(month_start(month), minimum, list(units.values()))


@transaction.atomic
def stationing_shortfall_orders(*, actor, month: datetime.date) -> list[StationingShortfall]:
    """One work order per home unit with cadres under the minimum in `month`, to the commanders where the unit
    is (the organization department), listing them; a unit that has one for the month gets no second
    (idempotent: the button and the scheduled task may both run). `actor` None: the system, city-wide."""
    if actor is not None:
        policy.require(actor, VIEW_STATIONING)
    month = month_start(month)
    if month >= month_start(local_today()):  # its days may still be logged: nobody is short of them yet
        raise ValidationError(_("%(month)s is not over yet: work orders go out for a past month.") % {
            "month": f"{month:%Y-%m}"}, code="not_over")
    if month.year < 2000:  # a mistyped year: every cadre would be short of days then
        raise ValidationError(_("%(date)s is not a plausible date: check the year.") % {"date": f"{month:%Y-%m}"},
                              code="implausible")
    report = stationing_compliance(actor=actor, month=month)
    existing = set(StationingShortfall.objects.filter(month=month).values_list("home_unit", "unit_area_id"))
    areas = Area.objects.in_bulk([u.unit_area_id for u in report.units])
    created = []
    for unit in report.units:
        if not unit.short or (unit.home_unit, unit.unit_area_id) in existing:
            continue
        shortfall = StationingShortfall(month=month, home_unit=unit.home_unit, unit_area=areas[unit.unit_area_id],
                                        minimum=report.minimum, cadres=[[pk, name, n] for pk, name, _r, _p, n in unit.short])
        shortfall.full_clean()
        try:
            with transaction.atomic():
                shortfall.save()
        except IntegrityError:  # made by a concurrent run
            continue
        title = _("Stationing %(month)s: %(unit)s, %(n)s cadres under %(min)s days") % {
            "month": f"{month:%Y-%m}", "unit": unit.home_unit, "n": len(unit.short), "min": report.minimum}
        order = work_order_create(actor=actor, kind=SHORTFALL_KIND, title=title[:200], area=shortfall.unit_area,
                                  subject=shortfall, assignee_role=Role.COMMANDER)
        listing = "；".join(_("%(name)s %(n)s days") % {"name": name, "n": n} for _pk, name, _r, _p, n in unit.short)
        WorkOrderEvent.objects.create(work_order=order, actor=order.created_by, action=WorkOrderEvent.Action.COMMENTED,
                                      note=listing)
        audit_record(actor=actor, action=AuditAction.COMMENT, obj=order, note=listing)  # as work_order_comment does
        audit_create(actor, shortfall)
        created.append(shortfall)
    return created


def stationing_shortfall_due(*, now: datetime.datetime | None = None) -> int:
    """The scheduled task's work: once the previous month's grace days are over, its shortfall goes out (the
    system, city-wide; runs daily, creates only what is missing)."""
    today = local_today(now)
    if today.day <= settings.FRONTLINE_STATIONING_GRACE_DAYS:
        return 0
    return len(stationing_shortfall_orders(actor=None, month=previous_month(today)))
