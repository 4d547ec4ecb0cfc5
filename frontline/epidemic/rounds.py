"""Testing rounds: creating one over a set of areas with its sites and their hours, staffing it with collectors
(at a site) and transporters, each through an assignment that lasts the round's days and ends with the
staffing or the round, its status (planned → under way → closed), and its exemptions (residents sampled at
home, or not to be tested). Every write asks the policy and is audited; reads take the actor."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from frontline.areas.models import Area, Site, SiteKind
from frontline.core import policy
from frontline.core.accounts import account_manageable, assignment_stop, grantable_roles
from frontline.core.audit import audit_create, audit_record, audit_update, snapshot
from frontline.core.models import Assignment, AuditAction
from frontline.core.scoping import get_for

from .models import (
    POOL_SIZES,
    ExemptionKind,
    RoundArea,
    RoundExemption,
    RoundSite,
    RoundStaff,
    RoundStatus,
    StaffRole,
    TestingRound,
)
from .policy import COLLECTOR, MANAGE_TESTING, TRANSPORTER, VIEW_TESTING

# The way a round goes: planned → under way → closed (a planned round may be called off: closed at once).
NEXT_STATUS = {RoundStatus.PLANNED: (RoundStatus.OPEN, RoundStatus.CLOSED), RoundStatus.OPEN: (RoundStatus.CLOSED,),
               RoundStatus.CLOSED: ()}


def _lowest_common(areas: list[Area]) -> Area:
    path = areas[0].path
    for area in areas[1:]:
        n = 0
        while n < min(len(path), len(area.path)) and path[n] == area.path[n]:
            n += 1
        path = path[:n - n % Area.steplen]
    return Area.objects.get(path=path) if path else Area.objects.get_first_root_node()


def _local_day_span(value: datetime.datetime) -> datetime.date:
    return timezone.localtime(value).date()


def _within(area_or_path, areas) -> bool:
    path = area_or_path if isinstance(area_or_path, str) else area_or_path.path
    return any(path.startswith(a.path) for a in areas)


# --- reads -----------------------------------------------------------------------------------------------


def testing_rounds_for(*, actor):
    """The rounds the actor may see: organised or covered in their place, their staffing's, their laboratory's."""
    return (TestingRound.objects.restrict(actor, VIEW_TESTING).select_related("area")
            .order_by("-starts_at", "-pk"))


def testing_round_get_for(actor, pk) -> TestingRound:
    """One round the actor may see, or 404 alike for "missing" and "not yours"."""
    return get_for(TestingRound.objects.select_related("area"), actor, pk)


def round_may_manage(actor, testing_round: TestingRound) -> bool:
    """Whoever runs testing where the round was organised (not a place it merely covers or lies under)."""
    return actor is None or policy.allows_in(actor, MANAGE_TESTING, testing_round.area)


def _require_manage(actor, testing_round: TestingRound) -> None:
    if not round_may_manage(actor, testing_round):
        raise PermissionDenied


def _require_not_closed(testing_round: TestingRound) -> None:
    if testing_round.status == RoundStatus.CLOSED:
        raise ValidationError(_("The round %(round)s is closed.") % {"round": testing_round.name})


def round_areas_of(testing_round: TestingRound) -> list[Area]:
    return list(Area.objects.filter(pk__in=RoundArea.objects.filter(round=testing_round).values("area_id"))
                .order_by("path"))


def testing_sites_for(*, actor, areas: list[Area]):
    """Open testing sites in the given areas where the actor runs testing."""
    if not areas:
        return Site.objects.none()
    q = Q(pk__in=[])
    for a in areas:
        q |= Q(area__path__startswith=a.path)
    return (Site.objects.restrict(actor, MANAGE_TESTING).filter(q, kind=SiteKind.TESTING, closed_on__isnull=True)
            .select_related("area").order_by("area__path", "name"))


# --- rounds ----------------------------------------------------------------------------------------------


@transaction.atomic
def testing_round_create(*, actor, name: str, areas: list[Area], starts_at: datetime.datetime,
                         ends_at: datetime.datetime, pool_size: int,
                         sites: list[tuple[Site, datetime.datetime, datetime.datetime]] = (),
                         form_token: str | None = None) -> TestingRound:
    """A round over `areas` (each within the actor's place), with its testing sites and their hours. The same
    `form_token` twice gives back the round made the first time (a form submitted twice makes one round)."""
    if form_token:
        existing = TestingRound.objects.filter(form_token=form_token).first()
        if existing is not None:
            return existing
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the round a name.")})
    if not areas:
        raise ValidationError({"areas": _("Choose the areas the round covers.")})
    for area in areas:
        if actor is not None and not policy.allows_in(actor, MANAGE_TESTING, area):
            raise ValidationError({"areas": _("%(area)s is outside your area.") % {"area": area.name}})
    if pool_size not in POOL_SIZES:
        raise ValidationError({"pool_size": _("A tube takes 1, 5, 10 or 20 samples.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The round must end after it starts.")})
    for site, _opens, _closes in sites:
        if not _within(site.area, areas):
            raise ValidationError({"sites": _("The testing site %(site)s is not in the areas the round covers.")
                                   % {"site": site.name}})
    try:
        with transaction.atomic():
            testing_round = TestingRound.objects.create(
                name=name, area=_lowest_common(areas), starts_at=starts_at, ends_at=ends_at, pool_size=pool_size,
                created_by=actor, form_token=form_token or None)
    except IntegrityError:
        if form_token and (existing := TestingRound.objects.filter(form_token=form_token).first()):
            return existing  # the same form, submitted at the same moment by a second request
        raise
    RoundArea.objects.bulk_create([RoundArea(round=testing_round, area=a) for a in areas])
    for site, opens_at, closes_at in sites:
        round_site_add(actor=actor, testing_round=testing_round, site=site, opens_at=opens_at, closes_at=closes_at)
    audit_create(actor, testing_round)
    return testing_round


@transaction.atomic
def testing_round_status_set(*, actor, testing_round: TestingRound, status: str) -> TestingRound:
    """Open or close the round. Closing it ends every staffing (and the access its assignments gave)."""
    _require_manage(actor, testing_round)
    testing_round = TestingRound.objects.select_for_update().get(pk=testing_round.pk)
    if status not in NEXT_STATUS.get(testing_round.status, ()):
        raise ValidationError({"status": _("A round that is %(now)s cannot become %(next)s.") % {
            "now": testing_round.get_status_display(), "next": dict(RoundStatus.choices).get(status, status)}})
    before = snapshot(testing_round)
    testing_round.status = status
    testing_round.save(update_fields=["status"])
    audit_update(actor, testing_round, before)
    if status == RoundStatus.CLOSED:
        for staff in testing_round.staff.filter(ended_at__isnull=True).select_related("assignment", "user"):
            _staff_end(actor, staff)
    return testing_round


# --- sites -----------------------------------------------------------------------------------------------


@transaction.atomic
def testing_site_create(*, actor, area: Area, name: str, address: str = "") -> Site:
    """A new testing site (核酸采样点) at an area of the actor's place."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"new_site_name": _("Give the new testing site a name.")})
    if actor is not None and not policy.allows_in(actor, MANAGE_TESTING, area):
        raise ValidationError({"new_site_area": _("%(area)s is outside your area.") % {"area": area.name}})
    site = Site(kind=SiteKind.TESTING, name=name[:100], area=area, address=(address or "").strip()[:200],
                opened_on=timezone.localdate())
    site.full_clean()
    site.save()
    audit_create(actor, site)
    return site


@transaction.atomic
def round_site_add(*, actor, testing_round: TestingRound, site: Site, opens_at, closes_at) -> RoundSite:
    """A testing site open for the round, with its hours (given again, the hours change)."""
    _require_manage(actor, testing_round)
    if site.kind != SiteKind.TESTING:
        raise ValidationError({"site": _("%(site)s is not a testing site.") % {"site": site.name}})
    if actor is not None and not policy.allows(actor, MANAGE_TESTING, site):
        raise ValidationError({"site": _("%(site)s is outside your area.") % {"site": site.name}})
    if not _within(site.area, round_areas_of(testing_round)):
        raise ValidationError({"site": _("The testing site %(site)s is not in the areas the round covers.")
                               % {"site": site.name}})
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": _("A site must close after it opens.")})
    existing = RoundSite.objects.filter(round=testing_round, site=site).first()
    before = snapshot(existing) if existing else None
    round_site, created = RoundSite.objects.update_or_create(round=testing_round, site=site, defaults={
        "opens_at": opens_at, "closes_at": closes_at})
    if created:
        audit_create(actor, round_site)
    else:
        audit_update(actor, round_site, before)
    return round_site


# --- staff -----------------------------------------------------------------------------------------------


def staff_candidates(*, actor, testing_round: TestingRound):
    """Accounts the actor manages with an assignment in force in the round's place, for staffing it."""
    from frontline.core.accounts import accounts_managed

    in_place = Assignment.objects.current().filter(area__path__startswith=testing_round.area.path).values("user_id")
    return accounts_managed(actor=actor).filter(is_active=True, pk__in=in_place)


@transaction.atomic
def round_staff_add(*, actor, testing_round: TestingRound, user, role: str, site: Site | None = None,
                    area: Area | None = None, person=None) -> RoundStaff:
    """Staff the round: a collector at one of its sites, or a transporter over an area. The account (one the
    actor manages, for a role the actor may give) gets an assignment of that role for the round's local
    days, which ends with the staffing or the round."""
    _require_manage(actor, testing_round)
    _require_not_closed(testing_round)
    if role == StaffRole.COLLECTOR:
        if site is None or not testing_round.round_sites.filter(site=site).exists():
            raise ValidationError({"site": _("A collector works at one of the round's testing sites.")})
        area = site.area
    elif role != StaffRole.TRANSPORTER or area is None:
        raise ValidationError({"role": _("Staff a round with collectors and transporters.")})
    if actor is not None and not policy.allows_in(actor, MANAGE_TESTING, area):
        raise ValidationError({"area": _("%(area)s is outside your area.") % {"area": area.name}})
    assignment_role = COLLECTOR if role == StaffRole.COLLECTOR else TRANSPORTER
    if actor is not None:
        try:
            account_manageable(actor, user)
        except PermissionDenied:
            raise ValidationError({"user": _("The account %(name)s is not one you manage.")
                                   % {"name": user.username}}) from None
        if assignment_role not in grantable_roles(actor):
            raise ValidationError({"role": _("You may not give the role %(role)s.")
                                   % {"role": StaffRole(role).label}})
    earlier = RoundStaff.objects.filter(round=testing_round, user=user, site=site).first()
    if earlier is not None and earlier.ended_at is None:
        raise ValidationError({"user": _("%(name)s already works in this round there.") % {"name": user.username}})
    assignment = Assignment.objects.create(
        user=user, role=assignment_role, area=area,
        valid_from=_local_day_span(testing_round.starts_at), valid_until=_local_day_span(testing_round.ends_at),
        created_by=actor)
    if earlier is not None:  # staffed again after an end: the staffing comes back with a new assignment
        before = snapshot(earlier)
        earlier.assignment, earlier.ended_at, earlier.role, earlier.area = assignment, None, role, area
        earlier.save(update_fields=["assignment", "ended_at", "role", "area"])
        policy.forget(user)
        audit_create(actor, assignment)
        audit_update(actor, earlier, before)
        return earlier
    staff = RoundStaff.objects.create(round=testing_round, site=site, user=user, role=role, assignment=assignment,
                                      area=area, person=person or user.person)
    policy.forget(user)
    audit_create(actor, assignment)
    audit_create(actor, staff)
    return staff


def _staff_end(actor, staff: RoundStaff) -> RoundStaff:
    """End a staffing now and its assignment today (an assignment not yet begun, yesterday: it never starts)."""
    staff.ended_at = timezone.now()
    staff.save(update_fields=["ended_at"])
    assignment_stop(actor=actor, assignment=staff.assignment)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=staff, note="round staffing ended")
    return staff


@transaction.atomic
def round_staff_end(*, actor, staff: RoundStaff) -> RoundStaff:
    """End a staffing: the account's access to the round goes with it."""
    _require_manage(actor, staff.round)
    staff = RoundStaff.objects.select_for_update().select_related("assignment", "user", "round").get(pk=staff.pk)
    if staff.ended_at is not None:
        raise ValidationError(_("This staffing has already ended."))
    return _staff_end(actor, staff)


# --- exemptions ------------------------------------------------------------------------------------------


def person_current_grid(person) -> Area | None:
    from frontline.people.models import Resident

    residence = (Resident.objects.filter(person=person, moved_out__isnull=True)
                 .select_related("household__building__area").first())
    return residence.household.building.area if residence else None


@transaction.atomic
def round_exemption_add(*, actor, testing_round: TestingRound, person, kind: str, note: str = "") -> RoundExemption:
    """A resident of the round's areas sampled at home (door to door: still in the target) or not to be
    tested in it (away, other: out of the target). Once per person and round."""
    _require_manage(actor, testing_round)
    _require_not_closed(testing_round)
    if kind not in ExemptionKind.values:
        raise ValidationError({"kind": _("Choose how the resident is treated in this round.")})
    grid = person_current_grid(person)
    if grid is None or not _within(grid, round_areas_of(testing_round)):
        raise ValidationError({"person": _("%(name)s does not live in the areas this round covers.")
                               % {"name": person.name}})
    if actor is not None and not policy.allows_in(actor, MANAGE_TESTING, grid):
        raise ValidationError({"person": _("%(name)s lives outside your area.") % {"name": person.name}})
    if RoundExemption.objects.filter(round=testing_round, person=person).exists():
        raise ValidationError({"person": _("%(name)s is already on this round's exemptions.") % {"name": person.name}})
    exemption = RoundExemption(round=testing_round, person=person, grid=grid, kind=kind,
                               note=(note or "").strip()[:200], created_by=actor)
    exemption.save()
    audit_create(actor, exemption, person=person)
    return exemption


@transaction.atomic
def round_exemption_remove(*, actor, exemption: RoundExemption) -> None:
    """The resident is back in the round's target like anyone else."""
    _require_manage(actor, exemption.round)
    _require_not_closed(exemption.round)
    audit_record(actor=actor, action=AuditAction.DELETE, obj=exemption, person=exemption.person,
                 changes={"kind": [exemption.kind, None]}, note="round exemption removed")
    exemption.delete()


def round_exemptions(*, actor, testing_round: TestingRound):
    """The round's exemptions the actor may see (people's rows: masked on the page)."""
    return (RoundExemption.objects.restrict(actor, policy.VIEW_PEOPLE).filter(round=testing_round)
            .select_related("person", "grid").order_by("grid__path", "person__name", "pk"))


def door_to_door_for_grid(*, actor, testing_round: TestingRound, grid: Area):
    """The residents of a grid to be sampled at home in the round (上门采样), for the grid's lists."""
    return round_exemptions(actor=actor, testing_round=testing_round).filter(
        kind=ExemptionKind.DOOR_TO_DOOR, grid__path__startswith=grid.path)
